"""Citizens sign in to the portal through OpenID Connect, the way the national e-ID
(VNeID) is used, and choose whom they act for.

The portal is a relying party built on Authlib: authorization code flow with PKCE
(S256), ``state`` and ``nonce``; the ID token must be RS256-signed by a key from the
provider's JWKS (fetched over HTTP from its discovery document), issued by that
provider for this client; every call to the provider has a timeout. The provider is
named only by ``MOTCUA_OIDC_DISCOVERY_URL``: the bundled demo provider (``/idp/``) in
development and tests, the real one in production.

Claims read from the ID token (the bundled provider documents them in
``motcua/idp/claims.py``): ``personal_id`` (required), ``name``, ``birth_date``,
``phone``, ``email``, ``represented_businesses`` (``[{"tax_code", "name",
"address"}]``, the businesses whose legal representative the person is) and ``acr``,
the e-ID level of the sign-in (Decree 69/2024/NĐ-CP Art. 9), kept in the session for
this sign-in only (:func:`eid_level`): a dossier records it when it is submitted.

Public API for the portal: :func:`current_applicant`, :func:`citizen_required`,
:func:`eid_level`, and
the URLs ``citizen:login`` (``?next=``), ``citizen:callback``, ``citizen:logout``
(POST) and ``citizen:acting``.
"""

import datetime as dt
import logging
import time
from collections.abc import Mapping
from functools import lru_cache

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from joserfc.errors import JoseError

from . import services
from .models import Applicant, User, validate_personal_id, validate_tax_code

log = logging.getLogger(__name__)

SESSION_NEXT = "citizen_login_next"
SESSION_ID_TOKEN = "citizen_id_token"  # kept for the provider's sign-out (id_token_hint)
SESSION_ACTING = "citizen_acting_as"  # pk of the business chosen at citizen:acting
SESSION_EID_LEVEL = "citizen_eid_level"  # the e-ID level (1, 2) the provider asserted

# The provider's ``acr`` values and the e-ID level each stands for. Anything else (no
# ``acr``, an unknown value) is level 1: a sign-in with the e-ID proves at least that.
LEVEL_BY_ACR = {"vneid:level2": 2, "vneid:level1": 1}


