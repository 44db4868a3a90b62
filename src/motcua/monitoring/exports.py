"""Excel (XLSX) export of the tables a page shows, through the one writer (``lib.xlsx``)."""

from __future__ import annotations

import re

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from motcua.lib import xlsx
from motcua.lib.xlsx import XLSX_TYPE

from .tables import DECIMAL, INT, PERCENT, Table

__all__ = ["XLSX_TYPE", "workbook"]

FORMATS = {INT: "#,##0", PERCENT: "0.0", DECIMAL: "0.0"}


def _sheet_title(title: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:28] or "Bang"
    name, n = base, 2
    while name in used:
        name, n = f"{base[:26]} {n}", n + 1
    used.add(name)
    return name


def workbook(tables: list[Table], *, heading: str = "") -> bytes:
    """One sheet per table: a heading line, the column titles, then the values as numbers
    (and text as text: a cell that starts with "=" is never a formula)."""
    book = xlsx.new_workbook()
    used: set[str] = set()
    for table in tables:
        sheet = book.create_sheet(_sheet_title(table.title, used))
        xlsx.append_row(sheet, [f"{heading} – {table.title}" if heading else table.title])
        sheet["A1"].font = Font(bold=True, size=13)
        labels = [c.label + (" (%)" if c.kind == PERCENT else "") for c in table.columns]
        header = xlsx.append_row(sheet, labels)
        header_row = sheet.max_row
        for cell in header:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in table.rows:
            values = []
            for cell, column in zip(row, table.columns, strict=True):
                value = cell.value
                if isinstance(value, str):
                    pass  # a note in a number column stays text
                elif value is not None and column.kind in FORMATS:
                    value = round(float(value), 4) if column.kind != INT else int(value)
                elif value is not None:
                    value = str(value)
                values.append(value)
            cells = xlsx.append_row(sheet, values)
            for cell, column in zip(cells, table.columns, strict=True):
                if column.kind in FORMATS:
                    cell.number_format = FORMATS[column.kind]
        for index, column in enumerate(table.columns, start=1):
            width = 40 if column.kind == "text" else 14
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    return xlsx.to_bytes(book)
