"""Who may see which agency's figures (the back office's rule, restated over the tree).

* a superuser sees everything, including the figures of the whole system;
* a supervisor (``Role.SUPERVISOR``) sees the agency their unit works for and every
  agency below it, and may rank them;
* any other officer (desk officer, specialist, leader, agency administrator) sees the
  agency their unit works for – its figures include its own units and sub-agencies –
  and the dossiers behind them; its leaders and administrators (and the supervisors
  above it) file its plan;
* anyone else sees only the public transparency page.
"""

from __future__ import annotations

from dataclasses import dataclass

from motcua.agencies.models import Agency, Membership, Role

from .tree import AgencyTree


@dataclass(frozen=True)
class Access:
    everything: bool
    supervised: frozenset[int]  # roots of the subtrees the user supervises
    own: frozenset[int]  # agencies the user works for
    managed: frozenset[int] = frozenset()  # agencies the user leads or administers
    administered: frozenset[int] = frozenset()  # agencies the user administers

    @property
    def is_officer(self) -> bool:
        return self.everything or bool(self.supervised or self.own)

    def roots(self) -> list[int | None]:
        """Where the user's dashboards start (None: the whole system)."""
        if self.everything:
            return [None]
        return sorted(self.supervised | (self.own - self.supervised))

    def default_root(self) -> int | None:
        roots = self.roots()
        return roots[0] if roots else None

    def can_view(self, node: int | None, tree: AgencyTree) -> bool:
        if self.everything:
            return True
        if node is None:
            return False
        chain = tree.chain(node)
        if chain[0] != node:  # a merged agency: its figures live with its successor
            return False
        return node in self.own or any(root in chain for root in self.supervised)

    def can_plan(self, node: int | None, tree: AgencyTree) -> bool:
        """Whether the user may file ``node``'s plan: its leaders and administrators, and
        the supervisors above it."""
        if node is None:
            return False
        return self.everything or node in self.managed or self.can_rank_below(node, tree)

    def can_cross_check(self, node: int | None, tree: AgencyTree) -> bool:
        """Whether the user may import ``node``'s national figures and compare them: its
        administrators and the supervisors above it."""
        if node is None:
            return False
        return self.everything or node in self.administered or self.can_rank_below(node, tree)

    def can_rank_below(self, node: int | None, tree: AgencyTree) -> bool:
        """Whether the user may see the agencies below ``node`` one by one."""
        if self.everything:
            return True
        if node is None:
            return False
        return any(root in tree.chain(node) for root in self.supervised)


def home_agency(agency: Agency) -> Agency:
    """The agency a unit works for (units are parts of an agency, not agencies of their own)."""
    seen = set()
    while agency.kind == Agency.Kind.UNIT and agency.parent_id and agency.pk not in seen:
        seen.add(agency.pk)
        agency = agency.parent
    return agency


def access_of(user, tree: AgencyTree | None = None) -> Access:
    """The user's monitoring access (cached on the user object for the request)."""
    if not getattr(user, "is_authenticated", False):
        return Access(False, frozenset(), frozenset())
    if user.is_superuser:
        return Access(True, frozenset(), frozenset())
    cached = getattr(user, "_motcua_monitoring_access", None)
    if cached is not None:
        return cached
    tree = tree or AgencyTree.load()
    supervised, own, managed, administered = set(), set(), set(), set()
    for membership in Membership.objects.filter(user=user).select_related("agency__parent__parent"):
        if membership.role == Role.AGENT:
            continue  # an assisted-filing agent is no officer (docs/ASSISTED.md)
        home = tree.chain(home_agency(membership.agency).pk)[0]
        if membership.role == Role.SUPERVISOR:
            supervised.add(home)
        else:
            own.add(home)
        if membership.role in (Role.LEADER, Role.AGENCY_ADMIN):
            managed.add(home)
        if membership.role == Role.AGENCY_ADMIN:
            administered.add(home)
    access = Access(
        False,
        frozenset(supervised),
        frozenset(own),
        frozenset(managed),
        frozenset(administered),
    )
    user._motcua_monitoring_access = access
    return access