class SignInRefused(Exception):
    """The sign-in cannot complete; ``message`` tells the citizen why, in Vietnamese."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


# --- The provider -----------------------------------------------------------------------


class _Provider(DjangoOAuth2App):
    """Authlib's Django client, pinned to RS256 and re-reading the discovery document
    (and with it the signing keys) once ``MOTCUA_OIDC_METADATA_TTL`` has passed."""

    def load_server_metadata(self):
        loaded_at = self.server_metadata.get("_loaded_at")
        if loaded_at and time.time() - loaded_at > settings.MOTCUA_OIDC_METADATA_TTL:
            self.server_metadata.clear()
        metadata = super().load_server_metadata()
        # Never the provider's list: accepting HS256 or "none" lets a forger pick the key.
        metadata["id_token_signing_alg_values_supported"] = ["RS256"]
        return metadata


@lru_cache(maxsize=4)
def _provider_for(discovery_url: str, client_id: str, secret: str, scopes: str, timeout: float):
    return OAuth().register(
        "motcua_oidc",
        client_cls=_Provider,
        client_id=client_id,
        client_secret=secret,
        server_metadata_url=discovery_url,
        client_kwargs={
            "scope": scopes,
            "code_challenge_method": "S256",
            "token_endpoint_auth_method": "client_secret_basic",
            "default_timeout": timeout,
        },
    )


def provider() -> _Provider:
    """The OpenID Connect client configured in settings (cached per configuration)."""
    return _provider_for(
        settings.MOTCUA_OIDC_DISCOVERY_URL,
        settings.MOTCUA_OIDC_CLIENT_ID,
        settings.MOTCUA_OIDC_CLIENT_SECRET,
        settings.MOTCUA_OIDC_SCOPES,
        settings.MOTCUA_OIDC_TIMEOUT,
    )


UNREACHABLE = gettext_lazy(
    "Không kết nối được tới hệ thống định danh điện tử. Vui lòng thử lại sau ít phút."
)


def _verified_claims(request) -> tuple[dict, str]:
    """The ID token's claims and the token itself, once every check has passed.

    Raises :class:`SignInRefused` for a provider error, an unknown or reused ``state``,
    an ``iss`` from another provider, a refused code, or an ID token that is missing,
    unsigned, signed by another key, for another client, expired or with another nonce.
    """
    error = request.GET.get("error")
    if error == "access_denied":
        raise SignInRefused(
            _("Bạn đã không đồng ý chia sẻ thông tin với Cổng dịch vụ công nên chưa đăng nhập.")
        )
    if error:
        raise SignInRefused(
            _(
                "Hệ thống định danh không hoàn tất việc đăng nhập (mã lỗi: %(code)s). "
                "Vui lòng đăng nhập lại."
            )
            % {"code": error[:40]}
        )
    client = provider()
    if not client.framework.get_state_data(request.session, request.GET.get("state")):
        raise SignInRefused(
            _("Phiên đăng nhập không hợp lệ hoặc đã hết hạn. Vui lòng bấm “Đăng nhập” lại từ đầu.")
        )
    invalid = _(
        "Không xác thực được thông tin đăng nhập do hệ thống định danh gửi về. "
        "Vui lòng đăng nhập lại; nếu lỗi lặp lại, hãy liên hệ bộ phận hỗ trợ của Cổng."
    )
    try:
        metadata = client.load_server_metadata()
        issuer = metadata["issuer"]
        # RFC 9207: the authorization response names its issuer; a mismatch is a mix-up.
        if request.GET.get("iss", issuer) != issuer or (
            metadata.get("authorization_response_iss_parameter_supported")
            and "iss" not in request.GET
        ):
            log.warning("OIDC sign-in refused: authorization response from another issuer")
            raise SignInRefused(invalid)
        token = client.authorize_access_token(
            request,
            claims_options={
                "iss": {"essential": True, "values": [issuer]},
                "aud": {"essential": True, "values": [client.client_id]},
            },
        )
    except requests.RequestException as failure:
        log.warning("OIDC provider unreachable: %s", type(failure).__name__)
        raise SignInRefused(UNREACHABLE, status=502) from failure
    except (AuthlibBaseError, JoseError, KeyError, ValueError) as failure:
        log.warning("OIDC sign-in refused: %s", type(failure).__name__)
        raise SignInRefused(invalid) from failure
    if not token.get("userinfo") or not token.get("id_token"):  # no ID token at all
        log.warning("OIDC sign-in refused: token response without an ID token")
        raise SignInRefused(invalid)
    return dict(token["userinfo"]), token["id_token"]


# --- Writes: the citizen and whom they represent -------------------------------------------


def _text(claims: Mapping, name: str, limit: int) -> str | None:
    """The claim as text cut to ``limit`` characters; None when the provider left it out."""
    if name not in claims or claims[name] is None:
        return None
    return str(claims[name]).strip()[:limit]


def _email(claims: Mapping) -> str | None:
    value = _text(claims, "email", 254)
    try:
        if value:
            validate_email(value)
    except ValidationError:
        return None
    return value


@transaction.atomic
def sign_in_from_claims(claims: Mapping) -> User:
    """Bring the portal's records in line with what the provider asserts; return the user.

    Finds or creates the ``User`` by ``personal_id`` (name, phone and e-mail follow the
    claims), the person's own ``Applicant``, and for each represented business its
    ``Applicant`` with this person as legal representative. Businesses this person no
    longer represents (claim present but without them) lose the link. Claims the
    provider left out change nothing. Raises :class:`SignInRefused` without a valid
    ``personal_id`` or for a deactivated account.
    """
    # Never cut an identifier to fit: a longer value must fail validation, not shrink into one.
    personal_id = _text(claims, "personal_id", 100) or ""
    try:
        validate_personal_id(personal_id)
    except ValidationError as error:
        raise SignInRefused(
            _(
                "Hệ thống định danh không cung cấp số định danh cá nhân hợp lệ nên chưa thể "
                "đăng nhập. Vui lòng liên hệ bộ phận hỗ trợ của Cổng."
            )
        ) from error
    name, phone, email = _text(claims, "name", 200), _text(claims, "phone", 20), _email(claims)

    username = personal_id
    if User.objects.filter(username=username).exclude(personal_id=personal_id).exists():
        username = f"cong-dan-{personal_id}"
    user, created = User.objects.select_for_update().get_or_create(
        personal_id=personal_id, defaults={"username": username}
    )
    if not user.is_active:
        raise SignInRefused(
            _(
                "Tài khoản của bạn trên Cổng dịch vụ công đang bị khóa. "
                "Vui lòng liên hệ bộ phận một cửa để được hỗ trợ."
            ),
            status=403,
        )
    if created:
        user.set_unusable_password()
    for field, value in (("full_name", name), ("phone", phone), ("email", email)):
        if value is not None:
            setattr(user, field, value)
    user.save()

    person, _created = services.get_or_create_person(
        personal_id, defaults={"name": name or user.full_name or personal_id, "user": user}, by=user
    )
    person.user = person.user or user
    person.name = name or person.name
    birth_date = _text(claims, "birth_date", 10)
    try:
        person.birth_date = dt.date.fromisoformat(birth_date) if birth_date else person.birth_date
    except ValueError:
        log.warning("OIDC claim birth_date is not a date (applicant %s)", person.pk)
    person.phone = phone if phone is not None else person.phone
    person.email = email if email is not None else person.email
    person.save()

    businesses = claims.get("represented_businesses")
    if isinstance(businesses, list):
        _update_represented_businesses(person, user, businesses)
    return user


def _update_represented_businesses(person: Applicant, user: User, businesses: list) -> None:
    kept = []
    for item in businesses:
        tax_code = _text(item, "tax_code", 100) if isinstance(item, Mapping) else None
        try:
            validate_tax_code(tax_code or "")
        except ValidationError:
            log.warning("OIDC claim represented_businesses has an invalid tax code; skipped")
            continue
        business, _created = services.get_or_create_business(
            tax_code, defaults={"name": _text(item, "name", 255) or tax_code}, by=user
        )
        business.name = _text(item, "name", 255) or business.name
        business.address = _text(item, "address", 500) or business.address
        business.representative = person
        business.user = user
        business.save()
        kept.append(business.pk)
    no_longer = Applicant.objects.filter(kind=Applicant.Kind.BUSINESS, representative=person)
    no_longer = no_longer.exclude(pk__in=kept)
    no_longer.filter(user=user).update(user=None)
    no_longer.update(representative=None)


# --- Reads: who the signed-in citizen acts as ---------------------------------------------


def _person_applicant(user) -> Applicant | None:
    """The user's own person Applicant, created from the account when missing."""
    if user.personal_id:
        person, _created = services.get_or_create_person(
            user.personal_id,
            by=user,
            source=services.FROM_ACCOUNT,
            defaults={
                "name": user.full_name or user.username,
                "user": user,
                "phone": user.phone,
                "email": user.email,
            },
        )
        if person.user_id is None:
            person.user = user
            person.save(update_fields=["user"])
        return person
    return Applicant.objects.filter(kind=Applicant.Kind.PERSON, user=user).order_by("pk").first()


