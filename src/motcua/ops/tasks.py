"""Celery tasks: the scheduled jobs (``CELERY_BEAT_SCHEDULE`` in conf/ops.py) and ``ping``.

Each job calls another app's management command by name (see jobs.py). The request id
of the web request that sent a task travels in the task's headers and tags the
worker's log lines; a task sent by beat is tagged with its own task id.
"""

from __future__ import annotations

import datetime as dt
import os
import socket

from celery import shared_task
from celery.signals import before_task_publish, task_postrun, task_prerun
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from .context import current_request_id, sane_request_id, set_request_id
from .jobs import run_job

PING_KEY = "motcua:ops:ping:{token}"


@shared_task(name="ops.ping")
def ping(token: str) -> dict:
    """Write ``token``'s key in the cache (which worker answered, under which request
    id): proves that a worker runs tasks and that the request id travels with them."""
    answer = {"worker": f"{socket.gethostname()}:{os.getpid()}", "request_id": current_request_id()}
    cache.set(PING_KEY.format(token=token), answer, timeout=300)
    return answer


@shared_task(name="ops.send_notifications")
def send_notifications() -> str:
    return run_job("send_notifications", limit=settings.MOTCUA_BEAT_OUTBOX_LIMIT)


@shared_task(name="ops.deliver_events")
def deliver_events() -> str:
    return run_job("deliver_events", "--once")


@shared_task(name="ops.deliver_exchange")
def deliver_exchange() -> str:
    return run_job("deliver_exchange", "--once")


@shared_task(name="ops.pull_catalogue")
def pull_catalogue() -> str:
    return run_job("pull_catalogue")


@shared_task(name="ops.reconcile_payments")
def reconcile_payments() -> str:
    return run_job("reconcile_payments")


@shared_task(name="ops.audit_checkpoint")
def audit_checkpoint() -> str:
    return run_job("audit_checkpoint")


@shared_task(name="ops.check_deadlines")
def check_deadlines() -> str:
    return run_job("check_deadlines")


@shared_task(name="ops.send_monthly_reports")
def send_monthly_reports() -> str:
    return run_job("send_monthly_reports", lock_seconds=3600)


@shared_task(name="ops.prune_idempotency_keys")
def prune_idempotency_keys() -> str:
    return run_job("prune_idempotency_keys")


@shared_task(name="ops.cleanup_orphan_files")
def cleanup_orphan_files() -> str:
    return run_job("cleanup_orphan_files", lock_seconds=3600)


@shared_task(name="ops.prune_rejected_notices")
def prune_rejected_notices() -> str:
    return run_job("prune_rejected_notices")


@shared_task(name="ops.rebuild_rollups")
def rebuild_rollups() -> str:
    """Recompute the monitoring figures of yesterday's month (the nightly repair)."""
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    return run_job("rebuild_rollups", f"--period={yesterday:%Y-%m}", lock_seconds=3600)


@before_task_publish.connect(dispatch_uid="ops.request_id.publish")
def _send_request_id(headers=None, **kwargs) -> None:
    request_id = current_request_id()
    if request_id and headers is not None:
        headers.setdefault("motcua_request_id", request_id)


@task_prerun.connect(dispatch_uid="ops.request_id.prerun")
def _bind_request_id(task_id=None, task=None, **kwargs) -> None:
    request = getattr(task, "request", None)
    sent_by = getattr(request, "motcua_request_id", None) or (
        (getattr(request, "headers", None) or {}).get("motcua_request_id")
    )
    previous = current_request_id()
    if request is not None:
        request.motcua_previous_request_id = previous
    # An eager task runs inside the request that sent it: it keeps the request's id.
    set_request_id(sane_request_id(sent_by) or previous or task_id or "")


@task_postrun.connect(dispatch_uid="ops.request_id.postrun")
def _unbind_request_id(task=None, **kwargs) -> None:
    set_request_id(getattr(getattr(task, "request", None), "motcua_previous_request_id", ""))
