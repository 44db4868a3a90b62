"""Import and export the procedure catalogue as CSV or XLSX.

The columns are those of ``procedures.csv`` (see the shared data README)::

    code,name,sector,level,authority,days,fee_vnd,online,partial_reason,
    components,reuses,result

plus the optional ``online_fee_policy`` (none|percent|exempt|fixed),
``online_fee_value`` and ``description``. ``components`` and ``reuses`` are
``|``-separated.

An import is all-or-nothing: every row is checked first and every problem is
reported (line number, code, reason) in one ``ImportErrors``; only a clean file
is written, in one transaction, through ``services.save_procedure``. Importing
the same file again changes nothing, and ``export_procedures`` writes a file
that imports back with no change.

What the file does not describe (the e-form, the internal process, the
supplement period, the registry of a component, the agencies) is kept from the
current version when a row creates a new version of an existing procedure.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from . import services
from .formschema import default_schema
from .models import AuthorityLevel, OnlineFeePolicy, Procedure, Registry, ServiceLevel
from .services import ProcedureData, default_steps

COLUMNS = (
    "code",
    "name",
    "sector",
    "level",
    "authority",
    "days",
    "fee_vnd",
    "online",
    "partial_reason",
    "components",
    "reuses",
    "result",
)
OPTIONAL_COLUMNS = ("online_fee_policy", "online_fee_value", "description")
EXPORT_COLUMNS = COLUMNS + OPTIONAL_COLUMNS

# File value -> model value. The Vietnamese codes of procedures.csv come first
# and are the ones written on export; the model values are accepted as well.
LEVELS = {
    "xa": AuthorityLevel.COMMUNE,
    "tinh": AuthorityLevel.PROVINCE,
    "bo": AuthorityLevel.MINISTRY,
    **{value: AuthorityLevel(value) for value in AuthorityLevel.values},
}
LEVEL_CODES = {
    AuthorityLevel.COMMUNE: "xa",
    AuthorityLevel.PROVINCE: "tinh",
    AuthorityLevel.MINISTRY: "bo",
}
SERVICE_LEVELS = {
    "toan_trinh": ServiceLevel.FULL,
    "mot_phan": ServiceLevel.PARTIAL,
    "truc_tiep": ServiceLevel.COUNTER,
    **{value: ServiceLevel(value) for value in ServiceLevel.values},
}
SERVICE_LEVEL_CODES = {
    ServiceLevel.FULL: "toan_trinh",
    ServiceLevel.PARTIAL: "mot_phan",
    ServiceLevel.COUNTER: "truc_tiep",
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


@dataclass(frozen=True)
class RowError:
    """One problem in an import file. ``line`` is None for a problem with the whole file."""

    line: int | None
    code: str
    reason: str

    def __str__(self) -> str:
        if self.line is None:
            return self.reason
        where = _("Dòng %(line)d") % {"line": self.line}
        if self.code:
            where += f" ({self.code})"
        return f"{where}: {self.reason}"


class ImportErrors(Exception):
    """The file cannot be imported; ``errors`` lists every problem found."""

    def __init__(self, errors: Iterable[RowError]):
        self.errors = list(errors)
        super().__init__("\n".join(str(error) for error in self.errors))


@dataclass
class Row:
    """The values of one data row (column -> text, stripped) and its line in the file."""

    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "")


@dataclass
class ImportReport:
    """The codes of the procedures an import created, gave a new version, or left unchanged."""

    created: list[str] = field(default_factory=list)
    new_versions: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.created) + len(self.new_versions) + len(self.unchanged)

    def summary(self) -> str:
        return _(
            "%(total)d thủ tục: %(created)d mới, %(new)d phiên bản mới, %(unchanged)d không đổi"
        ) % {
            "total": self.total,
            "created": len(self.created),
            "new": len(self.new_versions),
            "unchanged": len(self.unchanged),
        }


# Reading ------------------------------------------------------------------------------


def read_rows(path: str | Path) -> list[Row]:
    """The data rows of a CSV (UTF-8, with or without BOM) or XLSX file (first sheet).

    The first row is the header. ``Row.line`` is the line where the record starts
    (a quoted CSV field may span several lines) or the sheet row number.
    Blank rows are skipped. Raises ImportErrors for a file that cannot be read
    or whose header or row shape is wrong.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        records = _csv_records(path)
    elif suffix == ".xlsx":
        records = _xlsx_records(path)
    else:
        raise ImportErrors(
            [
                RowError(
                    None,
                    "",
                    _("Chỉ hỗ trợ tệp .csv hoặc .xlsx (nhận được “%(name)s”).")
                    % {"name": path.name},
                )
            ]
        )
    return _rows_from_records(records)


def _file_error(reason: str) -> ImportErrors:
    return ImportErrors([RowError(None, "", reason)])


