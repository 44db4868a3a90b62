"""Exporting the procedure catalogue as CSV or XLSX, in the columns ``importing`` reads.

``export_procedures`` writes a file that imports back with no change.
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.utils.translation import gettext as _

from .import_file import EXPORT_COLUMNS
from .models import AuthorityLevel, ProcessingUnit, ServiceLevel

# Model value -> the Vietnamese code of procedures.csv (``import_checks`` reads both).
LEVEL_CODES = {
    AuthorityLevel.COMMUNE: "xa",
    AuthorityLevel.PROVINCE: "tinh",
    AuthorityLevel.MINISTRY: "bo",
}
SERVICE_LEVEL_CODES = {
    ServiceLevel.FULL: "toan_trinh",
    ServiceLevel.PARTIAL: "mot_phan",
    ServiceLevel.COUNTER: "truc_tiep",
}

UNIT_CODES = {
    ProcessingUnit.WORKING_HOURS: "gio_lam_viec",
    ProcessingUnit.WORKING_DAYS: "ngay_lam_viec",
    ProcessingUnit.CALENDAR_DAYS: "ngay",
    ProcessingUnit.MONTHS: "thang",
}


def export_rows() -> list[dict[str, str | int]]:
    """The current published version of every procedure, as import rows, ordered by code."""
    from .selectors import published_procedures

    rows = []
    for procedure in published_procedures().prefetch_related("current_version__components"):
        version = procedure.current_version
        rows.append(
            {
                "code": procedure.code,
                "name": version.name,
                "sector": version.sector.name,
                "level": LEVEL_CODES.get(version.level, version.level),
                "authority": version.authority,
                "days": version.processing_days,
                "fee_vnd": version.fee_vnd,
                "online": SERVICE_LEVEL_CODES.get(version.service_level, version.service_level),
                "partial_reason": version.not_fully_online_reason,
                "components": "|".join(c.name for c in version.components.all()),
                "reuses": "|".join(version.data_sources),
                "result": version.result_name,
                "online_fee_policy": version.online_fee_policy,
                "online_fee_value": version.online_fee_value,
                "description": version.description,
                "time_unit": UNIT_CODES.get(version.processing_unit, version.processing_unit),
            }
        )
    return rows


def export_procedures(path: str | Path) -> int:
    """Write the catalogue to ``path`` (.csv or .xlsx); returns the number of procedures."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise ValueError(
            _("Chỉ hỗ trợ tệp .csv hoặc .xlsx (nhận được “%(name)s”).") % {"name": path.name}
        )
    rows = export_rows()
    if suffix == ".csv":
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=EXPORT_COLUMNS)
            writer.writeheader()
            writer.writerows(rows)
    else:
        _write_xlsx(path, rows)
    return len(rows)


def _write_xlsx(path: Path, rows: list[dict[str, str | int]]) -> None:
    from motcua.lib import xlsx

    workbook = xlsx.new_workbook()
    sheet = workbook.create_sheet("Thủ tục")
    xlsx.append_row(sheet, EXPORT_COLUMNS)
    for row in rows:
        xlsx.append_row(sheet, [row[name] for name in EXPORT_COLUMNS])  # text stays text
    xlsx.save(workbook, path)
