"""Settings of motcua.exchange: dossiers handed between MotCua instances (docs/EXCHANGE.md).

- ``MOTCUA_EXCHANGE_ROLE``: ``national`` (this installation is the national front door:
  the citizen files here, a province settles), ``province`` (this installation settles
  dossiers filed on the national portal) or ``off`` (default: every exchange URL
  answers 404 and nothing is sent).
- ``MOTCUA_EXCHANGE_PEERS``: the other instances, comma-separated, each
  ``code|kind|base_url|secret`` or ``code|kind|base_url|secret|agency codes``: the code
  is the peer's ``MOTCUA_INSTANCE_CODE``, kind ``national`` or ``province``, the secret
  the shared HMAC key of the channel (both directions, at least 16 characters), the
  agency codes (space-separated) those the peer settles. Written to the database by
  ``motcua sync_peers`` and after every ``migrate``; a declared peer removed from the
  list is deactivated; peers added in the admin are not touched.
- ``MOTCUA_EXCHANGE_INLINE`` (on): try to send a message right after the transaction that
  wrote it commits; the ``deliver_exchange`` job sends whatever that try did not.
- ``MOTCUA_EXCHANGE_MAX_ATTEMPTS`` (72): tries before a message is dead (with the
  backoff below, about three days); a dead message waits for a replay in the admin.
- ``MOTCUA_EXCHANGE_BACKOFF_S`` (30) and ``MOTCUA_EXCHANGE_BACKOFF_MAX_S`` (3600): after
  the n-th failed try the next one waits base × 2^(n−1) seconds, capped, times a random
  factor between 0.5 and 1.
- ``MOTCUA_EXCHANGE_TIMEOUT_S`` (10): connect and read timeout of one request to a peer.
- ``MOTCUA_EXCHANGE_LEASE_S`` (120): how long a worker keeps the messages it claimed.
- ``MOTCUA_EXCHANGE_WINDOW_S`` (300): how far, in seconds, a request's
  ``X-MotCua-Timestamp`` may be from this server's clock (either way).
- ``MOTCUA_EXCHANGE_ADAPTERS``: extra transport adapters, ``name=dotted.path`` pairs,
  comma-separated (e.g. ``lgsp=vn_lgsp.adapter.LgspTransport``); a peer whose ``adapter``
  is ``name`` is carried by that class. ``motcua-http`` is built in.
"""

from motcua.conf.env import env_bool as _env_bool
from motcua.conf.env import env_float as _env_float
from motcua.conf.env import env_int as _env_int
from motcua.conf.env import env_pairs as _env_pairs
from motcua.conf.env import env_str as _env_str

MOTCUA_EXCHANGE_ROLE = (
    _env_str(
        "MOTCUA_EXCHANGE_ROLE",
        "off",
        "Dossier exchange role: national (front door), province (back office) or off.",
    )
    .strip()
    .lower()
)
MOTCUA_EXCHANGE_PEERS = _env_str(
    "MOTCUA_EXCHANGE_PEERS",
    "",
    "Exchange peers, comma-separated, each code|kind|base_url|secret[|agency codes].",
)
MOTCUA_EXCHANGE_INLINE = _env_bool(
    "MOTCUA_EXCHANGE_INLINE",
    True,
    "Try to send an exchange message as soon as its transaction commits.",
)
MOTCUA_EXCHANGE_MAX_ATTEMPTS = _env_int(
    "MOTCUA_EXCHANGE_MAX_ATTEMPTS", "72", "Tries before an exchange message is dead."
)
MOTCUA_EXCHANGE_BACKOFF_S = _env_float(
    "MOTCUA_EXCHANGE_BACKOFF_S", "30", "Base of the exponential wait between exchange tries."
)
MOTCUA_EXCHANGE_BACKOFF_MAX_S = _env_float(
    "MOTCUA_EXCHANGE_BACKOFF_MAX_S", "3600", "Longest wait between exchange tries, in seconds."
)
MOTCUA_EXCHANGE_TIMEOUT_S = _env_float(
    "MOTCUA_EXCHANGE_TIMEOUT_S", "10", "Connect and read timeout of one request to a peer."
)
MOTCUA_EXCHANGE_LEASE_S = _env_float(
    "MOTCUA_EXCHANGE_LEASE_S",
    "120",
    "Seconds a worker keeps the exchange messages it claimed (keep it above the timeout).",
)
MOTCUA_EXCHANGE_WINDOW_S = _env_int(
    "MOTCUA_EXCHANGE_WINDOW_S",
    "300",
    "How far (seconds) an exchange request's X-MotCua-Timestamp may be from this clock.",
)
MOTCUA_EXCHANGE_ADAPTERS = _env_pairs(
    "MOTCUA_EXCHANGE_ADAPTERS",
    "",
    "Extra exchange transport adapters, name=dotted.path pairs, comma-separated.",
)
