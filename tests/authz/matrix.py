"""The authorization matrix's vocabulary: principals, the objects they own, the rules.

A *principal* is who calls; a *side* is whose object the URL points at (``a``: citizen
A's dossier at agency X and everything hanging from it; ``b``: citizen B's at agency Y;
``a_draft``: A's draft at X). A *rule* says, for a principal and a side, whether the
request must be allowed. ``verdict`` turns a response into "allow" or "deny".

The rules restate the product's access policy on purpose (they do not import
``backoffice.scope``): when the code and this file disagree, a test fails and someone
decides which one is right.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

DESK, SPECIALIST, LEADER, AGENCY_ADMIN = "desk", "specialist", "leader", "agency_admin"


@dataclass(frozen=True)
class Principal:
    name: str
    description: str
    citizen: str | None = None  # the citizen's own side's owner ("a" or "b")
    roles: dict[str, frozenset[str]] = field(default_factory=dict)  # agency → roles there
    supervises: frozenset[str] = frozenset()  # agencies below the supervised province
    superuser: bool = False
    staff: bool = False
    system: bool = False  # an API client (client credentials), API only
    # Separate agencies placed under one of theirs (a ward's police under the ward): their
    # dossiers are seen, never acted on.
    sees_below: frozenset[str] = frozenset()
    # Agencies that authorised the principal as an assisted-filing agent (Role.AGENT):
    # they file dossiers for citizens, and are no officers of those agencies.
    agent_at: frozenset[str] = frozenset()

    @property
    def anonymous(self) -> bool:
        return self.name == "anonymous"

    @property
    def officer(self) -> bool:
        return self.superuser or self.system or bool(self.roles or self.supervises)

    def reaches(self, agency: str) -> bool:
        return (
            self.superuser
            or agency in self.roles
            or agency in self.supervises
            or agency in self.sees_below
        )

    def roles_at(self, agency: str) -> frozenset[str]:
        return self.roles.get(agency, frozenset())


def _roles(agency: str, *roles: str) -> dict[str, frozenset[str]]:
    return {agency: frozenset(roles)}


PRINCIPALS = {
    p.name: p
    for p in (
        Principal("anonymous", "không đăng nhập (anonymous)"),
        Principal("citizen_a", "citizen A", citizen="a"),
        Principal("citizen_b", "citizen B", citizen="b"),
        Principal("desk_x", "desk officer of agency X", roles=_roles("x", DESK)),
        Principal("specialist_x", "specialist of agency X", roles=_roles("x", SPECIALIST)),
        Principal("leader_x", "leader of agency X", roles=_roles("x", LEADER)),
        Principal("desk_y", "desk officer of agency Y", roles=_roles("y", DESK)),
        Principal("supervisor_p", "supervisor of province P (X's)", supervises=frozenset({"x"})),
        Principal(
            "agency_admin_x",
            "agency administrator of X (staff, the agency-admin group)",
            roles=_roles("x", AGENCY_ADMIN),
            staff=True,
        ),
        Principal("superuser", "system administrator (superuser)", superuser=True, staff=True),
        Principal(
            "agent_x",
            "assisted-filing agent authorised by X (post office; no officer)",
            agent_at=frozenset({"x"}),
        ),
        Principal(
            "system_x",
            "a connected system of agency X (API only)",
            roles=_roles("x", DESK),
            system=True,
        ),
    )
}
# A parent agency and its child: ward W and WP, its police (a separate agency under W).
# Their officers sit in units of their agency (the desk, the leadership).
PRINCIPALS.update(
    {
        p.name: p
        for p in (
            Principal(
                "desk_w",
                "desk officer of ward W (in its one-stop unit)",
                roles=_roles("w", DESK),
                sees_below=frozenset({"wp"}),
            ),
            Principal(
                "leader_w",
                "leader of ward W (in its leadership unit)",
                roles=_roles("w", LEADER),
                sees_below=frozenset({"wp"}),
            ),
            Principal(
                "desk_wp",
                "desk officer of WP, ward W's police (a separate agency under W)",
                roles=_roles("wp", DESK),
            ),
            Principal(
                "system_w",
                "a connected system of ward W (API only)",
                roles=_roles("w", DESK),
                system=True,
                sees_below=frozenset({"wp"}),
            ),
        )
    }
)
WEB_PRINCIPALS = [name for name, p in PRINCIPALS.items() if not p.system]
API_PRINCIPALS = list(PRINCIPALS)


@dataclass(frozen=True)
class SideInfo:
    owner: str  # the citizen
    agency: str  # where the dossier is handled
    draft: bool = False
    step_role: str | None = None  # the role of the dossier's current step (unassigned)
    filed_by: str | None = None  # the agent who filed it for its owner (assisted filing)


# Both dossiers wait at their last step, the return of the result at the desk.
SIDES = {
    "a": SideInfo("a", "x", step_role=DESK),
    "b": SideInfo("b", "y", step_role=DESK),
    "a_draft": SideInfo("a", "x", draft=True),
}
# A draft agent_x prepared for citizen A at X, waiting for A's confirmation.
SIDES["assisted"] = SideInfo("a", "x", draft=True, filed_by="agent_x")
# Citizen A's dossiers at ward W and at WP, its police; they wait at the same desk step.
SIDES.update(w=SideInfo("a", "w", step_role=DESK), wp=SideInfo("a", "wp", step_role=DESK))


@dataclass(frozen=True)
class Rule:
    """Who is allowed: ``test(principal, side)``; ``text`` is the rule in docs/AUTHZ.md."""

    name: str
    text: str
    test: Callable[[Principal, SideInfo | None], bool]

    def allows(self, principal: str, side: str | None) -> bool:
        return self.test(PRINCIPALS[principal], SIDES[side] if side else None)


def _in_reach(p: Principal, s: SideInfo | None) -> bool:
    return s is not None and not s.draft and p.reaches(s.agency)


def acting(*roles: str, step_bound: bool = False, forward: bool = False) -> Rule:
    """An officer holding one of ``roles`` at the object's agency (not a supervisor, not
    a superuser without a role). A step-bound action also needs the role of the
    dossier's current step (a leader's step is decided, never forwarded) and is never a
    connected system's."""

    def test(p, s):
        if not _in_reach(p, s):
            return False
        held = p.roles_at(s.agency)
        if step_bound:
            if p.system or s.step_role not in held:
                return False
            if forward and s.step_role in (LEADER, SPECIALIST):
                return False
        return bool(held & set(roles))

    names = "/".join(roles)
    suffix = " holding the current step's role, never a connected system" if step_bound else ""
    name = f"acting({names}{', step' if step_bound else ''})"
    return Rule(name, f"{names} of the object's agency{suffix}", test)


