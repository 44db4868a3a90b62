"""Checking the rows of a catalogue file and turning them into ``ProcedureData``.

Every problem of every row is reported at once, in one ``ImportErrors``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from django.utils.translation import gettext as _

from .import_file import ImportErrors, Row, RowError
from .models import AuthorityLevel, OnlineFeePolicy, ProcessingUnit, Registry, ServiceLevel
from .services import ProcedureData

# File value -> model value. The Vietnamese codes of procedures.csv come first
# (``exporting`` writes them); the model values are accepted as well.
LEVELS = {
    "xa": AuthorityLevel.COMMUNE,
    "tinh": AuthorityLevel.PROVINCE,
    "bo": AuthorityLevel.MINISTRY,
    **{value: AuthorityLevel(value) for value in AuthorityLevel.values},
}
SERVICE_LEVELS = {
    "toan_trinh": ServiceLevel.FULL,
    "mot_phan": ServiceLevel.PARTIAL,
    "truc_tiep": ServiceLevel.COUNTER,
    **{value: ServiceLevel(value) for value in ServiceLevel.values},
}
# How the file states what ``days`` counts (absent or empty column: working days).
TIME_UNITS = {
    "gio_lam_viec": ProcessingUnit.WORKING_HOURS,
    "ngay_lam_viec": ProcessingUnit.WORKING_DAYS,
    "ngay": ProcessingUnit.CALENDAR_DAYS,
    "thang": ProcessingUnit.MONTHS,
    **{value: ProcessingUnit(value) for value in ProcessingUnit.values},
}

MAX_DAYS = 365
MAX_AMOUNT = 2_147_483_647  # PositiveIntegerField
LENGTHS = {  # column -> max length of the model field it fills
    "code": 40,
    "name": 500,
    "sector": 255,
    "authority": 255,
    "partial_reason": 500,
    "result": 500,
}
COMPONENT_MAX_LENGTH = 500
INTEGER_RE = re.compile(r"^\d+$")


def parse_row(row: Row) -> ProcedureData:
    """Check one row and turn it into ProcedureData; raises ImportErrors with every problem."""
    code = row.get("code")
    errors: list[RowError] = []

    def fail(reason: str) -> None:
        errors.append(RowError(row.line, code, reason))

    if not code:
        fail(_("Thiếu mã thủ tục."))
    elif len(code) > LENGTHS["code"]:
        fail(_("Mã thủ tục dài quá %(n)d ký tự.") % {"n": LENGTHS["code"]})

    name = _required_text(row, "name", _("tên thủ tục"), fail)
    sector = _required_text(row, "sector", _("lĩnh vực"), fail)
    authority = _required_text(row, "authority", _("cơ quan thực hiện"), fail)
    result = _required_text(row, "result", _("kết quả thực hiện"), fail)

    level = LEVELS.get(row.get("level").lower())
    if level is None:
        fail(
            _("Cấp thực hiện “%(value)s” không hợp lệ (dùng xa, tinh hoặc bo).")
            % {"value": row.get("level")}
        )

    days = _integer(row.get("days"))
    if days is None or not 1 <= days <= MAX_DAYS:
        fail(
            _("Thời hạn giải quyết “%(value)s” phải là số nguyên dương, không quá %(max)d ngày.")
            % {"value": row.get("days"), "max": MAX_DAYS}
        )

    unit = TIME_UNITS.get(row.get("time_unit").lower() or "ngay_lam_viec")
    if unit is None:
        fail(
            _(
                "Đơn vị thời hạn “%(value)s” không hợp lệ (dùng gio_lam_viec, ngay_lam_viec, "
                "ngay hoặc thang)."
            )
            % {"value": row.get("time_unit")}
        )

    fee = _integer(row.get("fee_vnd"))
    if fee is None or fee > MAX_AMOUNT:
        fail(
            _("Phí, lệ phí “%(value)s” phải là số nguyên không âm (đồng), không dấu phân cách.")
            % {"value": row.get("fee_vnd")}
        )

    service_level = SERVICE_LEVELS.get(row.get("online").lower())
    reason = row.get("partial_reason")
    if service_level is None:
        fail(
            _(
                "Mức độ cung cấp “%(value)s” không hợp lệ (dùng toan_trinh, mot_phan hoặc "
                "truc_tiep)."
            )
            % {"value": row.get("online")}
        )
    elif service_level != ServiceLevel.FULL and not reason:
        fail(_("Thủ tục chưa cung cấp trực tuyến toàn trình phải ghi lý do (cột partial_reason)."))
    elif service_level == ServiceLevel.FULL and reason:
        fail(_("Thủ tục trực tuyến toàn trình không được ghi lý do chưa toàn trình."))
    if len(reason) > LENGTHS["partial_reason"]:
        fail(_("Lý do chưa toàn trình dài quá %(n)d ký tự.") % {"n": LENGTHS["partial_reason"]})

    components = [part.strip() for part in row.get("components").split("|") if part.strip()]
    if not components:
        fail(_("Thiếu thành phần hồ sơ."))
    for position, component in enumerate(components, start=1):
        if len(component) > COMPONENT_MAX_LENGTH:
            fail(
                _("Thành phần hồ sơ thứ %(n)d dài quá %(max)d ký tự.")
                % {"n": position, "max": COMPONENT_MAX_LENGTH}
            )

    data_sources: list[str] = []
    for part in row.get("reuses").split("|"):
        registry = part.strip().lower()
        if not registry or registry in data_sources:
            continue
        if registry not in Registry.values:
            fail(
                _("CSDL “%(value)s” không có trong danh mục (dùng: %(known)s).")
                % {"value": part.strip(), "known": ", ".join(Registry.values)}
            )
        else:
            data_sources.append(registry)

    policy, policy_value = _online_fee(row, fail)

    if errors:
        raise ImportErrors(errors)
    return ProcedureData(
        code=code,
        name=name,
        sector=sector,
        level=str(level),
        authority=authority,
        processing_days=days,
        processing_unit=str(unit),
        fee_vnd=fee,
        service_level=str(service_level),
        not_fully_online_reason=reason,
        result_name=result,
        description=row.get("description"),
        online_fee_policy=policy,
        online_fee_value=policy_value,
        data_sources=data_sources,
        components=[(component, "") for component in components],
    )


def _required_text(row: Row, column: str, label: str, fail: Callable[[str], None]) -> str:
    value = row.get(column)
    if not value:
        fail(_("Thiếu %(label)s.") % {"label": label})
    elif column in LENGTHS and len(value) > LENGTHS[column]:
        fail(
            _("%(label)s dài quá %(n)d ký tự.")
            % {"label": label[:1].upper() + label[1:], "n": LENGTHS[column]}
        )
    return value


def _integer(text: str) -> int | None:
    return int(text) if INTEGER_RE.match(text) else None


def _online_fee(row: Row, fail: Callable[[str], None]) -> tuple[str, int]:
    raw_policy, raw_value = row.get("online_fee_policy"), row.get("online_fee_value")
    policy = raw_policy.lower() or OnlineFeePolicy.NONE
    if policy not in OnlineFeePolicy.values:
        fail(
            _(
                "Chính sách phí khi nộp trực tuyến “%(value)s” không hợp lệ (dùng none, percent, "
                "exempt hoặc fixed)."
            )
            % {"value": raw_policy}
        )
        return OnlineFeePolicy.NONE, 0
    value = _integer(raw_value) if raw_value else 0
    if value is None or value > MAX_AMOUNT:
        fail(
            _("Giá trị phí khi nộp trực tuyến “%(value)s” phải là số nguyên không âm.")
            % {"value": raw_value}
        )
        return str(policy), 0
    if policy == OnlineFeePolicy.PERCENT_DISCOUNT and value > 100:
        fail(_("Tỷ lệ giảm phí khi nộp trực tuyến không được vượt quá 100%."))
    elif policy in (OnlineFeePolicy.NONE, OnlineFeePolicy.EXEMPT) and value:
        fail(
            _(
                "Giá trị phí khi nộp trực tuyến chỉ dùng với chính sách percent hoặc fixed "
                "(chính sách hiện tại: %(policy)s)."
            )
            % {"policy": policy}
        )
    return str(policy), value


def parse_rows(rows: Iterable[Row]) -> list[ProcedureData]:
    """Check every row, and that no code appears twice; raises ImportErrors with every problem."""
    parsed, errors = [], []
    first_line: dict[str, int] = {}
    for row in rows:
        code = row.get("code")
        if code and code in first_line:
            errors.append(
                RowError(
                    row.line,
                    code,
                    _("Mã thủ tục trùng với dòng %(line)d.") % {"line": first_line[code]},
                )
            )
        elif code:
            first_line[code] = row.line
        try:
            parsed.append(parse_row(row))
        except ImportErrors as exc:
            errors.extend(exc.errors)
    if errors:
        raise ImportErrors(sorted(errors, key=lambda error: error.line or 0))
    return parsed
