"""The national indicators as page tables: one agency's points by group and sub-indicator,
and the sorting and filtering of a ranking (shared by the pages, the exports and the
monthly report)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ..tables import DECIMAL, INT, Column, Table
from ..tables import PERCENT as PCT
from .compute import SCORED, NationalResult


def points_table(result: NationalResult, title: str) -> Table:
    """One row per group (its points) and per sub-indicator (rate, threshold, points)."""
    version = result.version
    table = Table(
        title,
        [
            Column(_("Mã")),
            Column(_("Nhóm / chỉ số"), wide=True),
            Column(_("Tử số"), INT),
            Column(_("Mẫu số"), INT),
            Column(_("Tỷ lệ (%)"), PCT),
            Column(_("Ngưỡng đủ điểm (%)"), PCT),
            Column(_("Điểm tối đa"), DECIMAL),
            Column(_("Điểm đạt"), DECIMAL),
            Column(_("Ghi chú")),
        ],
    )
    table.help = {}
    for group in result.groups():
        g = group["group"]
        table.add(
            g.code,
            str(g.name),
            None,
            None,
            None,
            None,
            g.points,
            group["points"],
            _("đo được %(points)s điểm") % {"points": f"{group['measured']:g}"},
        )
        for row in group["rows"]:
            d = row.definition
            table.add(
                d.code,
                "– " + str(d.name),
                row.numerator,
                row.denominator,
                row.rate,
                d.threshold,
                d.points,
                row.points,
                row.status_label,
            )
            table.help[len(table.rows) - 1] = {
                "formula": str(d.formula),
                "source": str(version.source),
                "version": version.code,
                "note": str(d.note),
            }
    table.add(
        "",
        _("Tổng (%(version)s)") % {"version": version.code},
        None,
        None,
        None,
        None,
        version.total_points,
        result.points_earned,
        _("đo được %(points)s/%(total)s điểm")
        % {"points": f"{result.points_measured:g}", "total": f"{version.total_points:g}"},
    )
    return table


def is_scored(result: NationalResult, code: str) -> bool:
    row = result.by_code(code)
    return row is not None and row.status == SCORED
