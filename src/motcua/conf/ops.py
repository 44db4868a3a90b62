"""Settings of motcua.ops: background jobs, probes, request ids, metrics (from the environment).

Celery (``motcua/celery.py``; workers and the beat scheduler of ``deploy/``):

- ``CELERY_BROKER_URL``: ``redis://host:6379/1`` or ``amqp://user:pass@host:5672//``
  (RabbitMQ). Unset (the embedded default), tasks run eagerly in the caller and nothing
  needs a broker: the jobs then run from cron or the management commands, as before.
- ``CELERY_RESULT_BACKEND``: where task results are kept (none by default: the jobs
  write what they did to the database and the logs).
- ``CELERY_WORKER_CONCURRENCY``: worker processes (default: the number of cores);
  ``CELERY_WORKER_MAX_TASKS_PER_CHILD`` (1000) tasks before a process is replaced.
- ``CELERY_TASK_SOFT_TIME_LIMIT`` / ``CELERY_TASK_TIME_LIMIT`` (seconds, 600 / 660): a
  job still running after the soft limit is interrupted, after the hard limit killed.
- The beat schedule: ``MOTCUA_BEAT_OUTBOX_S`` (15: the notifications outbox),
  ``MOTCUA_BEAT_EVENTS_S`` (15: event deliveries to subscribers),
  ``MOTCUA_BEAT_RECONCILE_S`` (300: payments still pending at the gateway),
  ``MOTCUA_BEAT_DEADLINES_AT`` ("06:00": the deadline job, daily; expired API
  idempotency keys are pruned half an hour later, orphan files after 45 minutes),
  ``MOTCUA_BEAT_REPORTS_AT`` ("07:00" on the first day of the month: monthly reports),
  ``MOTCUA_BEAT_EXCHANGE_S`` (15: the dossier exchange outbox),
  ``MOTCUA_BEAT_CATALOGUE_AT`` ("01:30", daily: the national portal pulls the provinces'
  catalogues, ``pull_catalogue``; on a province's instance it finds no province to pull),
  ``MOTCUA_BEAT_REBUILD_ROLLUPS`` (off) and ``MOTCUA_BEAT_REBUILD_AT`` ("02:30"): a
  nightly recomputation of the current month's monitoring rollups. It rewrites a
  month's rollups in one transaction, so turn it on only where nights are quiet.
  ``MOTCUA_BEAT_OUTBOX_LIMIT`` (500): notifications sent per run.
  ``MOTCUA_BEAT_AUDIT_CHECKPOINT_S`` (3600): the signed checkpoint of the audit chain
  written outside the database (``audit_checkpoint``, ``conf/audit.py``).

Probes and request ids (``/healthz``, ``/readyz``, ``X-Request-ID``):

- ``MOTCUA_READYZ_STORAGE`` (off): ``/readyz`` also writes, reads and deletes a small
  file in the default storage (one S3 round trip per probe).
- ``MOTCUA_READYZ_TIMEOUT_S`` (2): how long the broker check may take.
- ``MOTCUA_REQUEST_ID_HEADER`` ("X-Request-ID"): taken from the request when it looks
  sane (letters, digits and ``._:-``, at most 128 characters), else generated; always
  sent back. ``MOTCUA_REQUEST_ID_TRUST`` (on): off ignores the incoming header.

Prometheus (``/metrics``; ``MOTCUA_METRICS`` and ``MOTCUA_METRICS_DB`` are in settings.py):

- ``MOTCUA_METRICS_ALLOWED_IPS`` (none): client addresses (or networks such as
  10.0.0.0/8) that may read the metrics without a token; the client's address as
  ``MOTCUA_TRUSTED_PROXY_COUNT`` reads it. With neither this nor the token set,
  ``/metrics`` answers 403 to everyone.
- ``MOTCUA_METRICS_TOKEN``: a secret; ``Authorization: Bearer <token>`` reads the
  metrics from anywhere.
- ``PROMETHEUS_MULTIPROC_DIR`` (set by ``deploy/run_stack.py``): the folder where
  every gunicorn and Celery process writes its figures, so that one scrape sees all.
"""

from celery.schedules import crontab as _crontab