def represented_businesses(person: Applicant):
    """The businesses whose legal representative ``person`` is, by name."""
    return Applicant.objects.filter(kind=Applicant.Kind.BUSINESS, representative=person).order_by(
        "name", "pk"
    )


def current_applicant(request) -> Applicant | None:
    """The applicant the signed-in citizen acts as: their own person Applicant (created if missing, for users logged in any way), or the business chosen at citizen:acting if they still represent it. None when anonymous."""  # noqa: E501
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    person = _person_applicant(user)
    if person is None:  # an account without a personal id (some officers)
        return None
    session = getattr(request, "session", None)
    chosen = session.get(SESSION_ACTING) if session is not None else None
    if chosen is not None:
        business = represented_businesses(person).filter(pk=chosen).first()
        if business is not None:
            return business
        session.pop(SESSION_ACTING, None)  # no longer their representative
    return person


def level_from_claims(claims: Mapping) -> int:
    """The e-ID level the ID token's ``acr`` asserts (1 when absent or unknown)."""
    return LEVEL_BY_ACR.get(str(claims.get("acr") or ""), 1)


def eid_level(request) -> int | None:
    """The e-ID level the signed-in citizen proved at this sign-in (1 or 2), or None when
    they did not sign in through the identity provider (or are anonymous)."""
    user = getattr(request, "user", None)
    session = getattr(request, "session", None)
    if user is None or not user.is_authenticated or session is None:
        return None
    level = session.get(SESSION_EID_LEVEL)
    return level if level in (1, 2) else None


