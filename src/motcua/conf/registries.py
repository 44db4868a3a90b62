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

import os as _os

from motcua.settings import env_bool as _env_bool
from motcua.settings import env_list as _env_list


def _env_pairs(name: str) -> dict[str, str]:
    pairs = {}
    for item in _os.environ.get(name, "").split(","):
        if "=" in item:
            key, value = item.split("=", 1)
            pairs[key.strip()] = value.strip()
    return pairs


# --- Connectors (motcua.registries) ----------------------------------------
MOTCUA_REGISTRY_BASE_URL = _os.environ.get(
    "MOTCUA_REGISTRY_BASE_URL", "http://127.0.0.1:8000/mo-phong/csdl/"
)
# The bundled simulator's demo key; a real platform's key comes from the environment.
MOTCUA_REGISTRY_API_KEY = _os.environ.get("MOTCUA_REGISTRY_API_KEY", "demo-registry-key")
MOTCUA_REGISTRY_DEFAULT_CONNECTOR = _os.environ.get("MOTCUA_REGISTRY_DEFAULT_CONNECTOR", "http")
MOTCUA_REGISTRY_CONNECTORS = _env_pairs("MOTCUA_REGISTRY_CONNECTORS")
MOTCUA_REGISTRY_TIMEOUT_S = float(_os.environ.get("MOTCUA_REGISTRY_TIMEOUT_S", "3"))
MOTCUA_REGISTRY_RETRIES = int(_os.environ.get("MOTCUA_REGISTRY_RETRIES", "2"))
MOTCUA_REGISTRY_BACKOFF_S = float(_os.environ.get("MOTCUA_REGISTRY_BACKOFF_S", "0.2"))
MOTCUA_REGISTRY_BREAKER_FAILURES = int(_os.environ.get("MOTCUA_REGISTRY_BREAKER_FAILURES", "5"))
MOTCUA_REGISTRY_BREAKER_RESET_S = float(_os.environ.get("MOTCUA_REGISTRY_BREAKER_RESET_S", "30"))
MOTCUA_REGISTRY_CACHE_SECONDS = int(_os.environ.get("MOTCUA_REGISTRY_CACHE_SECONDS", "120"))
MOTCUA_REGISTRY_CACHE_ALIAS = _os.environ.get("MOTCUA_REGISTRY_CACHE_ALIAS", "default")
MOTCUA_REGISTRY_LOG_HASH_KEY = _os.environ.get("MOTCUA_REGISTRY_LOG_HASH_KEY", "")

# --- Simulator (motcua.registrysim) ----------------------------------------
MOTCUA_REGISTRYSIM_ENABLED = _env_bool("MOTCUA_REGISTRYSIM_ENABLED", True)
MOTCUA_REGISTRYSIM_API_KEYS = _env_list("MOTCUA_REGISTRYSIM_API_KEYS", "demo-registry-key")
MOTCUA_REGISTRYSIM_LATENCY_MS = int(_os.environ.get("MOTCUA_REGISTRYSIM_LATENCY_MS", "60"))
MOTCUA_REGISTRYSIM_SLOW_MS = int(_os.environ.get("MOTCUA_REGISTRYSIM_SLOW_MS", "8000"))
MOTCUA_REGISTRYSIM_FLAKY_PERCENT = int(_os.environ.get("MOTCUA_REGISTRYSIM_FLAKY_PERCENT", "50"))