from motcua.conf.base import TIME_ZONE as _TIME_ZONE
from motcua.conf.env import declare as _declare
from motcua.conf.env import env_bool as _env_bool
from motcua.conf.env import env_float as _env_float
from motcua.conf.env import env_int as _env_int
from motcua.conf.env import env_list as _env_list
from motcua.conf.env import env_str as _env_str


def _at(name: str, default: str, description: str) -> tuple[int, int]:
    hour, minute = _env_str(name, default, description).split(":")
    return int(hour), int(minute)


# --- Celery ----------------------------------------------------------------------------
CELERY_BROKER_URL = _env_str(
    "CELERY_BROKER_URL",
    "",
    "The Celery broker (redis://… or amqp://…); unset: tasks run eagerly in the caller.",
)
CELERY_RESULT_BACKEND = (
    _env_str("CELERY_RESULT_BACKEND", "", "Where Celery task results are kept (none).") or None
)
CELERY_TASK_IGNORE_RESULT = CELERY_RESULT_BACKEND is None
# Without a broker the tasks run in the caller (the embedded default).
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = _TIME_ZONE
CELERY_TASK_SERIALIZER = CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Every job is idempotent: acknowledge after the run, so a worker that dies mid-job
# leaves it to another; take one job at a time so a long one blocks nothing queued.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = _env_int(
    "CELERY_TASK_SOFT_TIME_LIMIT", "600", "Seconds after which a running job is interrupted."
)
CELERY_TASK_TIME_LIMIT = _env_int(
    "CELERY_TASK_TIME_LIMIT", "660", "Seconds after which a running job is killed."
)
CELERY_WORKER_CONCURRENCY = (
    _env_int(
        "CELERY_WORKER_CONCURRENCY",
        "0",
        "Celery worker processes (0: the number of cores).",
    )
    or None
)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Django's LOGGING (plain or JSON, with request ids) also formats the workers' logs.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_WORKER_REDIRECT_STDOUTS_LEVEL = "INFO"
# A worker process is replaced after this many tasks (a bound on slow leaks).
CELERY_WORKER_MAX_TASKS_PER_CHILD = _env_int(
    "CELERY_WORKER_MAX_TASKS_PER_CHILD", "1000", "Tasks before a worker process is replaced."
)
CELERY_WORKER_SEND_TASK_EVENTS = False
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_TASK_TIME_LIMIT * 2}

