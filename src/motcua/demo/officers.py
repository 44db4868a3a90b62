"""Demo officers: one for every role of every receiving agency, the supervisor and the
superuser, and the list of accounts printed at the end of ``seed_demo``.

Officers sit in units (``Bộ phận một cửa``, ``Phòng chuyên môn``, ``Lãnh đạo``)
of the agency that receives dossiers; the agency administrator sits on that agency
itself and the supervisor on the province. Every officer's password is
``DEMO_PASSWORD``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from motcua.accounts.models import User
from motcua.agencies.models import Agency, Membership, Role
from motcua.agencies.services import agency_admin_group
from motcua.demo.people import OFFICER_EMAIL_DOMAIN, People
from motcua.demo.province import DEMO_COMMUNE, UNITS

DEMO_PASSWORD = "MotCua@2026"
SUPERVISOR_USERNAME = "giamsat"
SUPERUSER_USERNAME = "admin"
# A post-office public-service agent authorised by the demo commune (assisted filing,
# /ho-tro-nop-ho-so/); no officer of it.
AGENT_USERNAME = "hotro.buudien"
USERNAME_PREFIX = {
    Role.DESK_OFFICER: "motcua",
    Role.SPECIALIST: "chuyenvien",
    Role.LEADER: "lanhdao",
    Role.AGENCY_ADMIN: "quantri",
}
# Accounts printed in full at the end (the others follow the same pattern).
SHOWCASE = ("STP", DEMO_COMMUNE)


@dataclass
class Account:
    username: str
    role: str
    agency: str
    full_name: str


def _slug(agency: Agency) -> str:
    return agency.code.split(".", 1)[1].lower()


def create_officers(receiving: list[Agency], province: Agency, people: People) -> list[Account]:
    """Officers for every role of every receiving agency, the supervisor and the superuser."""
    password = make_password(DEMO_PASSWORD)  # hashed once: PBKDF2 is slow on purpose
    accounts = []
    units = {a.code: a for a in Agency.objects.filter(parent__in=receiving, kind=Agency.Kind.UNIT)}
    admin_group = agency_admin_group()

    def officer(
        username: str, role: str, agency: Agency, *, staff: bool = False, where: str = ""
    ) -> User:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "full_name": people.name(male=people.rng.random() < 0.5),
                "email": f"{username}@{OFFICER_EMAIL_DOMAIN}",
                "phone": people.phone(),
                "password": password,
                "is_staff": staff,
            },
        )
        Membership.objects.get_or_create(user=user, agency=agency, role=role)
        if role == Role.AGENCY_ADMIN:
            user.groups.add(admin_group)
        accounts.append(Account(username, role, where or agency.name, user.full_name))
        return user

    for agency in receiving:
        slug = _slug(agency)
        for unit_suffix, _unit_name, role in UNITS:
            unit = units[f"{agency.code}.{unit_suffix}"]
            officer(f"{USERNAME_PREFIX[role]}.{slug}", role, unit, where=f"{unit} – {agency}")
        officer(
            f"{USERNAME_PREFIX[Role.AGENCY_ADMIN]}.{slug}", Role.AGENCY_ADMIN, agency, staff=True
        )
    officer(SUPERVISOR_USERNAME, Role.SUPERVISOR, province)
    commune = next((a for a in receiving if _slug(a) == DEMO_COMMUNE.lower()), None)
    if commune is not None:
        officer(
            AGENT_USERNAME,
            Role.AGENT,
            commune,
            where=f"{commune} – nộp hộ hồ sơ tại /ho-tro-nop-ho-so/",
        )
    admin, created = User.objects.get_or_create(
        username=SUPERUSER_USERNAME,
        defaults={
            "full_name": "Quản trị hệ thống",
            "email": f"admin@{OFFICER_EMAIL_DOMAIN}",
            "password": password,
            "is_staff": True,
            "is_superuser": True,
        },
    )
    accounts.append(Account(SUPERUSER_USERNAME, "superuser", "", admin.full_name))
    return accounts


def format_accounts(accounts: list[Account]) -> str:
    showcase = {
        f"{prefix}.{slug.lower()}" for prefix in USERNAME_PREFIX.values() for slug in SHOWCASE
    }
    shown = [
        a
        for a in accounts
        if a.username in showcase
        or a.username in (SUPERVISOR_USERNAME, SUPERUSER_USERNAME, AGENT_USERNAME)
    ]
    width = max(len(a.username) for a in shown)
    lines = [f"Tài khoản mẫu (mật khẩu chung: {DEMO_PASSWORD}):"]
    for a in shown:
        lines.append(f"  {a.username:<{width}}  {a.role:<13} {a.agency}")
    others = sorted(
        {
            a.username.split(".", 1)[1]
            for a in accounts
            if "." in a.username and a.username not in showcase and a.username != AGENT_USERNAME
        }
    )
    if others:
        lines.append(
            "  Cùng mẫu motcua.X / chuyenvien.X / lanhdao.X / quantri.X cho X = "
            + ", ".join(others)
        )
    return "\n".join(lines)
