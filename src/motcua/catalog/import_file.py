"""Reading a catalogue file (CSV or XLSX) into rows: its columns, its errors, its rows.

The columns are those of ``procedures.csv`` (see ``importing``). A file that cannot
be read, or whose header or row shape is wrong, raises ``ImportErrors`` listing
every problem (line number, code, reason).
"""

from __future__ import annotations

import csv
import datetime as dt
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

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
OPTIONAL_COLUMNS = ("online_fee_policy", "online_fee_value", "description", "time_unit")
EXPORT_COLUMNS = COLUMNS + OPTIONAL_COLUMNS


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
