"""Settings for registries and the registry simulator (read from the environment).

``registries`` (the connectors the portal uses):

- ``MOTCUA_REGISTRY_BASE_URL``: where the data-sharing platform answers; by default the
  bundled simulator on the development server.
- ``MOTCUA_REGISTRY_API_KEY``: the key sent as ``X-API-Key``.
- ``MOTCUA_REGISTRY_CONNECTORS``: which connector serves each registry, as
  ``code=name`` pairs (``dan_cu=http,thue=disabled``); unlisted registries use
  ``MOTCUA_REGISTRY_DEFAULT_CONNECTOR`` (``http``).
- ``MOTCUA_REGISTRY_TIMEOUT_S`` (per attempt), ``MOTCUA_REGISTRY_RETRIES`` (extra
  attempts after a timeout, a refused connection or a 502/503/504),
  ``MOTCUA_REGISTRY_BACKOFF_S`` (exponential backoff factor between retries).
- ``MOTCUA_REGISTRY_BREAKER_FAILURES`` failed lookups in a row open a registry's
  circuit for ``MOTCUA_REGISTRY_BREAKER_RESET_S`` seconds.
- ``MOTCUA_REGISTRY_CACHE_SECONDS`` (0 turns the cache off) in the cache
  ``MOTCUA_REGISTRY_CACHE_ALIAS``.
- ``MOTCUA_REGISTRY_LOG_HASH_KEY``: the key of the HMAC that stores whose data was
  looked up (defaults to SECRET_KEY; set it explicitly so hashes survive key rotation).

``registrysim`` (the simulator served at ``/mo-phong/csdl/``):

- ``MOTCUA_REGISTRYSIM_ENABLED`` (on by default; off removes its URLs).
- ``MOTCUA_REGISTRYSIM_API_KEYS``: comma-separated keys it accepts, besides the
  keys created in the admin.
- ``MOTCUA_REGISTRYSIM_LATENCY_MS`` (normal answers, ±25 % jitter),
  ``MOTCUA_REGISTRYSIM_SLOW_MS`` (the ``slow`` mode),
  ``MOTCUA_REGISTRYSIM_FLAKY_PERCENT`` (share of failed answers in the ``flaky`` mode).
"""

from motcua.conf.base import public_url as _public_url
from motcua.conf.env import env_bool as _env_bool
from motcua.conf.env import env_float as _env_float
from motcua.conf.env import env_int as _env_int
from motcua.conf.env import env_list as _env_list
from motcua.conf.env import env_pairs as _env_pairs
from motcua.conf.env import env_str as _env_str

# --- Connectors (motcua.registries) ----------------------------------------
MOTCUA_REGISTRY_BASE_URL = _env_str(
    "MOTCUA_REGISTRY_BASE_URL",
    _public_url("/mo-phong/csdl/"),
    "Where the data-sharing platform answers (default: the bundled simulator).",
    doc_default="MOTCUA_PUBLIC_URL + /mo-phong/csdl/",
)
# The bundled simulator's demo key; a real platform's key comes from the environment.
MOTCUA_REGISTRY_API_KEY = _env_str(
    "MOTCUA_REGISTRY_API_KEY",
    "demo-registry-key",
    "The key sent as X-API-Key; the default is the simulator's (refused in production).",
)
MOTCUA_REGISTRY_DEFAULT_CONNECTOR = _env_str(
    "MOTCUA_REGISTRY_DEFAULT_CONNECTOR",
    "http",
    "The connector of registries not in MOTCUA_REGISTRY_CONNECTORS.",
)
MOTCUA_REGISTRY_CONNECTORS = _env_pairs(
    "MOTCUA_REGISTRY_CONNECTORS",
    "",
    "Connector of each registry as code=name pairs (http, disabled or a dotted path).",
)
MOTCUA_REGISTRY_TIMEOUT_S = _env_float(
    "MOTCUA_REGISTRY_TIMEOUT_S", "3", "Timeout of one registry look-up attempt."
)
MOTCUA_REGISTRY_RETRIES = _env_int(
    "MOTCUA_REGISTRY_RETRIES",
    "2",
    "Extra attempts after a timeout, a refused connection or a 502/503/504.",
)
MOTCUA_REGISTRY_BACKOFF_S = _env_float(
    "MOTCUA_REGISTRY_BACKOFF_S", "0.2", "Exponential backoff factor between retries."
)
MOTCUA_REGISTRY_BREAKER_FAILURES = _env_int(
    "MOTCUA_REGISTRY_BREAKER_FAILURES",
    "5",
    "Failed look-ups in a row that open a registry's circuit.",
)
MOTCUA_REGISTRY_BREAKER_RESET_S = _env_float(
    "MOTCUA_REGISTRY_BREAKER_RESET_S", "30", "Seconds an open circuit stays open."
)
MOTCUA_REGISTRY_CACHE_SECONDS = _env_int(
    "MOTCUA_REGISTRY_CACHE_SECONDS", "120", "Seconds a look-up is cached (0: no cache)."
)
MOTCUA_REGISTRY_CACHE_ALIAS = _env_str(
    "MOTCUA_REGISTRY_CACHE_ALIAS", "default", "The cache holding the look-ups."
)
MOTCUA_REGISTRY_LOG_HASH_KEY = _env_str(
    "MOTCUA_REGISTRY_LOG_HASH_KEY",
    "",
    "Key of the HMAC storing whose data was looked up; empty: SECRET_KEY.",
)

# --- Simulator (motcua.registrysim) ----------------------------------------
MOTCUA_REGISTRYSIM_ENABLED = _env_bool(
    "MOTCUA_REGISTRYSIM_ENABLED", True, "The registry simulator (off removes its URLs)."
)
MOTCUA_REGISTRYSIM_API_KEYS = _env_list(
    "MOTCUA_REGISTRYSIM_API_KEYS",
    "demo-registry-key",
    "Keys the simulator accepts besides those created in the admin, comma-separated.",
)
MOTCUA_REGISTRYSIM_LATENCY_MS = _env_int(
    "MOTCUA_REGISTRYSIM_LATENCY_MS", "60", "The simulator's normal latency (±25 % jitter)."
)
MOTCUA_REGISTRYSIM_SLOW_MS = _env_int(
    "MOTCUA_REGISTRYSIM_SLOW_MS", "8000", "The simulator's latency in the slow mode."
)
MOTCUA_REGISTRYSIM_FLAKY_PERCENT = _env_int(
    "MOTCUA_REGISTRYSIM_FLAKY_PERCENT", "50", "Share of failed answers in the flaky mode."
)
