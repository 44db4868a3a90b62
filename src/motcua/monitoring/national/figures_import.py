"""Import the National Public Service Portal's published figures (CSV or XLSX).

The file is the one a supervisor downloads from the portal, with one row per agency,
month and sub-indicator; its columns are defined in docs/INDICATORS.md ("Cross-check
with the national figures"):

``ma_co_quan`` (the agency's code in MotCua), ``thang`` (YYYY-MM), ``ma_chi_so`` (a
sub-indicator code of ``formulas``, e.g. ``td_dung_han``), ``tu_so``, ``mau_so``,
``diem``. Other columns (names, rates) are ignored. Every row is checked; if any is
wrong nothing is saved and every problem is reported with its row number (the header is
row 1, as in a spreadsheet). Importing a month again replaces that agency's figures for
the month.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.agencies.models import Agency
from motcua.audit.services import record

from ..models import NationalFigure
from . import formulas

COLUMNS = ("ma_co_quan", "thang", "ma_chi_so", "tu_so", "mau_so", "diem")
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 10000
MAX_ERRORS = 50  # reported at most; the rest are counted
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


class ImportRefused(ValueError):
    """The file cannot be imported; ``errors`` lists every problem found."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class ParsedRow:
    line: int
    agency: Agency
    month: dt.date
    indicator: str
    numerator: Decimal
    denominator: Decimal
    points: Decimal


