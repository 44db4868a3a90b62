"""Use cases that change who may do what: granting and revoking officers' roles."""

from __future__ import annotations

from django.db import transaction

from motcua.audit.services import record

from .models import Agency, Membership


@transaction.atomic
def grant_membership(*, user, agency: Agency, role: str, by=None) -> Membership:
    """Give ``user`` ``role`` in ``agency`` (idempotent) and record it in the audit trail."""
    membership, created = Membership.objects.get_or_create(user=user, agency=agency, role=role)
    if created:
        record(
            "membership.grant",
            actor=by,
            obj=membership,
            agency_id=agency.pk,
            data={"user_id": user.pk, "role": role, "agency": agency.code},
        )
    return membership


@transaction.atomic
def revoke_membership(membership: Membership, *, by=None) -> None:
    """Take a role away and record it in the audit trail."""
    data = {
        "user_id": membership.user_id,
        "role": membership.role,
        "agency": membership.agency.code,
    }
    agency_id, pk = membership.agency_id, membership.pk
    membership.delete()
    record(
        "membership.revoke",
        actor=by,
        object_type="agencies.membership",
        object_id=str(pk),
        agency_id=agency_id,
        data=data,
    )
