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


AGENCY_ADMIN_GROUP = "Quản trị cơ quan"
# What an agency administrator maintains in the Django admin: the catalogue, the
# calendar's yearly changes and officers' roles (app label → models).
AGENCY_ADMIN_MODELS = {
    "catalog": ["sector", "procedure", "procedureversion", "procedurecomponent", "processstep"],
    "workdays": ["calendaroverride"],
    "agencies": ["membership", "agency"],
    "audit": ["auditrecord"],
}


def agency_admin_group():
    """The permission group of agency administrators (created or refreshed; idempotent).

    Audit records are view-only; everything else may be viewed, added and changed.
    """
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name=AGENCY_ADMIN_GROUP)
    wanted = []
    for app_label, models in AGENCY_ADMIN_MODELS.items():
        verbs = ["view"] if app_label == "audit" else ["view", "add", "change", "delete"]
        codenames = [f"{verb}_{model}" for model in models for verb in verbs]
        wanted += Permission.objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        )
    group.permissions.set(wanted)
    return group
