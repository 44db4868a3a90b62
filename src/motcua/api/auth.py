"""Who is calling: a person (session or bearer token) or a system (client credentials).

Three ways in, tried in this order:

1. ``Authorization: Bearer <token>``, a token of the bundled OAuth2 provider
   (``oauth2_provider.models.AccessToken``, looked up by its checksum, not expired).
   A token with a user stands for that person, limited to the token's scopes; a
   client-credentials token (no user) stands for the system of its application's
   ``ApiClient``, limited to the scopes both the token and the client carry and to
   the client's agencies. A bearer header that does not check out is a 401: the
   request never falls back to the session.
2. The Django session (a citizen signed in on the portal, an officer in the back
   office), with every scope; unsafe methods need the CSRF token (``X-CSRFToken``).

Endpoints then ask for what they need: ``require(request, scope)``, the citizen's
applicant (``acting_applicant``) or the officer's reach (``officer_reach``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from motcua.accounts.citizen import current_applicant, eid_level, represented_businesses
from motcua.accounts.models import Applicant

from .errors import ApiError
from .models import ApiClient
from .tokenread import read_token

SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}
ACTING_HEADER = "X-Acting-As"


@dataclass
class Principal:
    """The authenticated caller. ``scopes`` is None for a session (every scope).

    ``person``: for a bearer token, the person's own Applicant when it was read with the
    token (the one ``current_applicant`` chooses for them), else None."""

    via: str
    user: object | None = None
    client: ApiClient | None = None
    scopes: frozenset[str] | None = None
    person: Applicant | None = None

    @property
    def key(self) -> str:
        """A stable name of the caller (idempotency keys and throttles are per caller)."""
        if self.client is not None:
            return f"client:{self.client.pk}"
        return f"user:{self.user.pk}"

    def __str__(self) -> str:
        return self.key

    @property
    def is_system(self) -> bool:
        return self.client is not None

    @property
    def actor(self):
        """The account recorded as having acted (a system's own technical account)."""
        return self.client.account if self.client is not None else self.user

    def allows(self, scope: str) -> bool:
        return self.scopes is None or scope in self.scopes


def principal_for_token(raw: str) -> Principal | None:
    """The caller a bearer token stands for, or None when the token is unknown or expired.

    One statement reads the token, its user and that person's own Applicant
    (``tokenread``)."""
    if not raw or len(raw) > 512:
        return None
    checksum = hashlib.sha256(raw.encode("utf-8")).hexdigest()
    token, user, person = read_token(checksum)
    if token is None or token.is_expired():
        return None
    scopes = frozenset(token.scope.split())
    if token.user_id is not None:
        if user is None or not user.is_active:
            return None
        return Principal(via="bearer", user=user, scopes=scopes, person=person)
    client = (
        ApiClient.objects.select_related("account")
        .filter(application_id=token.application_id, active=True)
        .first()
    )
    if client is None:
        return None
    return Principal(via="client", client=client, scopes=scopes & frozenset(client.scope_list))


class BearerAuth(HttpBearer):
    """``Authorization: Bearer …`` with a token from ``/idp/token/``."""

    def authenticate(self, request, token: str):
        # Resolved once per request: the idempotency wrapper asks before the operation's
        # own authentication does.
        cached = getattr(request, "_motcua_bearer", None)
        if cached is not None and cached[0] == token:
            principal = cached[1]
        else:
            principal = principal_for_token(token.strip())
            request._motcua_bearer = (token, principal)
        if principal is None:
            raise ApiError(
                401,
                "invalid_token",
                _("Mã truy cập không hợp lệ hoặc đã hết hạn; hãy xin mã mới."),
            )
        return principal


class SessionAuth(APIKeyCookie):
    """The Django session; unsafe methods need the session's CSRF token."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self):
        # CSRF is checked below, once a signed-in user is known (an anonymous call
        # must get 401, not a CSRF refusal).
        super().__init__(csrf=False)

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise ApiError(
                403,
                "csrf_failed",
                _("Thiếu hoặc sai mã CSRF (X-CSRFToken) của phiên đăng nhập."),
            )
        return Principal(via="session", user=user)


AUTH = [BearerAuth(), SessionAuth()]


def principal(request) -> Principal:
    return request.auth


def require(request, scope: str) -> Principal:
    """The caller, if their token allows ``scope``; ApiError 403 otherwise."""
    who = request.auth
    if not who.allows(scope):
        raise ApiError(
            403,
            "insufficient_scope",
            _("Mã truy cập không có phạm vi quyền “%(scope)s”.") % {"scope": scope},
            {"required_scope": scope},
        )
    return who


class _Shim:
    """What ``current_applicant`` reads from a request, for a bearer-token person."""

    def __init__(self, user, session):
        self.user, self.session = user, session


def acting_applicant(request, scope: str) -> tuple[Principal, Applicant]:
    """The applicant the calling person acts as, for the citizen endpoints.

    A person acts as themselves, or as a business they represent, named by its tax
    code in the ``X-Acting-As`` header (with a session, the business chosen on the
    portal applies when no header is sent). Raises ApiError 403 for a system, for an
    account without a personal identification number, or for a business the person
    does not represent.
    """
    who = require(request, scope)
    if who.is_system:
        raise ApiError(
            403,
            "not_a_citizen",
            _("Hệ thống kết nối chỉ dùng được các chức năng của cơ quan (/officer/)."),
        )
    if who.person is not None:
        applicant = who.person  # a token: no business chosen on the portal applies
    else:
        session = request.session if who.via == "session" else None
        applicant = current_applicant(_Shim(who.user, session))
        if applicant is not None and applicant.user_id == who.user.pk:
            applicant.user = who.user  # already read with the token: not read again
    if applicant is None:
        raise ApiError(
            403,
            "not_a_citizen",
            _("Tài khoản này không gắn với một công dân (chưa có số định danh cá nhân)."),
        )
    tax_code = (request.headers.get(ACTING_HEADER) or "").strip()
    if tax_code:
        person = applicant if applicant.kind == Applicant.Kind.PERSON else applicant.representative
        business = represented_businesses(person).filter(tax_code=tax_code).first()
        if business is None:
            raise ApiError(
                403,
                "not_representative",
                _("Bạn không phải người đại diện theo pháp luật của doanh nghiệp %(code)s.")
                % {"code": tax_code[:20]},
            )
        applicant = business
    return who, applicant


def eid_level_of(request, who: Principal) -> int | None:
    """The e-ID level (Decree 69/2024/NĐ-CP Art. 9) the calling person proved.

    With a session: the level of the portal sign-in (``accounts.citizen.eid_level``).
    With a bearer token: the token was issued by the bundled provider after the person
    signed in there, so it proves the level that provider asserts for them (its ``acr``,
    ``User.eid_level``). None for a system.
    """
    if who.is_system or who.user is None:
        return None
    if who.via == "session":
        return eid_level(request)
    return who.user.eid_level
