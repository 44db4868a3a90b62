"""The one place that decides which dossiers an officer sees and what they may do.

Views and selectors never filter by agency themselves: they go through
``dossiers_for`` / ``get_dossier_for``, so a dossier of another agency is
invisible (404) everywhere, including when its URL is typed by hand.
"""

from __future__ import annotations

from django.db.models import F, Q, QuerySet
from django.http import Http404

from motcua.agencies.models import Agency, Membership, Role
from motcua.agencies.selectors import descendant_ids
from motcua.dossiers.models import Dossier, Status

# Which roles may perform which workflow action. Supervisors and agency
# administrators are absent on purpose: they read, they do not act.
ACTION_ROLES: dict[str, frozenset[str]] = {
    "receive": frozenset({Role.DESK_OFFICER}),
    "refuse_intake": frozenset({Role.DESK_OFFICER}),
    "return_result": frozenset({Role.DESK_OFFICER}),
    "issue_result": frozenset({Role.DESK_OFFICER}),
    "start_processing": frozenset({Role.DESK_OFFICER, Role.SPECIALIST}),
    "request_supplement": frozenset({Role.DESK_OFFICER, Role.SPECIALIST}),
    "provide_supplement": frozenset({Role.DESK_OFFICER, Role.SPECIALIST}),
    # The applicant's written request to stop, handed in at the desk (Art. 21).
    "stop": frozenset({Role.DESK_OFFICER, Role.LEADER}),
    "approve": frozenset({Role.LEADER}),
    "refuse": frozenset({Role.LEADER}),
    "transfer": frozenset({Role.LEADER, Role.DESK_OFFICER}),
    "accept_transfer": frozenset({Role.DESK_OFFICER}),
    "assign": frozenset({Role.LEADER, Role.SPECIALIST, Role.DESK_OFFICER}),
    "forward": frozenset({Role.DESK_OFFICER, Role.SPECIALIST, Role.LEADER}),
    "give_opinion": frozenset({Role.SPECIALIST}),
    # The assessment's structured data (kết quả thẩm định), at the specialist's step.
    "record_decision": frozenset({Role.SPECIALIST}),
    "draft_apology": frozenset({Role.DESK_OFFICER, Role.SPECIALIST, Role.LEADER}),
    "decide_apology": frozenset({Role.LEADER}),
    # Cash at the desk: the fee paid at the counter and a refused dossier's refund.
    "collect_fee": frozenset({Role.DESK_OFFICER}),
    "refund_at_desk": frozenset({Role.DESK_OFFICER}),
    # A paper component's scan checked against the original (số hóa), after intake.
    "digitise": frozenset({Role.DESK_OFFICER}),
}
# Actions that belong to the current step of the internal process: only an officer
# holding that step's role may do them, and only its assignee once it is assigned.
STEP_BOUND = {"forward", "give_opinion", "approve", "record_decision"}
# Roles that are not the back office's: an assisted-filing agent (post office, community
# digital team) files dossiers for citizens (``motcua.assisted``); their membership gives
# them no sight of the agency's dossiers and no action on them.
NOT_OFFICER_ROLES = frozenset({Role.AGENT})


def is_officer(user) -> bool:
    """True for a signed-in user with at least one officer's Membership (or a superuser);
    an assisted-filing agent's membership does not count."""
    if not user.is_authenticated:
        return False
    return (
        user.is_superuser
        or Membership.objects.filter(user=user).exclude(role__in=NOT_OFFICER_ROLES).exists()
    )


def home_agency(agency: Agency) -> Agency:
    """The agency a unit works for: the one-stop desk, the specialists' office and the
    leadership of a department are units inside it, and handle its dossiers. An agency
    that is not a unit is its own home, even when it sits under another agency."""
    return agency.home_agency


def _memberships(user):
    return (
        Membership.objects.filter(user=user)
        .exclude(role__in=NOT_OFFICER_ROLES)
        .select_related("agency__parent__parent")
    )


def officer_agencies(user) -> set[int] | None:
    """Ids of the agencies whose dossiers ``user`` may see; ``None`` means all (superuser).

    An officer sees the agency their unit works for (``home_agency``) and everything
    below it, its units and the agencies placed under it (a supervisor of a province
    sees the whole province). Seeing is not acting: see ``_roles_at``.
    """
    if not user.is_authenticated:
        return set()
    if user.is_superuser:
        return None
    # Cached on the user object, i.e. for one request: a page asks several times
    # (queue, counts, each action button) and descendant_ids reads the agency table.
    cached = getattr(user, "_motcua_officer_agencies", None)
    if cached is None:
        cached = set()
        for agency in {home_agency(m.agency) for m in _memberships(user)}:
            cached |= descendant_ids(agency)
        user._motcua_officer_agencies = cached
    return cached


def dossiers_for(user) -> QuerySet[Dossier]:
    """The dossiers ``user`` may see: those of their agencies, never drafts."""
    qs = Dossier.objects.exclude(status=Status.DRAFT)
    agencies = officer_agencies(user)
    if agencies is None:
        return qs
    return qs.filter(agency_id__in=agencies)


