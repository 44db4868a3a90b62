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

import os as _os

MOTCUA_API_IDEMPOTENCY_HOURS = int(_os.environ.get("MOTCUA_API_IDEMPOTENCY_HOURS", "24"))
MOTCUA_API_IDEMPOTENCY_LOCK_SECONDS = int(
    _os.environ.get("MOTCUA_API_IDEMPOTENCY_LOCK_SECONDS", "120")
)
MOTCUA_API_RATE_AUTHENTICATED = _os.environ.get("MOTCUA_API_RATE_AUTHENTICATED", "600/m")
MOTCUA_API_RATE_PUBLIC = _os.environ.get("MOTCUA_API_RATE_PUBLIC", "30/m")
MOTCUA_API_MAX_OFFSET = int(_os.environ.get("MOTCUA_API_MAX_OFFSET", "10000"))
# django-oauth-toolkit's default, stated because ApiClient references the model.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
