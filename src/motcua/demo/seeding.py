"""Demo data: the demo province, its officers, citizens, businesses and synthetic dossiers.

Everything is deterministic for a given ``seed`` and moment – the 24 months
end now – except ``public_id`` and ``lookup_secret``, which are random like the
model defaults so that a second run can never collide.

The demo province is Tỉnh Bắc Ninh after 1 July 2025 (agency ``BACNINH-2025``):
its departments are named after the ``authority`` values of the province-level
procedures, so ``resolve_agency`` can route every procedure of the catalogue.

Officers sit in units (``Bộ phận một cửa``, ``Phòng chuyên môn``, ``Lãnh đạo``)
of the agency that receives dossiers (a department, a commune or a commune
police); the agency administrator sits on that agency itself and the supervisor
on the province. Every officer's password is ``DEMO_PASSWORD``.

The synthetic dossiers themselves are generated in ``dossier_generation``.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction

from motcua.accounts.models import Applicant, User
from motcua.agencies.loading import load_ministries, load_provinces
from motcua.agencies.models import Agency, Membership, Role
from motcua.agencies.services import agency_admin_group
from motcua.catalog.models import AuthorityLevel, Procedure, ProcedureVersion

if TYPE_CHECKING:
    from motcua.demo.dossier_generation import SeedStats

Log = Callable[[str], None]

DEMO_PASSWORD = "MotCua@2026"
PROVINCE_CODE = "BACNINH-2025"
PREFIX = "BN"
# seed_demo --once does nothing when this agency exists (it is created, with the
# officers and applicants, in one transaction).
MARKER_CODE = "BN.STP"
SUPERVISOR_USERNAME = "giamsat"
SUPERUSER_USERNAME = "admin"
OFFICER_EMAIL_DOMAIN = "motcua.example"

# (code suffix, name): the names are the ``authority`` values of procedures.csv.
DEPARTMENTS = [
    ("STP", "Sở Tư pháp"),
    ("STC", "Sở Tài chính"),
    ("SXD", "Sở Xây dựng"),
    ("SYT", "Sở Y tế"),
    ("SNNMT", "Sở Nông nghiệp và Môi trường"),
    ("SVHTTDL", "Sở Văn hóa Thể thao và Du lịch"),
    ("SCT", "Sở Công Thương"),
    ("SNV", "Sở Nội vụ"),
    ("SGDDT", "Sở Giáo dục và Đào tạo"),
    ("CA", "Công an tỉnh"),
    ("THUE", "Cơ quan thuế"),
    ("BHXH", "Bảo hiểm xã hội khu vực"),
    ("VPDKDD", "Văn phòng đăng ký đất đai"),
    ("TTDVVL", "Trung tâm Dịch vụ việc làm"),
]
# Procedure ``authority`` -> department name, where they differ.
AUTHORITY_ALIASES = {"Công an cấp tỉnh": "Công an tỉnh"}
COMMUNE_POLICE_AUTHORITY = "Công an cấp xã"

# (code suffix, name, relative number of residents) – wards and communes of the new province.
COMMUNES = [
    ("KINHBAC", "Phường Kinh Bắc", 16),
    ("VOCUONG", "Phường Võ Cường", 12),
    ("VUNINH", "Phường Vũ Ninh", 10),
    ("TUSON", "Phường Từ Sơn", 14),
    ("BACGIANG", "Phường Bắc Giang", 15),
    ("TIENDU", "Xã Tiên Du", 9),
    ("YENPHONG", "Xã Yên Phong", 10),
    ("GIABINH", "Xã Gia Bình", 7),
]
DEMO_COMMUNE = "KINHBAC"

# (code suffix, name, role of the officer who sits there)
UNITS = [
    ("MC", "Bộ phận một cửa", Role.DESK_OFFICER),
    ("CM", "Phòng chuyên môn", Role.SPECIALIST),
    ("LD", "Lãnh đạo", Role.LEADER),
]
USERNAME_PREFIX = {
    Role.DESK_OFFICER: "motcua",
    Role.SPECIALIST: "chuyenvien",
    Role.LEADER: "lanhdao",
    Role.AGENCY_ADMIN: "quantri",
}
# Accounts printed in full at the end (the others follow the same pattern).
SHOWCASE = ("STP", DEMO_COMMUNE)

# The most used procedures first; the rest follow in a seeded random order.
POPULAR = [
    "MC.CT.02",
    "MC.TP.02",
    "MC.HT.01",
    "MC.CT.01",
    "MC.CC.01",
    "MC.TP.03",
    "MC.HT.04",
    "MC.HT.05",
    "MC.DD.01",
    "MC.GT.01",
    "MC.XC.01",
    "MC.TP.01",
    "MC.BH.01",
    "MC.CT.03",
    "MC.HT.02",
    "MC.DD.03",
    "MC.TH.01",
    "MC.HK.01",
    "MC.DN.02",
    "MC.GD.01",
]
ZIPF_EXPONENT = 0.9


# --- Reference data and the demo province ----------------------------------------------


def demo_exists() -> bool:
    return Agency.objects.filter(code=MARKER_CODE).exists()


def load_reference_data(log: Log) -> None:
    """Ministries, the 63 → 34 provinces and the catalogue (all idempotent)."""
    from motcua.catalog.importing import import_procedures

    ministries = load_ministries()
    old, new = load_provinces(settings.MOTCUA_SHARED_DATA_DIR / "provinces.csv")
    log(f"Cơ quan: {ministries} bộ, ngành; {old} tỉnh trước 1/7/2025 → {new} tỉnh sau.")
    report = import_procedures(settings.MOTCUA_SHARED_DATA_DIR / "procedures.csv")
    log(f"Danh mục thủ tục: {report.summary()}.")


def demo_province() -> Agency:
    return Agency.objects.get(code=PROVINCE_CODE)


def _upsert_agency(code: str, name: str, kind: str, parent: Agency) -> Agency:
    agency, _ = Agency.objects.update_or_create(
        code=code, defaults={"name": name, "kind": kind, "parent": parent}
    )
    return agency


def police_code(commune_code: str) -> str:
    return f"{PREFIX}.CA{commune_code.split('.', 1)[1]}"


def police_name(commune_name: str) -> str:
    kind, _, place = commune_name.partition(" ")
    return f"Công an {kind.lower()} {place}"


def build_demo_agencies(province: Agency) -> list[Agency]:
    """Departments, communes, commune police and their units. Returns the receiving agencies."""
    receiving = []
    for suffix, name in DEPARTMENTS:
        receiving.append(
            _upsert_agency(f"{PREFIX}.{suffix}", name, Agency.Kind.DEPARTMENT, province)
        )
    for suffix, name, _weight in COMMUNES:
        commune = _upsert_agency(f"{PREFIX}.{suffix}", name, Agency.Kind.COMMUNE, province)
        police = _upsert_agency(
            police_code(commune.code), police_name(name), Agency.Kind.DEPARTMENT, commune
        )
        receiving += [commune, police]
    for agency in receiving:
        for unit_suffix, unit_name, _role in UNITS:
            _upsert_agency(f"{agency.code}.{unit_suffix}", unit_name, Agency.Kind.UNIT, agency)
    return receiving


def demo_communes(province: Agency) -> list[Agency]:
    codes = [f"{PREFIX}.{suffix}" for suffix, _name, _weight in COMMUNES]
    by_code = {a.code: a for a in Agency.objects.filter(code__in=codes, parent=province)}
    return [by_code[code] for code in codes if code in by_code]


def resolve_agency(
    version: ProcedureVersion, province: Agency, *, commune: Agency | None = None
) -> Agency:
    """The agency of the demo province (or the ministry) that handles ``version``.

    Commune-level procedures go to ``commune`` (default: Phường Kinh Bắc), or to its
    police for "Công an cấp xã"; province-level ones to the department named like
    the procedure's authority; ministry-level ones to the ministry of that name
    (its current successor if it was merged). Raises Agency.DoesNotExist.
    """
    if version.level == AuthorityLevel.COMMUNE:
        if commune is None:
            commune = Agency.objects.get(code=f"{PREFIX}.{DEMO_COMMUNE}")
        if version.authority == COMMUNE_POLICE_AUTHORITY:
            return Agency.objects.get(code=police_code(commune.code))
        return commune
    if version.level == AuthorityLevel.PROVINCE:
        name = AUTHORITY_ALIASES.get(version.authority, version.authority)
        return Agency.objects.get(parent=province, kind=Agency.Kind.DEPARTMENT, name=name)
    candidates = Agency.objects.filter(kind=Agency.Kind.MINISTRY, name=version.authority)
    ministry = candidates.filter(valid_until__isnull=True).first() or candidates.first()
    if ministry is None:
        raise Agency.DoesNotExist(f"No ministry named {version.authority!r}")
    return ministry.current_successor


def current_versions() -> list[ProcedureVersion]:
    return [
        p.current_version
        for p in Procedure.objects.filter(current_version__isnull=False)
        .select_related("current_version")
        .order_by("code")
    ]


def link_procedure_agencies(province: Agency, communes: list[Agency]) -> None:
    """Record on each current version the demo agencies that handle it."""
    for version in current_versions():
        if version.level == AuthorityLevel.COMMUNE:
            agencies = [resolve_agency(version, province, commune=c) for c in communes]
        else:
            agencies = [resolve_agency(version, province)]
        version.agencies.add(*agencies)


# --- People --------------------------------------------------------------------------


@dataclass
class Account:
    username: str
    role: str
    agency: str
    full_name: str


def _slug(agency: Agency) -> str:
    return agency.code.split(".", 1)[1].lower()


class _People:
    """Seeded Vietnamese names, phone numbers and addresses (Faker vi_VN underneath)."""

    MIDDLE_MALE = ["Văn", "Đức", "Minh", "Quang", "Hữu", "Thành", "Xuân", "Công", "Ngọc", "Tuấn"]
    MIDDLE_FEMALE = ["Thị", "Thu", "Ngọc", "Thanh", "Minh", "Phương", "Hồng", "Thúy", "Mai"]
    EXTRA_SURNAMES = ["Ngô", "Đỗ", "Hồ", "Phan", "Đinh", "Trịnh", "Lương", "Nguyễn", "Nguyễn"]
    PHONE_PREFIXES = [
        "032",
        "033",
        "034",
        "035",
        "036",
        "037",
        "038",
        "039",
        "056",
        "058",
        "070",
        "076",
        "077",
        "078",
        "079",
        "081",
        "082",
        "083",
        "084",
        "085",
        "086",
        "088",
        "089",
        "090",
        "091",
        "093",
        "094",
        "096",
        "097",
        "098",
    ]
    VILLAGES = [
        "Thôn Đông",
        "Thôn Đoài",
        "Thôn Trung",
        "Thôn Nam",
        "Thôn Bắc",
        "Thôn Thượng",
        "Thôn Hạ",
        "Xóm Mới",
        "Thôn Phúc Lộc",
        "Thôn An Bình",
    ]

    def __init__(self, seed: int):
        from faker import Faker

        self.rng = random.Random(seed)
        self.fake = Faker("vi_VN")
        self.fake.seed_instance(seed)

    def name(self, male: bool) -> str:
        fake, rng = self.fake, self.rng
        surname = fake.last_name() if rng.random() < 0.8 else rng.choice(self.EXTRA_SURNAMES)
        if male:
            return f"{surname} {rng.choice(self.MIDDLE_MALE)} {fake.first_name_male()}"
        return f"{surname} {rng.choice(self.MIDDLE_FEMALE)} {fake.first_name_female()}"

    def phone(self) -> str:
        return self.rng.choice(self.PHONE_PREFIXES) + f"{self.rng.randrange(10**7):07d}"

    def address(self, commune_name: str) -> str:
        rng = self.rng
        if commune_name.startswith("Phường"):
            place = f"Số {rng.randint(1, 300)} đường {self.fake.street_name()}"
        else:
            place = rng.choice(self.VILLAGES)
        return f"{place}, {commune_name}, tỉnh Bắc Ninh"


def create_officers(receiving: list[Agency], province: Agency, people: _People) -> list[Account]:
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


def personal_id(province_code: str, male: bool, birth_year: int, serial: int) -> str:
    """A 12-digit personal ID: province (3), gender/century (1), birth year (2), serial (6)."""
    century = 0 if birth_year < 2000 else 2
    return f"{province_code}{century + (0 if male else 1)}{birth_year % 100:02d}{serial:06d}"


TAX_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)


def tax_code(first_nine: str) -> str | None:
    """``first_nine`` plus its check digit, or None when no check digit exists."""
    check = 10 - sum(int(d) * w for d, w in zip(first_nine, TAX_WEIGHTS, strict=True)) % 11
    return None if check == 10 else first_nine + str(check)


BUSINESS_KINDS = ["Công ty TNHH", "Công ty TNHH", "Công ty cổ phần", "Doanh nghiệp tư nhân"]
BUSINESS_TRADES = [
    "Thương mại",
    "Xây dựng",
    "Dịch vụ",
    "Sản xuất",
    "Công nghệ",
    "Vận tải",
    "Nông sản",
    "Thực phẩm",
    "Điện tử",
    "Du lịch",
    "Đầu tư",
    "Dược phẩm",
]
BUSINESS_BRANDS = [
    "Minh Phát",
    "Hưng Thịnh",
    "An Phú",
    "Thành Đạt",
    "Kinh Bắc",
    "Việt Tiến",
    "Phú Lâm",
    "Đông Á",
    "Hoàng Long",
    "Quan Họ",
    "Tiên Sơn",
    "Bảo An",
    "Vạn Xuân",
    "Tân Hồng",
    "Phúc Hưng",
    "Đại Việt",
]


def create_applicants(citizens: int, businesses: int, people: _People, log: Log) -> None:
    """Citizens (each with a User for the portal) and businesses with a representative.

    Idempotent for a given seed: people that already exist are not created twice.
    """
    rng = people.rng
    unusable = make_password(None)
    commune_names = [name for _s, name, _w in COMMUNES]
    commune_weights = [w for _s, _n, w in COMMUNES]
    rows, seen = [], set()
    while len(rows) < citizens:
        male = rng.random() < 0.5
        year = rng.randint(1950, 2007)
        pid = personal_id("027", male, year, rng.randrange(10**6))
        if pid in seen:
            continue
        seen.add(pid)
        birth = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
        commune = rng.choices(commune_names, commune_weights)[0]
        rows.append((pid, people.name(male), birth, people.address(commune), people.phone()))

    existing_users = dict(User.objects.filter(username__in=seen).values_list("username", "id"))
    new_users = [
        User(username=pid, full_name=name, personal_id=pid, phone=phone, password=unusable)
        for pid, name, _b, _a, phone in rows
        if pid not in existing_users
    ]
    for user in User.objects.bulk_create(new_users, batch_size=1000):
        existing_users[user.username] = user.pk
    existing = set(
        Applicant.objects.filter(kind=Applicant.Kind.PERSON, personal_id__in=seen).values_list(
            "personal_id", flat=True
        )
    )
    Applicant.objects.bulk_create(
        [
            Applicant(
                kind=Applicant.Kind.PERSON,
                name=name,
                personal_id=pid,
                birth_date=birth,
                address=address,
                phone=phone,
                user_id=existing_users[pid],
            )
            for pid, name, birth, address, phone in rows
            if pid not in existing
        ],
        batch_size=1000,
    )
    persons = list(
        Applicant.objects.filter(kind=Applicant.Kind.PERSON, personal_id__in=seen).order_by("pk")
    )

    codes, made = set(), []
    existing_codes = set(
        Applicant.objects.filter(kind=Applicant.Kind.BUSINESS).values_list("tax_code", flat=True)
    )
    representatives = rng.sample(persons, min(businesses, len(persons)))
    for representative in representatives:
        code = None
        while code is None or code in codes:
            code = tax_code(f"23{rng.randrange(10**7):07d}")
        codes.add(code)
        commune = rng.choices(commune_names, commune_weights)[0]
        name = (
            f"{rng.choice(BUSINESS_KINDS)} {rng.choice(BUSINESS_TRADES)} "
            f"{rng.choice(BUSINESS_BRANDS)}"
        )
        if code in existing_codes:
            continue
        made.append(
            Applicant(
                kind=Applicant.Kind.BUSINESS,
                name=name,
                tax_code=code,
                address=people.address(commune),
                phone=people.phone(),
                email=f"lienhe.{code}@{OFFICER_EMAIL_DOMAIN}",
                representative=representative,
                user_id=representative.user_id,
            )
        )
    Applicant.objects.bulk_create(made, batch_size=1000)
    from motcua.demo.registry_data import fill_registry_simulator

    fill_registry_simulator(rows, made, rng)
    log(
        f"Người nộp hồ sơ: {len(new_users)} công dân mới (tổng {len(persons)}), "
        f"{len(made)} doanh nghiệp mới."
    )


# --- Everything ----------------------------------------------------------------------


@dataclass
class SeedResult:
    accounts: list[Account]
    setup_seconds: float  # reference data, demo province, officers, applicants
    stats: SeedStats | None  # the dossiers (None when none were asked for)


def seed_demo(
    *,
    dossiers: int,
    citizens: int,
    businesses: int,
    seed: int,
    log: Log,
    batch_size: int = 20_000,
    walkthrough: int = 0,
    signed_results: int = 0,
) -> SeedResult:
    """Load reference data, build the demo province and its people, then the dossiers."""
    started = time.monotonic()
    load_reference_data(log)
    people = _People(seed)
    with transaction.atomic():
        province = demo_province()
        receiving = build_demo_agencies(province)
        link_procedure_agencies(province, demo_communes(province))
        from motcua.demo.fee_rules import add_demo_fee_rules

        add_demo_fee_rules(province)
        accounts = create_officers(receiving, province, people)
        create_applicants(citizens, businesses, people, log)
        # Demo citizens sign in at the bundled identity provider with the demo password.
        from motcua.idp.services import give_citizens_password

        give_citizens_password(DEMO_PASSWORD)
    log(
        f"Tỉnh mẫu {province.name}: {len(receiving)} cơ quan tiếp nhận hồ sơ, "
        f"{len(accounts)} tài khoản cán bộ."
    )
    result = SeedResult(accounts, time.monotonic() - started, None)
    if dossiers:
        log(f"Tạo {dossiers:,} hồ sơ mẫu (24 tháng gần nhất, seed {seed})…")
        from motcua.demo.dossier_generation import seed_dossiers

        result.stats = seed_dossiers(dossiers, seed=seed, log=log, batch_size=batch_size)
        log(_stats_summary(result.stats))
        # The bulk loader sends no dossier events: build the monitoring figures at once.
        from motcua.monitoring.rebuild import rebuild

        log(f"Số liệu giám sát: {rebuild().summary()}.")
    if walkthrough:
        create_walkthrough_dossiers(walkthrough, log)
        from motcua.dossiers.deadlines import check_deadlines

        report = check_deadlines()
        log(
            f"Hạn xử lý: {len(report.apologies_drafted)} phiếu xin lỗi dự thảo chờ lãnh đạo "
            f"duyệt, {len(report.supplements_flagged)} hồ sơ quá hạn bổ sung."
        )
    if signed_results:
        from motcua.demo.signed_results import create_signed_results

        create_signed_results(signed_results, log)
    return result


def create_walkthrough_dossiers(per_agency: int, log: Log) -> int:
    """Online dossiers submitted just now at the showcase agencies (Sở Tư pháp, the demo
    commune), through the real services, so a desk officer has something to receive."""
    from motcua.dossiers import services as dossier_services

    created = 0
    citizens = list(
        Applicant.objects.filter(kind=Applicant.Kind.PERSON, user__isnull=False)
        .select_related("user")
        .order_by("pk")[: per_agency * len(SHOWCASE)]
    )
    for index, slug in enumerate(SHOWCASE):
        agency = Agency.objects.get(code=f"BN.{slug.upper()}")
        versions = [
            v
            for v in ProcedureVersion.objects.filter(
                agencies=agency, status=ProcedureVersion.Status.PUBLISHED
            ).order_by("procedure__code")
            if v.is_offered_online
        ]
        for n in range(per_agency if versions else 0):
            applicant = citizens[(index * per_agency + n) % len(citizens)]
            with transaction.atomic():
                draft = dossier_services.create_draft(
                    applicant=applicant, version=versions[n % len(versions)], agency=agency
                )
                dossier_services.transition(draft, "submit", by=applicant.user)
            created += 1
    log(f"{created} hồ sơ trực tuyến vừa nộp, chờ tiếp nhận tại {', '.join(SHOWCASE)}.")
    return created


def _stats_summary(stats: SeedStats) -> str:
    def shares(counter: Counter) -> str:
        total = sum(counter.values()) or 1
        return ", ".join(f"{k} {100 * v / total:.1f}%" for k, v in counter.most_common())

    return (
        f"Xong: {stats.dossiers:,} hồ sơ, {stats.history:,} dòng lịch sử trong "
        f"{stats.seconds:.1f}s ({stats.rate:,.0f} hồ sơ/s).\n"
        f"  Kênh nộp: {shares(stats.channels)}\n"
        f"  Trạng thái: {shares(stats.statuses)}\n"
        f"  Đúng hạn: {shares(stats.timeliness)}"
    )


def format_accounts(accounts: list[Account]) -> str:
    showcase = {
        f"{prefix}.{slug.lower()}" for prefix in USERNAME_PREFIX.values() for slug in SHOWCASE
    }
    shown = [
        a
        for a in accounts
        if a.username in showcase or a.username in (SUPERVISOR_USERNAME, SUPERUSER_USERNAME)
    ]
    width = max(len(a.username) for a in shown)
    lines = [f"Tài khoản mẫu (mật khẩu chung: {DEMO_PASSWORD}):"]
    for a in shown:
        lines.append(f"  {a.username:<{width}}  {a.role:<13} {a.agency}")
    others = sorted(
        {
            a.username.split(".", 1)[1]
            for a in accounts
            if "." in a.username and a.username not in showcase
        }
    )
    if others:
        lines.append(
            "  Cùng mẫu motcua.X / chuyenvien.X / lanhdao.X / quantri.X cho X = "
            + ", ".join(others)
        )
    return "\n".join(lines)