def citizen_required(view):
    """Decorator: an anonymous visitor goes to ``citizen:login``, then back here."""
    return login_required(view, login_url=reverse_lazy("citizen:login"))


# --- Views ---------------------------------------------------------------------------------


def _safe_next(request, url: str | None) -> str:
    allowed = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if url and allowed else ""


def _refused(request, refusal: SignInRefused):
    return render(
        request,
        "accounts/citizen_login_error.html",
        {"message": refusal.message},
        status=refusal.status,
    )


@never_cache
@require_GET
def login(request):
    """Send the citizen to the identity provider; remember a safe ``next``."""
    next_url = _safe_next(request, request.GET.get("next"))
    if next_url:
        request.session[SESSION_NEXT] = next_url
    else:
        request.session.pop(SESSION_NEXT, None)
    callback_uri = settings.MOTCUA_OIDC_REDIRECT_URI or request.build_absolute_uri(
        reverse("citizen:callback")
    )
    try:
        return provider().authorize_redirect(request, callback_uri)
    except (requests.RequestException, KeyError, ValueError, RuntimeError) as failure:
        log.warning("OIDC provider unreachable: %s", type(failure).__name__)
        return _refused(request, SignInRefused(UNREACHABLE, status=502))


@never_cache
@require_GET
def callback(request):
    """The provider's answer: verify it, update the records, sign the citizen in."""
    try:
        claims, id_token = _verified_claims(request)
        user = sign_in_from_claims(claims)
    except SignInRefused as refusal:
        return _refused(request, refusal)
    next_url = request.session.pop(SESSION_NEXT, "")
    auth.login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    request.session[SESSION_ID_TOKEN] = id_token
    request.session[SESSION_EID_LEVEL] = level_from_claims(claims)
    return redirect(next_url or reverse("citizen:acting"))


@require_POST
def logout(request):
    """Sign out of the portal, then of the provider when it supports it."""
    id_token = request.session.get(SESSION_ID_TOKEN)
    auth.logout(request)
    if id_token:
        try:
            client = provider()
            if client.load_server_metadata().get("end_session_endpoint"):
                return client.logout_redirect(
                    request,
                    post_logout_redirect_uri=settings.MOTCUA_OIDC_POST_LOGOUT_REDIRECT_URI
                    or request.build_absolute_uri("/"),
                    id_token_hint=id_token,
                )
        except (requests.RequestException, ValueError) as failure:
            log.warning("OIDC provider sign-out skipped: %s", type(failure).__name__)
    return redirect("/")


@citizen_required
@require_http_methods(["GET", "POST"])
def acting(request):
    """Choose whether to act as oneself or for a business one legally represents."""
    person = _person_applicant(request.user)
    businesses = list(represented_businesses(person)) if person else []
    error = ""
    if request.method == "POST" and person is not None:
        choice = request.POST.get("acting_as", "")
        if choice == "self":
            request.session.pop(SESSION_ACTING, None)
        elif choice.isdigit() and int(choice) in {business.pk for business in businesses}:
            request.session[SESSION_ACTING] = int(choice)
        else:
            error = _(
                "Bạn không phải người đại diện theo pháp luật của tổ chức đã chọn. "
                "Hãy chọn lại trong danh sách dưới đây."
            )
        if not error:
            return redirect(
                _safe_next(request, request.POST.get("next")) or reverse("citizen:acting")
            )
    return render(
        request,
        "accounts/citizen_acting.html",
        {
            "person": person,
            "businesses": businesses,
            "current": current_applicant(request),
            "error": error,
            "next": _safe_next(request, request.GET.get("next") or request.POST.get("next")),
        },
        status=400 if error else 200,
    )
