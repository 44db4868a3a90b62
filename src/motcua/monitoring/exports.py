"""Excel (XLSX) export of the tables a page shows, with openpyxl."""

from __future__ import annotations

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .tables import DECIMAL, INT, PERCENT, Table

FORMATS = {INT: "#,##0", PERCENT: "0.0", DECIMAL: "0.0"}
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sheet_title(title: str, used: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\]", " ", title).strip()[:28] or "Bang"
    name, n = base, 2
    while name in used:
        name, n = f"{base[:26]} {n}", n + 1
    used.add(name)
    return name


def workbook(tables: list[Table], *, heading: str = "") -> bytes:
    """One sheet per table: a heading line, the column titles, then the values as numbers."""
    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for table in tables:
        sheet = book.create_sheet(_sheet_title(table.title, used))
        sheet.append([f"{heading} – {table.title}" if heading else table.title])
        sheet["A1"].font = Font(bold=True, size=13)
        labels = [c.label + (" (%)" if c.kind == PERCENT else "") for c in table.columns]
        sheet.append(labels)
        header_row = sheet.max_row
        for cell in sheet[header_row]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in table.rows:
            values = []
            for cell, column in zip(row, table.columns, strict=True):
                value = cell.value
                if value is not None and column.kind in FORMATS:
                    value = round(float(value), 4) if column.kind != INT else int(value)
                elif value is not None:
                    value = str(value)
                values.append(value)
            sheet.append(values)
            for cell, column in zip(sheet[sheet.max_row], table.columns, strict=True):
                if column.kind in FORMATS:
                    cell.number_format = FORMATS[column.kind]
        for index, column in enumerate(table.columns, start=1):
            width = 40 if column.kind == "text" else 14
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