def indicator_codes() -> dict[str, float]:
    """Every sub-indicator code of every formula version, with its largest points."""
    codes: dict[str, float] = {}
    for version in formulas.VERSIONS.values():
        for _group, definition in version.indicators:
            codes[definition.code] = max(codes.get(definition.code, 0), definition.points)
    return codes


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(name: str, content: bytes) -> list[list]:
    """The rows of the file (first sheet of a workbook), header included."""
    if content[:4] == b"PK\x03\x04" or name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many kinds on a damaged file
            raise ImportRefused([_("Không đọc được tệp Excel (.xlsx): %s") % error]) from error
        try:
            sheet = workbook.worksheets[0]
            return [list(row) for row in sheet.iter_rows(values_only=True)]
        finally:
            workbook.close()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRefused(
            [
                _("Tệp CSV phải được mã hóa UTF-8 (dòng %(line)d).")
                % {"line": _line_of(content, error)}
            ]
        ) from error
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    return [list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


def _line_of(content: bytes, error: UnicodeDecodeError) -> int:
    return content[: error.start].count(b"\n") + 1


def _month(value) -> dt.date | None:
    if isinstance(value, dt.datetime | dt.date):
        return dt.date(value.year, value.month, 1)
    match = _MONTH.match(_cell(value))
    if not match or not 1 <= int(match.group(2)) <= 12:
        return None
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def _number(value) -> Decimal | None:
    text = _cell(value).replace(" ", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")  # a Vietnamese decimal comma
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def parse(name: str, content: bytes, allowed) -> list[ParsedRow]:
    """Check every row; ``allowed(agency)`` says whether the importer may import it.

    Raises ``ImportRefused`` with every problem (row, column, what is wrong)."""
    if len(content) > MAX_BYTES:
        raise ImportRefused([_("Tệp lớn hơn 2 MB.")])
    table = read_table(name, content)
    while table and not any(_cell(v) for v in table[0]):
        table = table[1:]
    if not table:
        raise ImportRefused([_("Tệp không có dữ liệu.")])
    header = [_cell(v).lower() for v in table[0]]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ImportRefused(
            [
                _("Dòng 1 (tiêu đề): thiếu cột %(columns)s. Các cột cần có: %(all)s.")
                % {"columns": ", ".join(missing), "all": ", ".join(COLUMNS)}
            ]
        )
    if len(table) - 1 > MAX_ROWS:
        raise ImportRefused([_("Tệp có quá %(n)d dòng.") % {"n": MAX_ROWS}])
    index = {c: header.index(c) for c in COLUMNS}
    codes = indicator_codes()
    agencies = {a.code: a for a in Agency.objects.all()}
    errors: list[str] = []
    rows: list[ParsedRow] = []
    seen: dict[tuple, int] = {}

    def problem(line: int, column: str, text: str) -> None:
        errors.append(
            _("Dòng %(line)d, cột %(column)s: %(text)s")
            % {"line": line, "column": column, "text": text}
        )

    for line, raw in enumerate(table[1:], start=2):
        values = {c: (raw[i] if i < len(raw) else None) for c, i in index.items()}
        if not any(_cell(v) for v in raw):
            continue  # a blank line
        before = len(errors)
        code = _cell(values["ma_co_quan"])
        agency = agencies.get(code)
        if not code:
            problem(line, "ma_co_quan", _("thiếu mã cơ quan."))
        elif agency is None:
            problem(line, "ma_co_quan", _("không có cơ quan mã “%(code)s”.") % {"code": code})
        elif not allowed(agency):
            problem(
                line,
                "ma_co_quan",
                _("cơ quan “%(code)s” ngoài phạm vi bạn được nhập số liệu.") % {"code": code},
            )
        month = _month(values["thang"])
        if month is None:
            problem(
                line,
                "thang",
                _("“%(value)s” không phải tháng dạng YYYY-MM (ví dụ 2026-10).")
                % {"value": _cell(values["thang"])},
            )
        indicator = _cell(values["ma_chi_so"]).lower()
        if indicator not in codes:
            problem(
                line,
                "ma_chi_so",
                _("không có chỉ số mã “%(code)s” trong Bộ chỉ số.") % {"code": indicator},
            )
        numbers = {}
        for column in ("tu_so", "mau_so", "diem"):
            number = _number(values[column])
            if number is None:
                problem(
                    line,
                    column,
                    _("“%(value)s” không phải là số.") % {"value": _cell(values[column])},
                )
            elif number < 0:
                problem(line, column, _("không được là số âm."))
            else:
                numbers[column] = number
        if "tu_so" in numbers and "mau_so" in numbers and numbers["tu_so"] > numbers["mau_so"]:
            problem(line, "tu_so", _("tử số lớn hơn mẫu số."))
        if (
            "diem" in numbers
            and indicator in codes
            and numbers["diem"] > Decimal(str(codes[indicator]))
        ):
            problem(
                line,
                "diem",
                _("điểm %(points)s lớn hơn điểm tối đa %(max)s của chỉ số.")
                % {"points": numbers["diem"], "max": codes[indicator]},
            )
        if len(errors) > before:
            continue
        key = (agency.pk, month, indicator)
        if key in seen:
            problem(
                line,
                "ma_chi_so",
                _("trùng với dòng %(other)d (cùng cơ quan, tháng và chỉ số).")
                % {"other": seen[key]},
            )
            continue
        seen[key] = line
        rows.append(
            ParsedRow(
                line,
                agency,
                month,
                indicator,
                numbers["tu_so"],
                numbers["mau_so"],
                numbers["diem"],
            )
        )
    if errors:
        shown = errors[:MAX_ERRORS]
        if len(errors) > MAX_ERRORS:
            shown.append(_("… và %(n)d lỗi khác.") % {"n": len(errors) - MAX_ERRORS})
        raise ImportRefused(shown)
    if not rows:
        raise ImportRefused([_("Tệp không có dòng số liệu nào.")])
    return rows


@transaction.atomic
def import_figures(name: str, content: bytes, *, user, allowed) -> list[NationalFigure]:
    """Import the file (all or nothing); a month imported again replaces the agency's
    figures of that month. Audited (``monitoring.national_figures.import``)."""
    rows = parse(name, content, allowed)
    digest = hashlib.sha256(content).hexdigest()
    now = timezone.now()
    pairs = sorted({(r.agency.pk, r.month) for r in rows})
    replaced = 0
    for agency_id, month in pairs:
        replaced += NationalFigure.objects.filter(agency_id=agency_id, month=month).delete()[0]
    created = NationalFigure.objects.bulk_create(
        NationalFigure(
            agency=r.agency,
            month=r.month,
            indicator=r.indicator,
            numerator=r.numerator,
            denominator=r.denominator,
            points=r.points,
            imported_at=now,
            imported_by=user,
            source_file_sha256=digest,
        )
        for r in rows
    )
    record(
        "monitoring.national_figures.import",
        actor=user,
        object_type="monitoring.nationalfigure",
        object_id=digest,
        agency_id=pairs[0][0],
        data={
            "file": name[:200],
            "sha256": digest,
            "rows": len(created),
            "replaced": replaced,
            "agency_months": [[a, f"{m:%Y-%m}"] for a, m in pairs],
        },
    )
    return created
