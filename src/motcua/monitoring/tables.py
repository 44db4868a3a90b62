"""Tables as data: the same object renders as an HTML table and exports to Excel.

Every table a monitoring page shows is a ``Table``; adding ``?xuat=xlsx`` to the
page's address downloads the same tables as a workbook (``exports.workbook``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from motcua.lib.formatting import format_number

TEXT, INT, PERCENT, DECIMAL, GRADE = "text", "int", "percent", "decimal", "grade"


@dataclass
class Column:
    label: str
    kind: str = TEXT
    wide: bool = False  # a name: keep it readable on a narrow screen
    short: str = ""  # a shorter title for narrow screens (the export keeps ``label``)
    sort_url: str = ""  # the ranking sorts by this column when its title is followed
    sorted: str = ""  # "descending" / "ascending" when the rows are sorted by it


@dataclass
class Cell:
    value: object
    url: str = ""


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[list[Cell]] = field(default_factory=list)
    # row index -> {"formula", "source", "version", "note"}: the help shown next to a row.
    help: dict[int, dict] = field(default_factory=dict)

    def add(self, *values, urls: dict[int, str] | None = None) -> None:
        urls = urls or {}
        self.rows.append([Cell(v, urls.get(i, "")) for i, v in enumerate(values)])

    def html_rows(self):
        """Rows of (text, url, css class) for templates."""
        for row in self.rows:
            yield [
                (display(cell.value, col.kind), cell.url, _css(col))
                for cell, col in zip(row, self.columns, strict=True)
            ]

    def rows_with_help(self):
        """(cells as ``html_rows``, help or None) for templates that show the formulas."""
        for i, cells in enumerate(self.html_rows()):
            yield cells, self.help.get(i)


def _css(column: Column) -> str:
    if column.kind == GRADE:
        return "gradecell"
    if column.kind != TEXT:
        return "num"
    return "wide" if column.wide else ""


def display(value, kind: str) -> str:
    """Vietnamese number formatting: 1.234 dossiers, 85,3 %."""
    if value is None or value == "":
        return "" if kind == GRADE else "–"
    if isinstance(value, str):  # a note in a number column ("chưa đủ dữ liệu")
        return value
    if kind == INT:
        return format_number(value)
    if kind == PERCENT:
        return f"{float(value):.1f}".replace(".", ",") + " %"
    if kind == DECIMAL:
        return f"{float(value):.1f}".replace(".", ",")
    return str(value)
