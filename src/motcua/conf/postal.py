"""Settings for results sent by post (``motcua.postal``) and the bundled postal-service
simulator (``motcua.postsim``), read from the environment.

``postal`` (the platform's side, docs/POSTAL.md):

- ``MOTCUA_POSTAL_BACKEND``: the connector (``http``, or a dotted path to a class
  implementing ``motcua.postal.connector.PostalService``).
- ``MOTCUA_POSTAL_URL``: the postal service's API (default: the simulator on the
  development server, ``/mo-phong/buu-chinh/``).
- ``MOTCUA_POSTAL_KEY``: the key shared with the postal service; every request, answer
  and delivery event is signed with HMAC-SHA256 under it. Its default is published in this
  repository: with ``MOTCUA_PRODUCTION=1`` it is refused (motcua.E002, conf/security.py).
- ``MOTCUA_POSTAL_TIMEOUT_S``, ``MOTCUA_POSTAL_RETRIES``, ``MOTCUA_POSTAL_BACKOFF_S``:
  each call's timeout and its retries with exponential backoff (as the registries').
- ``MOTCUA_POSTAL_CALLBACK_URL``: where the postal service sends delivery events
  (empty: this instance's ``/buu-chinh/su-kien/`` on the address the desk uses).
- ``MOTCUA_POSTAL_MAX_SKEW_S``: how old a signed event may be (replays are refused).

``postsim`` (the simulator at ``/mo-phong/buu-chinh/``):

- ``MOTCUA_POSTSIM_ENABLED`` (on, off with ``MOTCUA_PRODUCTION=1``; off removes its URLs),
  ``MOTCUA_POSTSIM_KEY`` (the key it shares with MotCua),
  ``MOTCUA_POSTSIM_IN_PROVINCE_VND`` / ``MOTCUA_POSTSIM_OTHER_VND`` (its postage table),
  ``MOTCUA_POSTSIM_TRANSIT_S`` (how long a parcel travels before ``postsim_deliver``
  delivers it), ``MOTCUA_POSTSIM_WEBHOOK_TIMEOUT_S``.
"""

from motcua.conf.base import MOTCUA_PRODUCTION as _PRODUCTION
from motcua.conf.base import public_url as _public_url
from motcua.conf.env import env_bool as _env_bool
from motcua.conf.env import env_float as _env_float
from motcua.conf.env import env_int as _env_int
from motcua.conf.env import env_str as _env_str

# A demo key shared with the bundled simulator; a real postal contract's comes from the
# environment (refused in production, conf/security.py).
DEMO_POSTAL_KEY = "MOTCUA-BUUCHINH-DEMO-KHONG-DUNG-THAT-2026"

# --- Platform side (motcua.postal) -----------------------------------------------------
MOTCUA_POSTAL_BACKEND = _env_str(
    "MOTCUA_POSTAL_BACKEND",
    "http",
    "The postal connector: http, or a dotted path to a PostalService class.",
)
MOTCUA_POSTAL_URL = _env_str(
    "MOTCUA_POSTAL_URL",
    _public_url("/mo-phong/buu-chinh/"),
    "The postal service's API (default: the bundled simulator).",
    doc_default="MOTCUA_PUBLIC_URL + /mo-phong/buu-chinh/",
)
MOTCUA_POSTAL_KEY = _env_str(
    "MOTCUA_POSTAL_KEY",
    DEMO_POSTAL_KEY,
    "Key shared with the postal service (HMAC-SHA256 of requests, answers and events); "
    "the default is the simulator's demo one (refused in production).",
)
MOTCUA_POSTAL_TIMEOUT_S = _env_float(
    "MOTCUA_POSTAL_TIMEOUT_S", "5", "Timeout of each call to the postal service."
)
MOTCUA_POSTAL_RETRIES = _env_int(
    "MOTCUA_POSTAL_RETRIES", "2", "Retries of a postal call that timed out or got 502/503/504."
)
MOTCUA_POSTAL_BACKOFF_S = _env_float(
    "MOTCUA_POSTAL_BACKOFF_S", "0.2", "Backoff factor between postal retries (seconds)."
)
MOTCUA_POSTAL_CALLBACK_URL = _env_str(
    "MOTCUA_POSTAL_CALLBACK_URL",
    "",
    "Where the postal service sends delivery events (empty: /buu-chinh/su-kien/ here).",
)
MOTCUA_POSTAL_MAX_SKEW_S = _env_int(
    "MOTCUA_POSTAL_MAX_SKEW_S", "600", "How old a signed postal event may be, in seconds."
)

# --- Simulator (motcua.postsim) --------------------------------------------------------
# Off by default in production: its post-office page lists recipients' names and
# addresses, and its demo key would let anyone forge delivery events.
MOTCUA_POSTSIM_ENABLED = _env_bool(
    "MOTCUA_POSTSIM_ENABLED",
    not _PRODUCTION,
    "The postal-service simulator (off removes its URLs).",
    doc_default="off with MOTCUA_PRODUCTION, else on",
)
MOTCUA_POSTSIM_KEY = _env_str(
    "MOTCUA_POSTSIM_KEY",
    DEMO_POSTAL_KEY,
    "The key the postal simulator shares with MotCua (its demo default is refused in "
    "production while the simulator is on).",
)
MOTCUA_POSTSIM_IN_PROVINCE_VND = _env_int(
    "MOTCUA_POSTSIM_IN_PROVINCE_VND", "22000", "Simulator postage inside the sender's province."
)
MOTCUA_POSTSIM_OTHER_VND = _env_int(
    "MOTCUA_POSTSIM_OTHER_VND", "30000", "Simulator postage to another province."
)
MOTCUA_POSTSIM_TRANSIT_S = _env_int(
    "MOTCUA_POSTSIM_TRANSIT_S", "0", "Seconds a parcel travels before postsim_deliver delivers it."
)
MOTCUA_POSTSIM_WEBHOOK_TIMEOUT_S = _env_float(
    "MOTCUA_POSTSIM_WEBHOOK_TIMEOUT_S", "5", "Timeout of each simulator delivery event call."
)
