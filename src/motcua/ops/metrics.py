"""Business and job figures for Prometheus (beside django-prometheus' request metrics).

Counters only: they add up across processes in multi-process mode
(``PROMETHEUS_MULTIPROC_DIR``) and cost nothing at scrape time.
"""

from __future__ import annotations

from django.db import transaction
from django.dispatch import receiver
from prometheus_client import Counter, Histogram

from motcua.dossiers.signals import dossier_event

DOSSIER_EVENTS = Counter(
    "motcua_dossier_events_total",
    "Dossier events committed (submit, receive, approve, …), by event.",
    ["event", "channel"],
)
JOB_RUNS = Counter(
    "motcua_job_runs_total",
    "Scheduled jobs run by the workers, by job and outcome (ok, failed, missing, busy).",
    ["job", "outcome"],
)
JOB_SECONDS = Histogram(
    "motcua_job_duration_seconds",
    "How long the scheduled jobs took.",
    ["job"],
    buckets=(0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900),
)


@receiver(dossier_event, dispatch_uid="ops.metrics.dossier_events")
def count_dossier_event(sender, dossier, event, **kwargs) -> None:
    """Count the event once its transaction commits (a rolled-back change never happened)."""
    channel = str(getattr(dossier, "channel", "") or "")
    transaction.on_commit(lambda: DOSSIER_EVENTS.labels(event=event, channel=channel).inc())