def _csv_records(path: Path) -> list[tuple[int, list[str]]]:
    records = []
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            start = 1
            for record in reader:
                records.append((start, record))
                start = reader.line_num + 1
    except FileNotFoundError:
        raise _file_error(_("Không tìm thấy tệp “%(path)s”.") % {"path": path}) from None
    except UnicodeDecodeError:
        raise _file_error(_("Tệp CSV phải được mã hoá UTF-8.")) from None
    except csv.Error as exc:
        raise _file_error(_("Tệp CSV không hợp lệ: %(error)s") % {"error": exc}) from None
    except OSError as exc:
        raise _file_error(_("Không đọc được tệp: %(error)s") % {"error": exc}) from None
    return records


def _xlsx_records(path: Path) -> list[tuple[int, list[str]]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except FileNotFoundError:
        raise _file_error(_("Không tìm thấy tệp “%(path)s”.") % {"path": path}) from None
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError):
        raise _file_error(_("Tệp XLSX không hợp lệ.")) from None
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some writers record a wrong sheet size
        return [
            (number, [_cell_text(value) for value in values])
            for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), 1)
        ]
    finally:
        workbook.close()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _rows_from_records(records: list[tuple[int, list[str]]]) -> list[Row]:
    if not records or not any(cell.strip() for cell in records[0][1]):
        raise ImportErrors([RowError(1, "", _("Thiếu dòng tiêu đề (tên các cột)."))])
    header_line, header = records[0]
    names = [cell.strip().lower() for cell in header]
    errors = []
    known = set(EXPORT_COLUMNS)
    seen = set()
    for name in names:
        if not name:
            continue
        if name not in known:
            errors.append(
                _("Cột “%(name)s” không được hỗ trợ (các cột: %(columns)s).")
                % {"name": name, "columns": ", ".join(EXPORT_COLUMNS)}
            )
        elif name in seen:
            errors.append(_("Cột “%(name)s” bị lặp.") % {"name": name})
        seen.add(name)
    missing = [name for name in COLUMNS if name not in seen]
    if missing:
        errors.append(_("Thiếu cột: %(columns)s.") % {"columns": ", ".join(missing)})
    if errors:
        raise ImportErrors(RowError(header_line, "", reason) for reason in errors)

    rows, row_errors = [], []
    for line, record in records[1:]:
        cells = [cell.strip() for cell in record]
        if not any(cells):
            continue
        values = {}
        for index, value in enumerate(cells):
            name = names[index] if index < len(names) else ""
            if name:
                values[name] = value
            elif value:
                row_errors.append(
                    RowError(
                        line,
                        values.get("code", ""),
                        _("Có giá trị ở cột %(n)d nhưng cột này không có tiêu đề.")
                        % {"n": index + 1},
                    )
                )
        rows.append(Row(line=line, values=values))
    if row_errors:
        raise ImportErrors(row_errors)
    return rows


# Checking -----------------------------------------------------------------------------


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


# Importing ----------------------------------------------------------------------------


def import_procedures(path: str | Path, by=None) -> ImportReport:
    """Import a CSV or XLSX catalogue file, all or nothing.

    Raises ImportErrors, having written nothing, when any row is invalid.
    """
    procedures = parse_rows(read_rows(path))
    report = ImportReport()
    with transaction.atomic():
        existing = {
            procedure.code: procedure
            for procedure in Procedure.objects.filter(
                code__in=[data.code for data in procedures]
            ).select_related("current_version")
        }
        for data in procedures:
            procedure = existing.get(data.code)
            current = procedure.current_version if procedure else None
            if current is not None:
                _keep_what_the_file_does_not_describe(data, current)
            version, created = services.save_procedure(data, by=by)
            if not created:
                report.unchanged.append(data.code)
                continue
            if procedure is None:
                report.created.append(data.code)
            else:
                report.new_versions.append(data.code)
    return report


def _keep_what_the_file_does_not_describe(data: ProcedureData, current) -> None:
    """Carry over from ``current`` what an administrator may have set and the file cannot say.

    The e-form and the internal process are kept only when they were customised;
    when they are still the defaults they follow the file (data sources, days).
    """
    data.supplement_days = current.supplement_days
    if _same_lines(current.description, data.description):
        data.description = current.description  # XLSX turns CRLF (from a browser) into LF
    data.close_when_supplement_expires = current.close_when_supplement_expires
    if current.form_schema != default_schema(current.data_sources):
        data.form_schema = current.form_schema
    steps = [(s.name, s.role, Decimal(s.days)) for s in current.steps.order_by("position")]
    defaults = [(n, str(r), Decimal(d)) for n, r, d in default_steps(current.processing_days)]
    if steps != defaults:
        data.steps = steps
    registries = {c.name: c.registry for c in current.components.all()}
    data.components = [
        (name, registry or registries.get(name, "")) for name, registry in data.components
    ]


def _same_lines(a: str, b: str) -> bool:
    return a.replace("\r\n", "\n") == b.replace("\r\n", "\n")


# Exporting ----------------------------------------------------------------------------


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
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Thủ tục"
    sheet.append(EXPORT_COLUMNS)
    for number, row in enumerate(rows, start=2):
        for column, name in enumerate(EXPORT_COLUMNS, start=1):
            cell = sheet.cell(row=number, column=column, value=row[name])
            if isinstance(row[name], str):
                cell.data_type = "s"  # never a formula, even when the text starts with "="
    workbook.save(path)