MOTCUA_BEAT_OUTBOX_LIMIT = _env_int(
    "MOTCUA_BEAT_OUTBOX_LIMIT", "500", "Notifications sent per scheduled run."
)
_deadlines = _at(
    "MOTCUA_BEAT_DEADLINES_AT",
    "06:00",
    "Daily time (HH:MM) of the deadline job; idempotency keys +30 min, orphan files +45.",
)
_reports = _at(
    "MOTCUA_BEAT_REPORTS_AT", "07:00", "Time (HH:MM) of the monthly reports, on the 1st."
)
_outbox_s = _env_float(
    "MOTCUA_BEAT_OUTBOX_S", "15", "Seconds between runs of the notifications outbox."
)
_events_s = _env_float(
    "MOTCUA_BEAT_EVENTS_S", "15", "Seconds between runs of the event deliveries."
)
_exchange_s = _env_float(
    "MOTCUA_BEAT_EXCHANGE_S",
    "15",
    "Seconds between runs of the dossier exchange deliveries (deliver_exchange).",
)
_catalogue = _at(
    "MOTCUA_BEAT_CATALOGUE_AT",
    "01:30",
    "Daily time (HH:MM) the national portal pulls the provinces' catalogues (pull_catalogue).",
)
_reconcile_s = _env_float(
    "MOTCUA_BEAT_RECONCILE_S",
    "300",
    "Seconds between runs of the reconciliation of payments pending at the gateway.",
)
_audit_checkpoint_s = _env_float(
    "MOTCUA_BEAT_AUDIT_CHECKPOINT_S",
    "3600",
    "Seconds between signed checkpoints of the audit chain, written outside the database.",
)
_rebuild_rollups = _env_bool(
    "MOTCUA_BEAT_REBUILD_ROLLUPS",
    False,
    "Recompute the current month's monitoring rollups nightly (one long transaction).",
)
_rebuild = _at(
    "MOTCUA_BEAT_REBUILD_AT", "02:30", "Time (HH:MM) of the nightly rollups recomputation."
)
CELERY_BEAT_SCHEDULE = {
    "notifications-outbox": {
        "task": "ops.send_notifications",
        "schedule": _outbox_s,
    },
    "event-deliveries": {
        "task": "ops.deliver_events",
        "schedule": _events_s,
    },
    "exchange-deliveries": {
        "task": "ops.deliver_exchange",
        "schedule": _exchange_s,
    },
    "catalogue-pull": {
        "task": "ops.pull_catalogue",
        "schedule": _crontab(hour=_catalogue[0], minute=_catalogue[1]),
    },
    "payment-reconciliation": {
        "task": "ops.reconcile_payments",
        "schedule": _reconcile_s,
    },
    "audit-checkpoint": {
        "task": "ops.audit_checkpoint",
        "schedule": _audit_checkpoint_s,
    },
    "deadlines": {
        "task": "ops.check_deadlines",
        "schedule": _crontab(hour=_deadlines[0], minute=_deadlines[1]),
    },
    "idempotency-keys": {
        "task": "ops.prune_idempotency_keys",
        "schedule": _crontab(hour=_deadlines[0], minute=(_deadlines[1] + 30) % 60),
    },
    "orphan-files": {
        "task": "ops.cleanup_orphan_files",
        "schedule": _crontab(hour=_deadlines[0], minute=(_deadlines[1] + 45) % 60),
    },
    "rejected-payment-notices": {
        "task": "ops.prune_rejected_notices",
        "schedule": _crontab(hour=_deadlines[0], minute=(_deadlines[1] + 50) % 60),
    },
    "monthly-reports": {
        "task": "ops.send_monthly_reports",
        "schedule": _crontab(hour=_reports[0], minute=_reports[1], day_of_month=1),
    },
}
if _rebuild_rollups:
    CELERY_BEAT_SCHEDULE["rollups-rebuild"] = {
        "task": "ops.rebuild_rollups",
        "schedule": _crontab(hour=_rebuild[0], minute=_rebuild[1]),
    }

# --- Probes and request ids ------------------------------------------------------------
MOTCUA_READYZ_STORAGE = _env_bool(
    "MOTCUA_READYZ_STORAGE",
    False,
    "/readyz also writes, reads and deletes a small file in the default storage.",
)
MOTCUA_READYZ_TIMEOUT_S = _env_float(
    "MOTCUA_READYZ_TIMEOUT_S", "2", "How long /readyz's broker check may take, in seconds."
)
MOTCUA_REQUEST_ID_HEADER = _env_str(
    "MOTCUA_REQUEST_ID_HEADER", "X-Request-ID", "The header carrying the request id."
)
MOTCUA_REQUEST_ID_TRUST = _env_bool(
    "MOTCUA_REQUEST_ID_TRUST", True, "Take a sane incoming request id (off: always generate)."
)

# --- Metrics -----------------------------------------------------------------------------
MOTCUA_METRICS_ALLOWED_IPS = _env_list(
    "MOTCUA_METRICS_ALLOWED_IPS",
    "",
    "Client addresses or networks that may read /metrics without a token (none: token only).",
)
MOTCUA_METRICS_TOKEN = _env_str(
    "MOTCUA_METRICS_TOKEN", "", "A secret: Authorization: Bearer <token> reads /metrics."
)
_declare(
    "PROMETHEUS_MULTIPROC_DIR",
    "",
    "Folder where every gunicorn and Celery process writes its figures (set by run_stack).",
)

# --- deploy/run_stack.py (the one-machine production stack; read by the script) ------------
_declare(
    "MOTCUA_SETUP_COMMANDS",
    "",
    "Commands run after migrate and collectstatic, separated by ';'.",
    module="deploy/run_stack.py",
)
_declare(
    "MOTCUA_STACK_GRACE_S",
    "40",
    "Seconds the processes have to stop before they are killed.",
    module="deploy/run_stack.py",
)
