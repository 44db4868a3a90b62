"""Security settings: headers, Content-Security-Policy, cookies, session expiry, sign-in
lockout, look-up rate limits and the production secrets check (from the environment).

``docs/SECURITY.md`` says what each one enforces and where.

- ``MOTCUA_CSP_FORM_ACTION``: extra origins (comma-separated) that forms may post to or be
  redirected to after a post, besides this site, the payment gateway
  (``MOTCUA_VNPAY_PAY_URL``) and the identity provider (``MOTCUA_OIDC_DISCOVERY_URL``,
  ``MOTCUA_OIDC_REDIRECT_URI``), whose origins are added by themselves.
- ``MOTCUA_CSP_REPORT_URI``: where browsers report policy violations (none by default).
- ``MOTCUA_CSP_REPORT_ONLY`` (off): send the policy as ``Content-Security-Policy-Report-Only``
  instead (to try a change on a live site without breaking pages).
- ``MOTCUA_OFFICER_SESSION_IDLE_MINUTES`` (30): an officer's (or administrator's) session
  ends after this many minutes without a request, and when the browser closes.
- ``MOTCUA_CITIZEN_SESSION_IDLE_MINUTES`` (60): the same for citizens (the cookie lasts as
  long, so it survives a browser restart within that time).
- ``MOTCUA_LOGIN_LOCKOUT`` (on): django-axes on every password sign-in (officers at
  ``/dang-nhap/``, the admin, the bundled identity provider at ``/idp/dang-nhap/``).
- ``MOTCUA_LOGIN_FAILURE_LIMIT`` (5): failed sign-ins for one user name from one address
  before the pair is locked out; ``MOTCUA_LOGIN_COOLOFF_MINUTES`` (15): how long. A
  successful sign-in resets the count. Attempts are kept in the database (no Redis needed).
- ``MOTCUA_LOOKUP_RATE`` ("20/m", ``<n>/<s|m|h|d>``): posts per client address to the public
  look-up (``/tra-cuu/``) and the result verification pages (``/ket-qua/xac-minh/…``);
  beyond it a "thử lại sau" page with status 429. Empty turns the limit off. It counts in
  the default cache: give several processes a shared one (``REDIS_URL``). The API's
  ``/public/lookup`` counts in the same per-address counter as ``/tra-cuu/``.
- ``MOTCUA_LOOKUP_CODE_RATE`` ("30/h"): look-up attempts per dossier code, from any
  address and either channel (portal or API); beyond it 429 for that code. Empty: off.
- ``MOTCUA_TRUSTED_PROXY_COUNT`` (0): reverse proxies in front of the application that
  append the client's address to ``X-Forwarded-For``. 0 uses the connection's address
  (``REMOTE_ADDR``) and ignores the header, which a client can forge. Used by the
  lockout, the look-up limit and the API's throttles alike.
- ``MOTCUA_SECRET_KEY_FALLBACKS``: former secret keys (comma-separated), still accepted for
  sessions, password-reset links and signed values while they expire: rotate the secret
  key by moving the old one here (Django's ``SECRET_KEY_FALLBACKS``).
- ``MOTCUA_ALLOW_DEMO_SECRETS`` (off): with ``MOTCUA_PRODUCTION=1`` the process refuses to
  start while a secret still has its demo default (see :func:`demo_secret_problems` and the
  system checks ``motcua.E001``/``motcua.E002`` in ``motcua/conf/checks.py``);
  this lets a production-like stack on plain HTTP (``MOTCUA_HTTPS=0``, e.g. ``make
  run-prod`` on a laptop) run with the demo secrets. It is ignored when HTTPS is on.
"""

import datetime as _dt

from csp.constants import NONE as _NONE
from csp.constants import SELF as _SELF

from motcua.conf.audit import DEMO_AUDIT_KEY as _DEMO_AUDIT_KEY
from motcua.conf.base import MOTCUA_HTTPS as _HTTPS
from motcua.conf.base import MOTCUA_PRODUCTION as _PRODUCTION
from motcua.conf.env import env_bool as _env_bool
from motcua.conf.env import env_int as _env_int
from motcua.conf.env import env_list as _env_list
from motcua.conf.env import env_str as _env_str
from motcua.conf.payments import _DEMO_HASH_SECRET
from motcua.conf.postal import DEMO_POSTAL_KEY as _DEMO_POSTAL_KEY

# --- Headers and cookies -----------------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# No address of ours (look-up tokens, dossier ids) leaves the site in a Referer header.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# HSTS, the HTTPS redirect and the Secure flag on cookies: settings.py, under MOTCUA_HTTPS.


