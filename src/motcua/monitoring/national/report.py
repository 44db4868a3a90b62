"""The monthly report on online public services in the national format, and the
machine-readable export of every national indicator.

Seed 001 (Công văn 2664/BTTTT-THH, 2021) asks every ministry and province for a monthly
report on the provision of online public services (tình hình cung cấp DVCTT) to the
Ministry's reporting system, with the appendix of agencies that have not issued their
plan. The report here follows that shape:

I.   Tình hình cung cấp dịch vụ công trực tuyến (procedures offered, eligible, fully
     online, partly online, online services used);
II.  Tình hình tiếp nhận, giải quyết hồ sơ (received, online, settled early / on time /
     late, in process, paid online);
III. Kết quả Bộ chỉ số (the national points by group and sub-indicator, formula version);
IV.  Kết quả của các cơ quan trực thuộc (each agency directly below);
Phụ lục. Danh mục các cơ quan chưa ban hành kế hoạch.

The same tables make the Excel workbook (``motcua.lib.xlsx`` through
``monitoring.exports``) and the PDF (``motcua.lib.pdf``).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.lib.pdf import render_pdf

from .. import exports
from ..indicators import Figures
from ..models import Indicator
from ..periods import Period
from ..plans import agencies_without_plan
from ..selectors import Context, RankRow, figures_for, rank
from ..tables import DECIMAL, GRADE, INT, Column, Table
from ..tables import PERCENT as PCT
from . import formulas
from .tables import points_table

REPORT_TEMPLATE = "monitoring/national_report_pdf.html"


@dataclass
class MonthlyReport:
    node: int | None
    name: str
    period: Period
    figures: Figures
    rows: list[RankRow]
    provision: Table
    dossiers: Table
    points: Table
    agencies: Table
    missing_plans: list
    plans_table: Table

    @property
    def version(self) -> formulas.FormulaVersion:
        return self.figures.national().version

    @property
    def tables(self) -> list[Table]:
        return [self.provision, self.dossiers, self.points, self.agencies, self.plans_table]


def _provision_table(fig: Figures) -> Table:
    table = Table(
        _("I. Tình hình cung cấp dịch vụ công trực tuyến"),
        [Column(_("TT"), INT), Column(_("Nội dung"), wide=True), Column(_("Số liệu"), DECIMAL)],
    )
    rows = [
        (_("Tổng số thủ tục hành chính đang cung cấp"), fig.procedures),
        (_("Số thủ tục đủ điều kiện cung cấp trực tuyến toàn trình"), fig.procedures_eligible),
        (_("Số dịch vụ công trực tuyến toàn trình"), fig.procedures_full),
        (
            _("Số dịch vụ công trực tuyến một phần"),
            fig.online_services - fig.procedures_full,
        ),
        (
            _("Tỷ lệ thủ tục đủ điều kiện được cung cấp trực tuyến toàn trình (%)"),
            fig.value(Indicator.ELIGIBLE_FULL_ONLINE),
        ),
        (_("Số dịch vụ công trực tuyến phát sinh hồ sơ trực tuyến"), fig.online_services_used),
        (
            _("Tỷ lệ dịch vụ công trực tuyến phát sinh hồ sơ trực tuyến (%)"),
            fig.value(Indicator.ONLINE_SERVICES_USED),
        ),
    ]
    for i, (label, value) in enumerate(rows, start=1):
        table.add(i, label, value)
    return table


def _dossiers_table(fig: Figures) -> Table:
    facts = fig.national_input()
    table = Table(
        _("II. Tình hình tiếp nhận, giải quyết hồ sơ"),
        [Column(_("TT"), INT), Column(_("Nội dung"), wide=True), Column(_("Số liệu"), DECIMAL)],
    )
    rows = [
        (_("Số hồ sơ tiếp nhận trong kỳ"), fig.received),
        (_("Trong đó: nộp trực tuyến"), fig.online),
        (_("Tỷ lệ hồ sơ nộp trực tuyến (%)"), fig.value(Indicator.ONLINE_DOSSIERS)),
        (_("Số hồ sơ xử lý trực tuyến toàn trình"), fig.fully_online),
        (_("Số hồ sơ đã giải quyết"), fig.finished),
        (_("– trước hạn"), fig.early),
        (_("– đúng hạn"), fig.on_time),
        (_("– quá hạn"), fig.late),
        (_("Số hồ sơ đang giải quyết cuối kỳ"), facts.in_process),
        (_("– trong đó đã quá hạn"), facts.in_process_late),
        (_("Số hồ sơ phải nộp phí"), fig.fee_required),
        (_("Số hồ sơ thanh toán trực tuyến"), fig.paid_online),
        (_("Số kết quả điện tử"), fig.results_electronic),
    ]
    for i, (label, value) in enumerate(rows, start=1):
        table.add(i, label, value)
    return table


def _agencies_table(rows: list[RankRow], version: formulas.FormulaVersion) -> Table:
    table = Table(
        _("IV. Kết quả của các cơ quan trực thuộc"),
        [
            Column(_("Hạng"), INT),
            Column(_("Cơ quan"), wide=True),
            Column(_("Hồ sơ tiếp nhận"), INT),
            Column(_("Tỷ lệ nộp trực tuyến (%)"), PCT),
            Column(_("Tỷ lệ đúng hạn (%)"), PCT),
        ]
        + [Column(f"{g.name} ({g.points:g})", DECIMAL) for g in version.groups]
        + [Column(_("Điểm"), DECIMAL), Column(_("Xếp loại"), GRADE)],
    )
    for row in rows:
        result = row.figures.national(version)
        table.add(
            row.rank,
            row.name,
            row.figures.received,
            row.figures.value(Indicator.ONLINE_DOSSIERS),
            row.figures.value(Indicator.ON_TIME),
            *[g["points"] for g in result.groups()],
            result.score if result.graded else _("chưa đủ dữ liệu"),
            result.grade,
        )
    return table


def _plans_table(missing: list) -> Table:
    table = Table(
        _("Phụ lục. Danh mục các cơ quan chưa ban hành kế hoạch"),
        [Column(_("Nhóm")), Column(_("TT"), INT), Column(_("Tên cơ quan"), wide=True)],
    )
    for group in missing:
        for i, (_pk, name) in enumerate(group.agencies, start=1):
            table.add(str(group.label), i, name)
    return table


def monthly_report(
    node: int | None, period: Period, ctx: Context | None = None, *, formula: str = ""
) -> MonthlyReport:
    ctx = ctx or Context()
    children = ctx.tree.children(node)
    figures = figures_for([node, *children], period, ctx=ctx, formula=formula)
    fig = figures[node]
    version = fig.national().version
    name = ctx.tree.name(node)
    rows = rank(children, figures, ctx.tree)
    missing = agencies_without_plan(period.end.year, node, ctx)
    return MonthlyReport(
        node=node,
        name=name,
        period=period,
        figures=fig,
        rows=rows,
        provision=_provision_table(fig),
        dossiers=_dossiers_table(fig),
        points=points_table(
            fig.national(),
            _("III. Kết quả Bộ chỉ số phục vụ người dân, doanh nghiệp – công thức %(v)s")
            % {"v": version.code},
        ),
        agencies=_agencies_table(rows, version),
        missing_plans=missing,
        plans_table=_plans_table(missing),
    )


def heading(report: MonthlyReport) -> str:
    return _("Báo cáo tình hình cung cấp dịch vụ công trực tuyến – %(name)s – %(period)s") % {
        "name": report.name,
        "period": report.period.label,
    }


def report_xlsx(report: MonthlyReport) -> bytes:
    return exports.workbook(report.tables, heading=heading(report))


def report_pdf(report: MonthlyReport) -> bytes:
    from ..reports import REPORT_DIR

    html = render_to_string(
        REPORT_TEMPLATE,
        {
            "report": report,
            "heading": heading(report),
            "generated_at": timezone.localtime(),
            "grade_scale_label": formulas.GRADE_SCALE_LABEL,
            "grade_scale": formulas.grade_scale_text(),
        },
    )
    return render_pdf(html, folder=REPORT_DIR, allow_data=True, strict=False)


# --- Machine-readable export ------------------------------------------------------------

EXPORT_FIELDS = (
    "period",
    "agency_code",
    "agency_name",
    "formula_version",
    "graded",
    "score",
    "grade",
    "group",
    "indicator",
    "name",
    "numerator",
    "denominator",
    "rate",
    "threshold",
    "points_max",
    "points",
    "status",
)


def indicator_rows(
    period: Period, *, ctx: Context | None = None, node: int | None = None, formula: str = ""
) -> list[dict]:
    """One row per agency (the node and every current agency below it) × sub-indicator."""
    ctx = ctx or Context()
    members = ctx.tree.members(node)
    nodes = [
        pk
        for pk in ctx.tree.rows
        if pk != node
        and ctx.tree.is_current(pk)
        and ctx.tree.rows[pk].kind != "unit"
        and (members is None or pk in members)
    ]
    nodes.sort(key=lambda pk: (len(ctx.tree.chain(pk)), ctx.tree.rows[pk].name))
    figures = figures_for([node, *nodes], period, ctx=ctx, formula=formula)
    out = []
    for pk in [node, *nodes]:
        result = figures[pk].national()
        agency = ctx.tree.rows[pk] if pk is not None else None
        for row in result.indicators:
            d = row.as_dict()
            out.append(
                {
                    "period": period.key,
                    "agency_code": agency.code if agency else "",
                    "agency_name": agency.name if agency else ctx.tree.name(None),
                    "formula_version": result.version.code,
                    "graded": result.graded,
                    "score": None if result.score is None else round(result.score, 4),
                    "grade": result.grade,
                    "group": d["group"],
                    "indicator": d["code"],
                    "name": d["name"],
                    "numerator": d["numerator"],
                    "denominator": d["denominator"],
                    "rate": d["rate"],
                    "threshold": d["threshold"],
                    "points_max": d["points_max"],
                    "points": d["points"],
                    "status": d["status"],
                }
            )
    return out


def rows_csv(rows: list[dict]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if row[k] is None else row[k] for k in EXPORT_FIELDS})
    return buffer.getvalue()