PUBLIC = Rule("public", "anyone, signed in or not", lambda p, s: True)
SIGNED = Rule(
    "signed",
    "anyone may call it; a signature or a secret in the request protects it, not a session",
    lambda p, s: True,
)
NOBODY = Rule(
    "nobody",
    "no session or token opens it (server-to-server credentials, or not served here)",
    lambda p, s: False,
)
SIGNED_IN = Rule(
    "signed_in",
    "any signed-in account (it only shows the account's own data)",
    lambda p, s: not p.anonymous and not p.system,
)
CITIZEN = Rule(
    "citizen",
    "a signed-in citizen (an account with a personal identification number)",
    lambda p, s: p.citizen is not None,
)
OWNER = Rule(
    "owner",
    "only the citizen who owns the object (another citizen, officers, admins: 404)",
    lambda p, s: p.citizen is not None and s is not None and p.citizen == s.owner,
)
OFFICER = Rule(
    "officer",
    "any officer (a membership in an agency) or the superuser; a connected system",
    lambda p, s: p.officer,
)
IN_REACH = Rule(
    "in_reach",
    "an officer of the object's agency or above it (its supervisor), the superuser; never a draft",
    _in_reach,
)
DESK_ANYWHERE = Rule(
    "desk", "a desk officer (counter intake)", lambda p, s: any(DESK in r for r in p.roles.values())
)
AGENT = Rule(
    "agent",
    "an assisted-filing agent (a membership with the agent's role), never an officer as such",
    lambda p, s: bool(p.agent_at),
)
FILER = Rule(
    "filer",
    "only the agent who filed the object for a citizen (another agent, officers: 404 or 403)",
    lambda p, s: s is not None and s.filed_by == p.name,
)
SUPERVISOR = Rule(
    "supervisor",
    "a supervisor or the superuser",
    lambda p, s: p.superuser or bool(p.supervises),
)
RANKS = Rule(
    "ranks",
    "the supervisor above the agency, or the superuser",
    lambda p, s: p.superuser or (s is not None and s.agency in p.supervises),
)
PLANS = Rule(
    "plans",
    "the agency's leader or administrator, the supervisor above it, the superuser",
    lambda p, s: (
        p.superuser
        or (
            s is not None
            and (bool(p.roles_at(s.agency) & {LEADER, AGENCY_ADMIN}) or s.agency in p.supervises)
        )
    ),
)
CROSS_CHECK = Rule(
    "cross_check",
    "the agency's administrator, the supervisor above it, the superuser",
    lambda p, s: (
        p.superuser
        or (s is not None and (AGENCY_ADMIN in p.roles_at(s.agency) or s.agency in p.supervises))
    ),
)
STAFF = Rule("staff", "staff accounts (superuser, agency administrators)", lambda p, s: p.staff)
SUPERUSER = Rule("superuser", "the superuser only", lambda p, s: p.superuser)


