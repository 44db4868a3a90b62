"""The demo province: reference data, its agencies and units, and who handles a procedure.

The demo province is Tỉnh Bắc Ninh after 1 July 2025 (agency ``BACNINH-2025``):
its departments are named after the ``authority`` values of the province-level
procedures, so ``resolve_agency`` can route every procedure of the catalogue.
Each agency that receives dossiers (a department, a commune or a commune police)
has the units of ``UNITS``, where its officers sit (see ``officers``).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings

from motcua.agencies.loading import load_ministries, load_provinces
from motcua.agencies.models import Agency, Role
from motcua.catalog.models import (
    AuthorityLevel,
    CrossBoundaryIntake,
    Procedure,
    ProcedureVersion,
)

Log = Callable[[str], None]

PROVINCE_CODE = "BACNINH-2025"
PREFIX = "BN"
# seed_demo --once does nothing when this agency exists (it is created, with the
# officers and applicants, in one transaction).
MARKER_CODE = "BN.STP"

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


def _upsert_agency(
    code: str, name: str, kind: str, parent: Agency, identifier: str | None = None
) -> Agency:
    defaults = {"name": name, "kind": kind, "parent": parent}
    if identifier:
        defaults["identifier"] = identifier
    agency, _ = Agency.objects.update_or_create(code=code, defaults=defaults)
    return agency


# Electronic identifiers of the demo agencies, in the structure of Decision 20/2020/QĐ-TTg
# (agencies/identifiers.py) but under the level-1 group letter "Z", which the Decision does
# not assign: they cannot be mistaken for the real identifiers of Bắc Ninh's agencies.
DEMO_IDENTIFIER_ROOT = "Z27"


def demo_identifier(level2: int, level3: int = 0) -> str:
    return f"000.{level3:02d}.{level2:02d}.{DEMO_IDENTIFIER_ROOT}"


def police_code(commune_code: str) -> str:
    return f"{PREFIX}.CA{commune_code.split('.', 1)[1]}"


def police_name(commune_name: str) -> str:
    kind, _, place = commune_name.partition(" ")
    return f"Công an {kind.lower()} {place}"


def build_demo_agencies(province: Agency) -> list[Agency]:
    """Departments, communes, commune police and their units. Returns the receiving agencies."""
    receiving = []
    if not province.identifier:
        province.identifier = f"000.00.00.{DEMO_IDENTIFIER_ROOT}"
        province.save(update_fields=["identifier"])
    for number, (suffix, name) in enumerate(DEPARTMENTS, start=1):
        receiving.append(
            _upsert_agency(
                f"{PREFIX}.{suffix}",
                name,
                Agency.Kind.DEPARTMENT,
                province,
                demo_identifier(number),
            )
        )
    for number, (suffix, name, _weight) in enumerate(COMMUNES, start=50):
        commune = _upsert_agency(
            f"{PREFIX}.{suffix}", name, Agency.Kind.COMMUNE, province, demo_identifier(number)
        )
        police = _upsert_agency(
            police_code(commune.code),
            police_name(name),
            Agency.Kind.DEPARTMENT,
            commune,
            demo_identifier(number, 1),
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


# The demo's "phi địa giới" line (Decree 118/2025/NĐ-CP Art. 14): the commune's desk
# receives the Department of Justice's procedures (a criminal record certificate filed
# at the ward, returned there).
CROSS_BOUNDARY_DESK = DEMO_COMMUNE
CROSS_BOUNDARY_SETTLING = "STP"


def add_demo_cross_boundary(province: Agency) -> CrossBoundaryIntake | None:
    """The demo commune's desk receives the provincial Department of Justice's
    procedures (idempotent); None when either agency is missing."""
    import datetime as dt

    desk = Agency.objects.filter(code=f"{PREFIX}.{CROSS_BOUNDARY_DESK}", parent=province).first()
    settling = Agency.objects.filter(
        code=f"{PREFIX}.{CROSS_BOUNDARY_SETTLING}", parent=province
    ).first()
    if desk is None or settling is None:
        return None
    line, _created = CrossBoundaryIntake.objects.get_or_create(
        desk=desk,
        settling_agency=settling,
        procedure=None,
        defaults={
            "valid_from": dt.date(2025, 7, 1),
            "note": "Danh mục TTHC tiếp nhận không phụ thuộc địa giới hành chính (dữ liệu mẫu)",
        },
    )
    return line
