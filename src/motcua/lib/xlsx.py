"""The one Excel (XLSX) writer: every workbook the platform produces goes through here.

Text is always stored as text. A value that starts with ``=`` (``=HYPERLINK(...)``,
``=cmd|' /C calc'!A0``) is a formula to openpyxl and would arrive live in the reader's
spreadsheet; here every ``str`` is written as a string cell (``data_type = "s"``), so
the file holds no formula at all (no ``<f>`` element). Characters XML cannot carry
(control characters) are dropped instead of failing the whole export.

Reading workbooks (``catalog.import_file``) uses openpyxl directly; writing one anywhere
else is refused by ``lib/tests/test_xlsx.py``.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet.worksheet import Worksheet

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

_PLAIN = (bool, int, float, Decimal, dt.date, dt.datetime, dt.time)


def new_workbook() -> Workbook:
    """An empty workbook (no sheet yet: add them with ``book.create_sheet(title)``)."""
    book = Workbook()
    book.remove(book.active)
    return book


def as_text(value: str) -> str:
    """``value`` without the characters an XLSX file cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def _value(value):
    if value is None or isinstance(value, _PLAIN):
        return value
    return as_text(str(value))


def _as_text(cell: Cell) -> Cell:
    if isinstance(cell.value, str):
        cell.data_type = "s"  # openpyxl takes a leading "=" for a formula: it is text
    return cell


def write_cell(sheet: Worksheet, row: int, column: int, value) -> Cell:
    """Put ``value`` in the cell at ``row``, ``column`` (1-based): numbers and dates as
    such, None as an empty cell, anything else as text that is never a formula."""
    return _as_text(sheet.cell(row=row, column=column, value=_value(value)))


def append_row(sheet: Worksheet, values: Iterable) -> list[Cell]:
    """Write ``values`` (as ``write_cell`` does) as a new row under the sheet's last one;
    its cells."""
    values = [_value(v) for v in values]
    sheet.append(values)
    row = sheet.max_row
    return [_as_text(sheet.cell(row=row, column=c)) for c in range(1, len(values) + 1)]


def to_bytes(book: Workbook) -> bytes:
    """The workbook as the bytes of an .xlsx file."""
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def save(book: Workbook, path: str | Path) -> None:
    """Write the workbook to ``path``."""
    Path(path).write_bytes(to_bytes(book))
