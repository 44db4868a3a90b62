"""Settings for oidc (read from the environment).

Two halves that only meet over HTTP:

* the citizen portal is an OpenID Connect relying party (``motcua.accounts.citizen``,
  Authlib): ``MOTCUA_OIDC_*`` name the provider by its discovery document and hold the
  client's credentials. Point them at the national e-ID (VNeID) in production;
* the bundled demo identity provider (``motcua.idp``, django-oauth-toolkit) serves the
  synthetic citizens at ``/idp/``; ``OAUTH2_PROVIDER`` and ``MOTCUA_IDP_*`` configure it.
  ``motcua setup_idp`` registers the portal as its client.
"""

from django.utils.translation import gettext_lazy as _

from motcua.conf.base import MOTCUA_HTTPS, MOTCUA_PRODUCTION, VAR_DIR, public_url
from motcua.conf.env import env_float, env_int, env_str
from motcua.idp.keys import read_or_create_client_secret, read_or_create_rsa_private_key

# --- Relying party: the citizen portal --------------------------------------------------
MOTCUA_OIDC_DISCOVERY_URL = env_str(
    "MOTCUA_OIDC_DISCOVERY_URL",
    public_url("/idp/.well-known/openid-configuration"),
    "The identity provider's discovery document (VNeID in production).",
    doc_default="MOTCUA_PUBLIC_URL + /idp/.well-known/openid-configuration",
)
MOTCUA_OIDC_CLIENT_ID = env_str(
    "MOTCUA_OIDC_CLIENT_ID", "motcua-cong-dan", "The portal's client id at the provider."
)
# Without one from the environment, a random secret is kept in var/ and shared with the
# bundled provider through `motcua setup_idp`.
MOTCUA_OIDC_CLIENT_SECRET = env_str(
    "MOTCUA_OIDC_CLIENT_SECRET",
    "",
    "The portal's client secret; unset: a random one kept in var/ (refused in production).",
    doc_default="random, in var/oidc_client_secret",
) or read_or_create_client_secret(VAR_DIR / "oidc_client_secret")
MOTCUA_OIDC_SCOPES = env_str(
    "MOTCUA_OIDC_SCOPES",
    "openid profile email phone citizen business",
    "The scopes the portal asks the provider for, space-separated.",
)
# Seconds to wait for the provider (discovery, JWKS, token endpoint) before giving up.
MOTCUA_OIDC_TIMEOUT = env_float(
    "MOTCUA_OIDC_TIMEOUT", "5", "Seconds to wait for the provider (discovery, JWKS, token)."
)
# How long the discovery document and its keys are cached in the process (seconds).
MOTCUA_OIDC_METADATA_TTL = env_int(
    "MOTCUA_OIDC_METADATA_TTL",
    "3600",
    "Seconds the discovery document and its keys are cached in the process.",
)
# Fixed callback URL (behind a proxy); empty = built from the request's host.
MOTCUA_OIDC_REDIRECT_URI = env_str(
    "MOTCUA_OIDC_REDIRECT_URI",
    "",
    "A fixed callback URL (behind a proxy); empty: built from the request's host.",
)
# Where the provider sends the citizen after signing out; empty = the portal's home page.
MOTCUA_OIDC_POST_LOGOUT_REDIRECT_URI = env_str(
    "MOTCUA_OIDC_POST_LOGOUT_REDIRECT_URI",
    "",
    "Where the provider sends the citizen after signing out; empty: the portal's home page.",
)

# --- Bundled demo identity provider ------------------------------------------------------
# The IdP's login session lives in its own cookie, limited to /idp/: signing in at the
# provider must never sign anyone in at the portal (same process, same session table).
MOTCUA_IDP_SESSION_COOKIE_NAME = "motcua_idp_session"
MOTCUA_IDP_SESSION_AGE = env_int(
    "MOTCUA_IDP_SESSION_AGE",
    str(30 * 60),
    "Seconds the bundled identity provider's login session lasts.",
)

_rsa_private_key = (
    env_str(
        "MOTCUA_OIDC_RSA_PRIVATE_KEY",
        "",
        "The bundled provider's RSA key (PEM, \\n allowed); unset: one kept in var/.",
        doc_default="made once in var/oidc_rsa_private_key.pem",
    )
    .replace("\\n", "\n")
    .strip()
)
if not _rsa_private_key:
    _rsa_private_key = read_or_create_rsa_private_key(VAR_DIR / "oidc_rsa_private_key.pem")

OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": _rsa_private_key,
    # Empty: the issuer is the URL the provider is reached at, e.g. http://127.0.0.1:8000/idp
    "OIDC_ISS_ENDPOINT": env_str(
        "MOTCUA_IDP_ISSUER",
        "",
        "The bundled provider's issuer; empty: the URL it is reached at.",
    ),
    "OAUTH2_VALIDATOR_CLASS": "motcua.idp.claims.CitizenClaimsValidator",
    "SCOPES": {
        "openid": _("Xác thực danh tính qua tài khoản định danh điện tử"),
        "profile": _("Họ và tên"),
        "email": _("Địa chỉ thư điện tử"),
        "phone": _("Số điện thoại"),
        "citizen": _("Số định danh cá nhân và ngày sinh"),
        "business": _("Các doanh nghiệp, tổ chức mà bạn là người đại diện theo pháp luật"),
        # The public API's scopes (motcua.api.scopes).
        "dossiers:read": _("Xem hồ sơ, tình trạng giải quyết, thanh toán và kết quả"),
        "dossiers:write": _("Nộp, bổ sung, rút hồ sơ và thực hiện các bước xử lý hồ sơ"),
        "payments:write": _("Thanh toán phí, lệ phí và ghi nhận thu phí tại quầy"),
    },
    # A system registered with `motcua create_api_client` gets only its own scopes.
    "SCOPES_BACKEND_CLASS": "motcua.api.scopes.ApiScopes",
    "DEFAULT_SCOPES": ["openid"],
    "PKCE_REQUIRED": True,
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
    # client_credentials: systems calling the public API (motcua.api) for their agencies.
    "OAUTH2_GRANT_TYPES_SUPPORTED": ["authorization_code", "refresh_token", "client_credentials"],
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 10 * 60,
    "ID_TOKEN_EXPIRE_SECONDS": 10 * 60,
    # The portal's sign-out also ends the provider session (kiosks at the one-stop desk).
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "OIDC_RP_INITIATED_LOGOUT_STRICT_REDIRECT_URIS": True,
    # RFC 9700 (OAuth 2.0 security best current practice): adopt every behaviour now.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
}

# --- The bundled identity provider in production ---------------------------------------------
if MOTCUA_PRODUCTION:
    # RFC 9700: a replayed refresh token revokes its whole family; https callbacks only
    # once the site itself is served over HTTPS.
    OAUTH2_PROVIDER["REFRESH_TOKEN_REUSE_PROTECTION"] = True
    if MOTCUA_HTTPS:
        OAUTH2_PROVIDER["ALLOWED_REDIRECT_URI_SCHEMES"] = ["https"]
