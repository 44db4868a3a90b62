"""Run a management command as a scheduled job: by name, logged, counted, never raising.

The jobs belong to other apps (the notifications outbox, event deliveries, payment
reconciliation, deadlines, reports); ops calls their commands by name so that it
imports none of them, and a command not installed yet is a logged line, not a crash.
"""

from __future__ import annotations

import io
import logging
import time

from django.core.cache import cache
from django.core.management import call_command, get_commands

from .metrics import JOB_RUNS, JOB_SECONDS

logger = logging.getLogger(__name__)

OK, FAILED, MISSING, BUSY = "ok", "failed", "missing", "busy"


def run_job(command: str, *args: str, lock_seconds: int = 900, **options) -> str:
    """Run ``motcua <command> <args>`` once and return its outcome: ``ok``, ``failed``
    (it raised; logged with its traceback), ``missing`` (no such command installed) or
    ``busy`` (the same job is still running elsewhere: the cache holds its lock for at
    most ``lock_seconds``; with a shared cache the lock holds across machines)."""
    if command not in get_commands():
        logger.warning("job %s skipped: the command is not installed", command)
        JOB_RUNS.labels(job=command, outcome=MISSING).inc()
        return MISSING
    lock = f"motcua:ops:job:{command}"
    if not cache.add(lock, 1, timeout=lock_seconds):
        logger.info("job %s skipped: the previous run has not finished", command)
        JOB_RUNS.labels(job=command, outcome=BUSY).inc()
        return BUSY
    output = io.StringIO()
    started = time.monotonic()
    try:
        call_command(command, *args, stdout=output, stderr=output, **options)
    except Exception:
        logger.exception("job %s failed", command)
        outcome = FAILED
    else:
        outcome = OK
    finally:
        cache.delete(lock)
    seconds = time.monotonic() - started
    JOB_SECONDS.labels(job=command).observe(seconds)
    JOB_RUNS.labels(job=command, outcome=outcome).inc()
    if outcome == OK:
        summary = " ".join(output.getvalue().split())[:500]
        logger.info("job %s done in %.2f s: %s", command, seconds, summary)
    return outcome
