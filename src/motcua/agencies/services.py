"""Use cases that change who may do what: granting and revoking officers' roles."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from motcua.audit.services import record

from .models import Agency, Membership, Role
from .selectors import administered_agency_ids, home_agency_id, is_superuser


def role_conflicts() -> list[frozenset[str]]:
    """The pairs of roles one person may not hold at the same agency
    (``MOTCUA_ROLE_CONFLICTS``; unknown role names are ignored)."""
    known = set(Role.values)
    pairs = []
    for item in getattr(settings, "MOTCUA_ROLE_CONFLICTS", []):
        roles = frozenset(part.strip() for part in item.split("+") if part.strip())
        if len(roles) == 2 and roles <= known:
            pairs.append(roles)
    return pairs


def _role_label(role: str) -> str:
    return str(Role(role).label) if role in Role.values else role


def check_grant(*, user, agency: Agency, role: str, by=None) -> None:
    """Refuse a grant that breaks the rules; the admin's form and ``grant_membership`` call it.

    - nobody grants a role to themselves;
    - an agency administrator grants only inside the agencies they administer, never the
      supervisor's role, and only to officers already in those agencies (not to a citizen,
      not to another agency's officer): new officers' first role comes from the national
      administrators (superusers), who create the accounts;
    - nobody, superusers included, gives a person two roles that ``role_conflicts()`` keeps
      apart at the same agency (an agency and its units count as one).

    ``by=None`` is the system (imports, the demo seed): only the separation of duties applies.
    Raises ValidationError with the reason, in Vietnamese.
    """
    if by is not None and user.pk == by.pk:
        raise ValidationError(
            _("Không thể tự phân công vai trò cho chính mình; hãy đề nghị một quản trị viên khác.")
        )
    if by is not None and not is_superuser(by):
        reach = administered_agency_ids(by)
        if agency.pk not in reach:
            raise ValidationError(
                _(
                    "Bạn chỉ được phân công vai trò trong cơ quan mình quản trị "
                    "và các đơn vị trực thuộc."
                )
            )
        if role == Role.SUPERVISOR:
            raise ValidationError(
                _("Vai trò giám sát do quản trị hệ thống cấp quốc gia phân công.")
            )
        held = set(Membership.objects.filter(user=user).values_list("agency_id", flat=True))
        # An assisted-filing agent (post office, community digital team) is authorised by
        # the agency it files for: their account may hold no other membership yet.
        newcomer_allowed = role == Role.AGENT and not held
        if not newcomer_allowed and (not held or not held <= reach):
            raise ValidationError(
                _(
                    "Chỉ được phân công cho cán bộ đang công tác tại cơ quan mình quản trị; "
                    "tài khoản công dân hoặc cán bộ cơ quan khác do quản trị hệ thống xử lý."
                )
            )
    home = home_agency_id(agency)
    for pair in role_conflicts():
        if role not in pair:
            continue
        (other,) = pair - {role}
        for membership in Membership.objects.filter(user=user, role=other).select_related("agency"):
            if home_agency_id(membership.agency) == home:
                raise ValidationError(
                    _(
                        "Một người không được đồng thời giữ vai trò “{role}” và “{other}” "
                        "trong cùng một cơ quan ({agency})."
                    ).format(
                        role=_role_label(role), other=_role_label(other), agency=membership.agency
                    )
                )


def check_revoke(membership: Membership, *, by=None) -> None:
    """An agency administrator revokes only roles inside the agencies they administer.

    Raises ValidationError.
    """
    if by is not None and not is_superuser(by):
        if membership.agency_id not in administered_agency_ids(by):
            raise ValidationError(
                _(
                    "Bạn chỉ được thu hồi vai trò trong cơ quan mình quản trị "
                    "và các đơn vị trực thuộc."
                )
            )


@transaction.atomic
def grant_membership(*, user, agency: Agency, role: str, by=None) -> Membership:
    """Give ``user`` ``role`` in ``agency`` (idempotent) and record it in the audit trail.

    Raises ValidationError when ``check_grant`` refuses it.
    """
    if Membership.objects.filter(user=user, agency=agency, role=role).exists():
        return Membership.objects.get(user=user, agency=agency, role=role)
    check_grant(user=user, agency=agency, role=role, by=by)
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
    """Take a role away and record it in the audit trail.

    Raises ValidationError when ``check_revoke`` refuses it.
    """
    check_revoke(membership, by=by)
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
# What an agency administrator maintains in the Django admin: the catalogue (the
# procedures their agencies handle: catalog.selectors.editable_procedures), officers'
# roles (check_grant) and a read-only look at the calendar, which only calendar managers
# change (workdays.services) (app label → models).
AGENCY_ADMIN_MODELS = {
    "catalog": ["sector", "procedure", "procedureversion", "procedurecomponent", "processstep"],
    "workdays": ["calendaroverride"],
    "agencies": ["membership", "agency"],
    "audit": ["auditrecord"],
}


def agency_admin_group():
    """The permission group of agency administrators (created or refreshed; idempotent).

    Audit records and the calendar are view-only; everything else may be viewed, added
    and changed.
    """
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name=AGENCY_ADMIN_GROUP)
    wanted = []
    for app_label, models in AGENCY_ADMIN_MODELS.items():
        read_only = app_label in ("audit", "workdays")
        verbs = ["view"] if read_only else ["view", "add", "change", "delete"]
        codenames = [f"{verb}_{model}" for model in models for verb in verbs]
        wanted += Permission.objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        )
    group.permissions.set(wanted)
    return group
