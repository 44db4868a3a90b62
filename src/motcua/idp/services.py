"""Setting up the demo identity provider: its client (the portal) and demo passwords."""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX, make_password
from django.db import transaction
from django.urls import reverse
from oauth2_provider.models import get_application_model

DEFAULT_PORTAL_BASE_URLS = ("http://127.0.0.1:8000", "http://localhost:8000")


def default_portal_base_urls(public_url: str = "") -> tuple[str, ...]:
    """The portal addresses registered by default: ``MOTCUA_PUBLIC_URL`` (with its
    ``localhost``/``127.0.0.1`` twin on a developer's machine), else port 8000's two."""
    from django.conf import settings

    base = (public_url or getattr(settings, "MOTCUA_PUBLIC_URL", "")).rstrip("/")
    if not base:
        return DEFAULT_PORTAL_BASE_URLS
    twins = {"//127.0.0.1": "//localhost", "//localhost": "//127.0.0.1"}
    for host, twin in twins.items():
        if host + ":" in base or base.endswith(host):
            return (base, base.replace(host, twin, 1))
    return (base,)


PORTAL_CLIENT_NAME = "Cổng dịch vụ công MotCua"


def portal_redirect_uris(base_url: str) -> tuple[str, str]:
    """The portal's sign-in callback and post-sign-out address under ``base_url``."""
    base = base_url.rstrip("/")
    return base + reverse("citizen:callback"), base + "/"


@transaction.atomic
def register_portal_client(
    *, client_id: str, client_secret: str, base_urls: Iterable[str] = DEFAULT_PORTAL_BASE_URLS
):
    """Create or update the portal as a confidential OpenID Connect client; idempotent.

    The client uses the authorization code flow with PKCE, RS256-signed ID tokens and
    skips the consent page (the portal is the province's own service). Its redirect
    URIs are exactly the callbacks under ``base_urls``; the secret is stored hashed.
    Returns the ``oauth2_provider.Application``. Raises ``ValueError`` for an empty
    client id or secret.
    """
    if not client_id or not client_secret:
        raise ValueError("client_id and client_secret are required")
    application_model = get_application_model()
    callbacks, after_logout = [], []
    for base_url in base_urls:
        callback, home = portal_redirect_uris(base_url)
        callbacks.append(callback)
        after_logout.append(home)
    application = application_model.objects.filter(client_id=client_id).first()
    if application is None:
        application = application_model(client_id=client_id)
    application.name = PORTAL_CLIENT_NAME
    application.client_secret = client_secret  # hashed when saved
    application.hash_client_secret = True
    application.client_type = application_model.CLIENT_CONFIDENTIAL
    application.authorization_grant_type = application_model.GRANT_AUTHORIZATION_CODE
    application.algorithm = application_model.RS256_ALGORITHM
    application.redirect_uris = " ".join(dict.fromkeys(callbacks))
    application.post_logout_redirect_uris = " ".join(dict.fromkeys(after_logout))
    application.skip_authorization = True
    application.full_clean()
    application.save()
    return application


@transaction.atomic
def give_citizens_password(password: str) -> int:
    """Demo only: every active citizen (a user with a personal id) who has no usable
    password gets ``password``, so that they can sign in at the demo provider.

    Officers' and already-set passwords are left alone. Returns how many users changed.
    """
    user_model = get_user_model()
    hashed = make_password(password)  # once: the hasher is slow on purpose
    citizens = user_model.objects.filter(personal_id__isnull=False, is_active=True, is_staff=False)
    # One UPDATE: an unusable password is exactly one with Django's "!" prefix.
    return citizens.filter(password__startswith=UNUSABLE_PASSWORD_PREFIX).update(password=hashed)
