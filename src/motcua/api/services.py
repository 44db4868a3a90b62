"""Writes of the API app: registering the systems that call it."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from oauth2_provider.generators import generate_client_id, generate_client_secret
from oauth2_provider.models import get_application_model

from motcua.agencies.models import Agency
from motcua.audit.services import record

from .models import ApiClient
from .scopes import SCOPES


@dataclass(frozen=True)
class Credentials:
    client: ApiClient
    client_id: str
    client_secret: str  # shown once: only its hash is stored


@transaction.atomic
def create_api_client(
    *, name: str, agency_codes: list[str], scopes: list[str], by=None
) -> Credentials:
    """Register a system: an OAuth2 application (client credentials), its technical
    account and the agencies and scopes it is limited to.

    Returns the credentials; the secret is never stored in clear. Raises
    ValidationError (Vietnamese) for an empty name, an unknown agency code or scope.
    """
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Hãy đặt tên cho hệ thống kết nối."))
    unknown_scopes = sorted(set(scopes) - set(SCOPES))
    if unknown_scopes or not scopes:
        raise ValidationError(
            _("Phạm vi quyền không hợp lệ: %(names)s. Chỉ dùng: %(known)s.")
            % {"names": ", ".join(unknown_scopes) or "—", "known": ", ".join(SCOPES)}
        )
    agencies = list(Agency.objects.filter(code__in=agency_codes))
    missing = sorted(set(agency_codes) - {a.code for a in agencies})
    if missing or not agencies:
        raise ValidationError(
            _("Không có cơ quan với mã: %(codes)s.") % {"codes": ", ".join(missing) or "—"}
        )
    client_id, secret = generate_client_id(), generate_client_secret()
    application = get_application_model().objects.create(
        name=name,
        client_id=client_id,
        client_secret=secret,
        client_type="confidential",
        authorization_grant_type="client-credentials",
        hash_client_secret=True,
    )
    account = get_user_model().objects.create(
        username=f"api-{client_id[:20]}".lower(),
        full_name=name[:200],
        is_active=True,
    )
    account.set_unusable_password()
    account.save(update_fields=["password"])
    client = ApiClient.objects.create(
        application=application,
        name=name,
        account=account,
        scopes=" ".join(s for s in SCOPES if s in scopes),
    )
    client.agencies.set(agencies)
    record(
        "api.client_created",
        actor=by,
        obj=client,
        data={
            "name": name,
            "agencies": sorted(a.code for a in agencies),
            "scopes": client.scope_list,
        },
    )
    return Credentials(client=client, client_id=client_id, client_secret=secret)
