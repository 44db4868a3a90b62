"""What an officer or a system may see and do through the API.

An officer (session or their own bearer token) has exactly the back office's reach:
``motcua.backoffice.scope`` decides which dossiers they see (their agencies'
subtree, never drafts) and which actions their roles allow. A system (client
credentials) sees the dossiers of its ``ApiClient.agencies`` and of everything below
them, as an officer of those agencies does, and acts as their one-stop desk on the
dossiers of those agencies and their units only (never on those of a separate agency
placed under one of them, such as a ward's police): the actions the desk officer's
role allows, except those bound to a step of the internal process (a person's opinion
or decision).
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from motcua.agencies.models import Role
from motcua.agencies.selectors import descendant_ids
from motcua.backoffice import scope
from motcua.dossiers.models import Dossier, Status
from motcua.dossiers.workflow import OFFICER_ACTIONS

from .auth import Principal, require
from .errors import ApiError, not_found

SYSTEM_ACTIONS = frozenset(
    action
    for action in OFFICER_ACTIONS
    if Role.DESK_OFFICER in scope.ACTION_ROLES.get(action, frozenset())
    and action not in scope.STEP_BOUND
)
RELATED = ("applicant", "agency", "procedure_version__procedure", "current_step", "assignee")


class Reach:
    """The dossiers a caller may see, and whether they may do an action to one."""

    def __init__(self, who: Principal):
        self.who = who
        self._agency_ids: set[int] | None = None
        self._acting_for: set[int] = set()  # the client's agencies (units: their agency)
        if who.is_system:
            ids: set[int] = set()
            for agency in who.client.agencies.select_related("parent__parent"):
                ids |= descendant_ids(agency)
                self._acting_for.add(scope.home_agency(agency).pk)
            self._agency_ids = ids

    @property
    def actor(self):
        return self.who.actor

    def dossiers(self) -> QuerySet[Dossier]:
        if self.who.is_system:
            return Dossier.objects.exclude(status=Status.DRAFT).filter(
                agency_id__in=self._agency_ids
            )
        return scope.dossiers_for(self.who.user)

    def get(self, public_id) -> Dossier:
        """The dossier if the caller may see it; ApiError 404 otherwise."""
        if self.who.is_system:
            dossier = self.dossiers().select_related(*RELATED).filter(public_id=public_id).first()
            if dossier is None:
                raise not_found()
            return dossier
        try:
            return scope.get_dossier_for(self.who.user, public_id)
        except Http404:
            raise not_found() from None

    def _acts_on(self, dossier: Dossier) -> bool:
        """A system acts for its agencies and their units, as their desk officers do."""
        return scope.home_agency(dossier.agency).pk in self._acting_for

    def permitted(self, dossier: Dossier, actions) -> list[str]:
        if self.who.is_system:
            if not self._acts_on(dossier):
                return []
            return [a for a in actions if a in SYSTEM_ACTIONS]
        return scope.permitted_actions(self.who.user, dossier, actions)

    def can(self, action: str, dossier: Dossier) -> bool:
        return bool(self.permitted(dossier, [action]))

    def can_collect_fee(self, dossier: Dossier) -> bool:
        """Cash is taken at the one-stop desk (the back office's ``collect_fee`` rule)."""
        if self.who.is_system:
            return self._acts_on(dossier)
        return scope.can(self.who.user, "collect_fee", dossier)


def officer_reach(request, scope_name: str) -> Reach:
    """The reach of the caller of an officer endpoint; ApiError 403 for a non-officer."""
    who = require(request, scope_name)
    if not who.is_system and not scope.is_officer(who.user):
        raise ApiError(
            403,
            "not_an_officer",
            _(
                "Tài khoản này chưa được phân công vào cơ quan nào nên không dùng được "
                "các chức năng của cơ quan."
            ),
        )
    return Reach(who)