# --- Content-Security-Policy (django-csp 4) ------------------------------------------------
# Forms post to this site only, but a post may be answered with a redirect that browsers
# check against form-action too: paying (to the gateway), signing out (to the identity
# provider's end-session endpoint), the provider's consent (back to the portal). The
# origins of MOTCUA_VNPAY_PAY_URL, MOTCUA_OIDC_DISCOVERY_URL and MOTCUA_OIDC_REDIRECT_URI
# are added on each request by motcua.accounts.middleware.ContentSecurityPolicyMiddleware
# (so that they follow the settings); these are the deployment's extra ones.
MOTCUA_CSP_FORM_ACTION = _env_list(
    "MOTCUA_CSP_FORM_ACTION",
    "",
    "Extra origins forms may post to or be redirected to after a post, comma-separated.",
)
MOTCUA_CSP_REPORT_URI = _env_str(
    "MOTCUA_CSP_REPORT_URI", "", "Where browsers report Content-Security-Policy violations."
).strip()
_csp = {
    "DIRECTIVES": {
        "default-src": [_SELF],
        # No inline script and no inline style anywhere: every page's CSS and JS are files.
        "script-src": [_SELF],
        "style-src": [_SELF],
        "img-src": [_SELF, "data:"],
        "font-src": [_SELF],
        "connect-src": [_SELF],
        # The service worker (/sw.js) and the web app manifest (motcua.portal.pwa).
        "worker-src": [_SELF],
        "manifest-src": [_SELF],
        "object-src": [_NONE],
        "base-uri": [_SELF],
        "frame-ancestors": [_NONE],
        "form-action": [_SELF, *MOTCUA_CSP_FORM_ACTION],
        "upgrade-insecure-requests": _HTTPS,
        "report-uri": MOTCUA_CSP_REPORT_URI or None,
    }
}
if _env_bool(
    "MOTCUA_CSP_REPORT_ONLY",
    False,
    "Send the policy as Content-Security-Policy-Report-Only (to try a change).",
):
    CONTENT_SECURITY_POLICY = None
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _csp
else:
    CONTENT_SECURITY_POLICY = _csp
# Additions to the policy for some paths only (prefix → directives), applied by
# motcua.accounts.middleware.ContentSecurityPolicyMiddleware. None is needed today:
# the admin and the API's Swagger UI (/api/docs, served from django-ninja's own files)
# work under the strict policy.
MOTCUA_CSP_PATH_UPDATES: dict[str, dict[str, list[str]]] = {}

# --- Sessions --------------------------------------------------------------------------------
MOTCUA_OFFICER_SESSION_IDLE_MINUTES = _env_int(
    "MOTCUA_OFFICER_SESSION_IDLE_MINUTES",
    "30",
    "An officer's session ends after this many minutes without a request.",
)
MOTCUA_CITIZEN_SESSION_IDLE_MINUTES = _env_int(
    "MOTCUA_CITIZEN_SESSION_IDLE_MINUTES",
    "60",
    "A citizen's session ends after this many minutes without a request.",
)

# --- Client addresses --------------------------------------------------------------------------
MOTCUA_TRUSTED_PROXY_COUNT = max(
    0,
    _env_int(
        "MOTCUA_TRUSTED_PROXY_COUNT",
        "0",
        "Reverse proxies appending the client's address to X-Forwarded-For (0: ignore it).",
    ),
)
# django-ninja's throttles (motcua.api) read the same count; 0 ignores X-Forwarded-For.
NINJA_NUM_PROXIES = MOTCUA_TRUSTED_PROXY_COUNT

