"""Settings of motcua.api, the public JSON API at /api/ (read from the environment).

- ``MOTCUA_API_IDEMPOTENCY_HOURS`` (24): how long a stored response is replayed for
  the same ``Idempotency-Key``; expired keys may be reused (``motcua
  prune_idempotency_keys`` deletes them, and a reused key replaces its expired record).
- ``MOTCUA_API_IDEMPOTENCY_LOCK_SECONDS`` (120): a request still unfinished after this
  long (its process died) no longer blocks a retry with the same key.
- ``MOTCUA_API_RATE_AUTHENTICATED`` ("600/m"): requests per period for one signed-in
  person or one system (``<n>/<s|m|h|d>``); beyond it the answer is 429.
- ``MOTCUA_API_RATE_PUBLIC`` ("30/m"): requests per period and client address to the
  public, unauthenticated calls (status look-up, result verification).
- ``MOTCUA_API_MAX_OFFSET`` (10000): how deep a paginated list may be followed; deeper
  pages are refused (narrow the filters instead).

``OAUTH2_PROVIDER_APPLICATION_MODEL`` names django-oauth-toolkit's (unswapped) application
model explicitly: ``ApiClient`` points at it, and Django's migration autodetector needs
the setting of a swappable model that is referenced.

The throttles count in Django's default cache: with several processes, give them a
shared cache (Redis, Memcached) or each process counts on its own.
"""

from motcua.conf.env import env_int as _env_int
from motcua.conf.env import env_str as _env_str

MOTCUA_API_IDEMPOTENCY_HOURS = _env_int(
    "MOTCUA_API_IDEMPOTENCY_HOURS",
    "24",
    "Hours a stored API response is replayed for the same Idempotency-Key.",
)
MOTCUA_API_IDEMPOTENCY_LOCK_SECONDS = _env_int(
    "MOTCUA_API_IDEMPOTENCY_LOCK_SECONDS",
    "120",
    "Seconds after which an unfinished request no longer blocks a retry with its key.",
)
MOTCUA_API_RATE_AUTHENTICATED = _env_str(
    "MOTCUA_API_RATE_AUTHENTICATED",
    "600/m",
    "API requests per period for one signed-in person or system (<n>/<s|m|h|d>).",
)
MOTCUA_API_RATE_PUBLIC = _env_str(
    "MOTCUA_API_RATE_PUBLIC",
    "30/m",
    "Requests per period and client address to the public API calls.",
)
MOTCUA_API_MAX_OFFSET = _env_int(
    "MOTCUA_API_MAX_OFFSET", "10000", "How deep a paginated API list may be followed."
)
# django-oauth-toolkit's default, stated because ApiClient references the model.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