def admin_model(
    label: str, verb: str, *, superuser: bool = True, agency_admin: bool, scoped: bool = False
) -> Rule:
    """An admin page of the model ``label``: for the superuser unless no one may
    (``superuser=False``), for the agency administrator when their group grants
    ``verb`` (``scoped``: only on their own agency's objects); never for anyone else."""

    def test(p, s):
        if p.superuser:
            return superuser
        if not (p.staff and agency_admin):
            return False
        return not scoped or s is None or s.agency in p.roles

    who = ["superuser"] if superuser else []
    if agency_admin:
        who.append("agency admin" + (" (own agency's objects)" if scoped else ""))
    return Rule(f"admin:{verb}", ", ".join(who) or "nobody", test)


# --- Reading a response ----------------------------------------------------------------

LOGIN_PATHS = ("/dang-nhap/", "/cong-dan/dang-nhap/", "/quan-tri/login/", "/idp/dang-nhap/")
# Django's admin answers an object outside the administrator's queryset by sending them
# back to the admin's index ("…does not exist. Perhaps it was deleted?").
ADMIN_INDEX = "/quan-tri/"
DENY_STATUSES = {401, 403, 404}


class Unexpected(Exception):
    """A response that is neither an answer nor a refusal (5xx, 405, 429)."""


def verdict(response) -> str:
    """ "deny" for 401, 403, 404, a redirect to a sign-in page or (for an admin object page)
    back to the admin's index; "allow" for any other
    answer of the view (2xx, 400, 409, 422, a redirect elsewhere).

    Raises Unexpected for a server error, 405 (the table names a method the route does
    not take) or 429 (a throttle got in the way).
    """
    status = response.status_code
    if status >= 500 or status in (405, 429):
        raise Unexpected(status)
    if status in DENY_STATUSES:
        return "deny"
    if 300 <= status < 400:
        path = urlsplit(response.get("Location", "")).path
        asked = (getattr(response, "request", None) or {}).get("PATH_INFO", "")
        admin_object = asked.startswith(ADMIN_INDEX) and asked.rstrip("/").rsplit("/", 1)[-1] in (
            "change",
            "history",
            "delete",
        )
        if path.startswith(LOGIN_PATHS) or (admin_object and path == ADMIN_INDEX):
            return "deny"
        return "allow"
    return "allow"