# --- Sign-in lockout (django-axes) ----------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # Refuses a locked-out user name + address before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
MOTCUA_LOGIN_FAILURE_LIMIT = _env_int(
    "MOTCUA_LOGIN_FAILURE_LIMIT",
    "5",
    "Failed sign-ins for one user name from one address before the pair is locked out.",
)
MOTCUA_LOGIN_COOLOFF_MINUTES = _env_int(
    "MOTCUA_LOGIN_COOLOFF_MINUTES", "15", "How long a sign-in lockout lasts, in minutes."
)
AXES_ENABLED = _env_bool(
    "MOTCUA_LOGIN_LOCKOUT", True, "Sign-in lockout (django-axes) on every password sign-in."
)
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = MOTCUA_LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = _dt.timedelta(minutes=MOTCUA_LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Attempts during a lockout do not extend it: the page's "thử lại sau 15 phút" holds.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "motcua.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "motcua.accounts.ratelimit.client_ip"
# The provider's form posts the personal identification number: never stored in clear.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "personal_id"]
# The attempts are listed in the admin by motcua.accounts.admin, user names masked.
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
# Which page tells a locked-out person to wait (path prefix → template); else accounts'.
MOTCUA_LOCKOUT_TEMPLATES = {"/idp/": "idp/lockout.html"}

# --- Public look-ups ----------------------------------------------------------------------
MOTCUA_LOOKUP_RATE = _env_str(
    "MOTCUA_LOOKUP_RATE",
    "20/m",
    "Posts per client address to the public look-up and verification pages; empty: no limit.",
).strip()
MOTCUA_LOOKUP_CODE_RATE = _env_str(
    "MOTCUA_LOOKUP_CODE_RATE",
    "30/h",
    "Look-up attempts per dossier code from any address (portal and API); empty: no limit.",
).strip()
# The look-up's answer and the catalogue's procedure pages are cached (motcua.portal's
# lookup_cache and page_cache), dropped when the dossier changes or a version is
# published; these bound how long anything changed otherwise can show.
MOTCUA_LOOKUP_CACHE_SECONDS = _env_int(
    "MOTCUA_LOOKUP_CACHE_SECONDS",
    "300",
    "Seconds the public look-up's answer stays cached (dropped at once on a dossier change).",
)
MOTCUA_PAGE_CACHE_SECONDS = _env_int(
    "MOTCUA_PAGE_CACHE_SECONDS",
    "600",
    "Seconds a procedure page stays cached for visitors (dropped at once on publication).",
)
# The WSGI hot path (motcua.portal.hotpath, wrapped around Django in motcua.wsgi):
# cached look-up answers and procedure pages answered before Django's middleware.
MOTCUA_HOTPATH = _env_bool(
    "MOTCUA_HOTPATH",
    _PRODUCTION,
    "Answer cached look-ups and procedure pages before Django (motcua.portal.hotpath).",
    doc_default="MOTCUA_PRODUCTION",
)

# The bundled identity provider in production (refresh-token reuse protection, https
# callbacks only): motcua.conf.oidc.


# --- Secrets only from the environment -------------------------------------------------------
SECRET_KEY_FALLBACKS = _env_list(
    "MOTCUA_SECRET_KEY_FALLBACKS",
    "",
    "Former secret keys still accepted while what they signed expires, comma-separated.",
)
# With MOTCUA_PRODUCTION, demo secrets are refused by the system checks motcua.E001/E002
# (motcua.conf.checks) unless this is on and MOTCUA_HTTPS off.
MOTCUA_ALLOW_DEMO_SECRETS = _env_bool(
    "MOTCUA_ALLOW_DEMO_SECRETS",
    False,
    "Production on plain HTTP only (MOTCUA_HTTPS=0): allow the demo secrets (benchmarks).",
)
# Values published in this repository (defaults and the example environment file).
DEMO_SECRET_VALUES = frozenset(
    {
        _DEMO_HASH_SECRET,
        _DEMO_AUDIT_KEY,
        _DEMO_POSTAL_KEY,
        "demo-registry-key",
        "change-me-to-50-random-characters-shared-by-every-node",
    }
)


def demo_secret_problems(environ, values: dict[str, str]) -> list[str]:
    """Which secrets are not set for production, one line each (empty when all are).

    ``values`` holds the settings as loaded (``SECRET_KEY``, ``MOTCUA_PKI_PASSPHRASE``,
    ``MOTCUA_VNPAY_HASH_SECRET``, ``MOTCUA_REGISTRY_API_KEY``,
    ``MOTCUA_OIDC_CLIENT_SECRET``, ``MOTCUA_AUDIT_KEY``, ``MOTCUA_POSTAL_KEY``, and
    ``MOTCUA_POSTSIM_KEY`` when the simulator is on). A secret that the zero-setup
    mode makes up in ``var/`` (the secret key, the OIDC client secret) or derives (the PKI
    passphrase) or has a demo default (the audit key) must come from the environment
    instead; one that is published in this repository must be replaced.
    """
    return secrets_not_from_environment(environ) + published_demo_secrets(values)


def secrets_not_from_environment(environ) -> list[str]:
    """The secrets made up in ``var/`` or derived that ``environ`` does not set (motcua.E001)."""
    problems = []
    from_environment = {
        "MOTCUA_SECRET_KEY": "SECRET_KEY",
        "MOTCUA_PKI_PASSPHRASE": "MOTCUA_PKI_PASSPHRASE",
        "MOTCUA_OIDC_CLIENT_SECRET": "MOTCUA_OIDC_CLIENT_SECRET",
        "MOTCUA_AUDIT_KEY": "MOTCUA_AUDIT_KEY",
    }
    for variable, setting in from_environment.items():
        if not (environ.get(variable) or "").strip():
            problems.append(f"{variable} is not set (the default of {setting} is for demos).")
    return problems


# The settings that hold a secret with a demo value published in this repository.
SECRET_SETTINGS = (
    "SECRET_KEY",
    "MOTCUA_PKI_PASSPHRASE",
    "MOTCUA_VNPAY_HASH_SECRET",
    "MOTCUA_REGISTRY_API_KEY",
    "MOTCUA_OIDC_CLIENT_SECRET",
    "MOTCUA_AUDIT_KEY",
    "MOTCUA_POSTAL_KEY",
)
# Checked only while the simulator that uses it is on (MOTCUA_POSTSIM_ENABLED): with the
# published demo key anyone could sign delivery events as the simulated postal service.
SIMULATOR_SECRET_SETTINGS = {"MOTCUA_POSTSIM_KEY": "MOTCUA_POSTSIM_ENABLED"}


def published_demo_secrets(values: dict[str, str]) -> list[str]:
    """The settings in ``values`` that hold a value published in this repository (motcua.E002)."""
    problems = []
    for setting in (*SECRET_SETTINGS, *SIMULATOR_SECRET_SETTINGS):
        if setting not in values and setting in SIMULATOR_SECRET_SETTINGS:
            continue
        value = values.get(setting) or ""
        if value in DEMO_SECRET_VALUES or "change-me" in value:
            problems.append(f"{setting} still has the demo value published in the repository.")
    return problems