def received_for_others(user) -> QuerySet[Dossier]:
    """Dossiers received at ``user``'s desks for another agency (receipt regardless of
    administrative boundary, Decree 118/2025/NĐ-CP Art. 14): the receiving desk sees its
    part, the settling agency (``agency``) processes them as its own."""
    agencies = officer_agencies(user)
    qs = Dossier.objects.exclude(status=Status.DRAFT).filter(intake_agency__isnull=False)
    if agencies is None:
        return qs.exclude(intake_agency_id=F("agency_id"))
    return qs.filter(intake_agency_id__in=agencies).exclude(agency_id__in=agencies)


def _readable(user) -> QuerySet[Dossier]:
    agencies = officer_agencies(user)
    if agencies is None:
        return dossiers_for(user)
    return Dossier.objects.exclude(status=Status.DRAFT).filter(
        Q(agency_id__in=agencies) | Q(intake_agency_id__in=agencies)
    )


def get_dossier_for(user, public_id) -> Dossier:
    """The dossier with ``public_id`` if ``user`` may see it (their agencies' dossiers,
    and those their desks received for another agency). Raises Http404 otherwise."""
    try:
        return (
            _readable(user)
            .select_related(
                "applicant",
                "agency",
                "intake_agency",
                "return_agency",
                "procedure_version__procedure",
                "current_step",
                "assignee",
            )
            .get(public_id=public_id)
        )
    except Dossier.DoesNotExist:
        raise Http404("Không tìm thấy hồ sơ") from None


def _roles_at(user, dossier: Dossier) -> set[str]:
    if not user.is_authenticated:
        return set()
    agencies = officer_agencies(user)
    if agencies is not None and dossier.agency_id not in agencies:
        return set()
    # Only roles held in the dossier's own agency or in one of its units count. An agency
    # above it (the ward above the ward's police, the province above a department) is
    # another agency: it may see the dossier, it never acts on it.
    home = home_agency(dossier.agency).pk
    return {m.role for m in _memberships(user) if home_agency(m.agency).pk == home}


def can(user, action: str, dossier: Dossier) -> bool:
    """Whether ``user``'s roles at the dossier's agency allow ``action`` (state is not checked).

    Only roles held in the dossier's own agency or in its units count, never roles in
    an agency above it. Step-bound actions also need the current step's role (and,
    once assigned, to be its assignee).
    """
    return bool(permitted_actions(user, dossier, [action]))


def _step_allows(user, roles: set[str], action: str, dossier: Dossier) -> bool:
    if action not in STEP_BOUND or dossier.current_step_id is None:
        return True
    step_role = dossier.current_step.role
    if step_role not in roles:
        return False
    if action == "forward" and step_role == Role.LEADER:
        return False  # the leader decides: approve or refuse
    if action == "forward" and step_role == Role.SPECIALIST:
        # The specialist's step ends with their written opinion (give_opinion, whose
        # note is required): forwarding without one would skip the assessment.
        return False
    return dossier.assignee_id in (None, user.pk)


def returned_elsewhere(dossier: Dossier) -> Agency | None:
    """The desk where the result is handed back when it is not the settling agency's
    own (a dossier received regardless of administrative boundary, returned where it
    was filed); None when the settling agency returns it."""
    if not dossier.return_agency_id:
        return None
    if home_agency(dossier.return_agency).pk == home_agency(dossier.agency).pk:
        return None
    return dossier.return_agency


def permitted_actions(user, dossier: Dossier, actions) -> list[str]:
    """The subset of ``actions`` that ``can`` allows, looking the roles up once.

    A result returned at another desk (``returned_elsewhere``) is returned by that
    desk's officers, not by the settling agency's; that is the only action the
    receiving desk has on a dossier it received for another agency.
    """
    roles = _roles_at(user, dossier)
    allowed = [
        a
        for a in actions
        if roles & ACTION_ROLES.get(a, frozenset()) and _step_allows(user, roles, a, dossier)
    ]
    if "return_result" in actions:
        desk = returned_elsewhere(dossier)
        if desk is not None:
            allowed = [a for a in allowed if a != "return_result"]
            if Role.DESK_OFFICER in roles_at_agency(user, desk):
                allowed.append("return_result")
    return allowed


def roles_at_agency(user, agency: Agency) -> set[str]:
    """The roles ``user`` holds in ``agency`` itself (its home agency or that one's units),
    for objects that belong to an agency but are not dossiers (a PAKN). Like a dossier's,
    roles in an agency above it do not count; outside the officer's reach: none."""
    if not user.is_authenticated:
        return set()
    agencies = officer_agencies(user)
    if agencies is not None and agency.pk not in agencies:
        return set()
    home = home_agency(agency).pk
    return {m.role for m in _memberships(user) if home_agency(m.agency).pk == home}
