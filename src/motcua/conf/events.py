"""Settings of motcua.events: the outbox of dossier events and its delivery to subscribers.

``docs/EVENTS.md`` is the receiver's guide (payload, signature, ordering).

- ``MOTCUA_INSTANCE_CODE``: this installation's code, sent with every event
  (``X-MotCua-Instance``), e.g. the province code ``HNI``; the national system knows
  each source by it. Default ``MOTCUA``.
- ``MOTCUA_EVENTS_SUBSCRIBERS``: subscribers declared by the deployment, comma-separated,
  each ``name|url|secret`` optionally followed by ``|kind`` (``portal_sync``,
  ``measurement`` or ``other``) and ``|types`` (event types joined by ``;``, empty: all).
  They are written to the database by ``motcua sync_subscribers``, after every
  ``migrate`` and when ``deliver_events`` starts; a declared subscriber removed from the
  list is deactivated. Subscribers added in the admin are not touched.
- ``MOTCUA_EVENTS_MAX_ATTEMPTS`` (8): tries before a delivery is dead (dead-letter list).
- ``MOTCUA_EVENTS_BACKOFF_S`` (30) and ``MOTCUA_EVENTS_BACKOFF_MAX_S`` (21600): after the
  n-th failed try the next one waits base × 2^(n−1) seconds, capped, times a random
  factor between 0.5 and 1 (jitter, so that retries of many deliveries spread out).
- ``MOTCUA_EVENTS_TIMEOUT_S`` (10): connect and read timeout of one POST.
- ``MOTCUA_EVENTS_LEASE_S`` (60): how long a worker keeps the deliveries it claimed; a
  worker that dies mid-way leaves them to be retried by another after this time. Keep it
  above the timeout.
- ``MOTCUA_EVENTS_BATCH_SIZE`` (100) deliveries claimed at a time and
  ``MOTCUA_EVENTS_POLL_S`` (5) seconds between polls of ``deliver_events --watch``
  (both also options of the command).
"""

from motcua.conf.env import env_float as _env_float
from motcua.conf.env import env_int as _env_int
from motcua.conf.env import env_str as _env_str

MOTCUA_INSTANCE_CODE = (
    _env_str(
        "MOTCUA_INSTANCE_CODE",
        "MOTCUA",
        "This installation's code sent with every event (X-MotCua-Instance), e.g. HNI.",
    ).strip()
    or "MOTCUA"
)
MOTCUA_EVENTS_SUBSCRIBERS = _env_str(
    "MOTCUA_EVENTS_SUBSCRIBERS",
    "",
    "Declared event subscribers, comma-separated, each name|url|secret[|kind[|types]].",
)
MOTCUA_EVENTS_MAX_ATTEMPTS = _env_int(
    "MOTCUA_EVENTS_MAX_ATTEMPTS", "8", "Tries before an event delivery is dead."
)
MOTCUA_EVENTS_BACKOFF_S = _env_float(
    "MOTCUA_EVENTS_BACKOFF_S", "30", "Base of the exponential wait between delivery tries."
)
MOTCUA_EVENTS_BACKOFF_MAX_S = _env_float(
    "MOTCUA_EVENTS_BACKOFF_MAX_S", "21600", "Longest wait between delivery tries, in seconds."
)
MOTCUA_EVENTS_TIMEOUT_S = _env_float(
    "MOTCUA_EVENTS_TIMEOUT_S", "10", "Connect and read timeout of one event POST."
)
MOTCUA_EVENTS_LEASE_S = _env_float(
    "MOTCUA_EVENTS_LEASE_S",
    "60",
    "Seconds a worker keeps the deliveries it claimed (keep it above the timeout).",
)
MOTCUA_EVENTS_BATCH_SIZE = _env_int(
    "MOTCUA_EVENTS_BATCH_SIZE", "100", "Deliveries claimed at a time by deliver_events."
)
MOTCUA_EVENTS_POLL_S = _env_float(
    "MOTCUA_EVENTS_POLL_S", "5", "Seconds between polls of deliver_events --watch."
)
