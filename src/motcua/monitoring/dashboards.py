"""What the dashboards, the public page and the monthly report show, built once.

Views stay thin: they parse the request, check access and call ``overview`` /
``ranking_page``; the PDF report renders the same structures.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.lib.text import fold

from . import charts
from .indicators import PERCENT, SHARES, Figures
from .models import Indicator
from .national import formulas
from .national.formulas import GRADE_SCALE_LABEL, FormulaVersion
from .national.tables import points_table
from .periods import Period
from .selectors import (
    NO_FILTERS,
    Context,
    Filters,
    Node,
    RankRow,
    TargetCheck,
    check_targets,
    figures_for,
    rank,
    trend,
)
from .tables import DECIMAL, GRADE, INT, Column, Table, display
from .tables import PERCENT as PCT

DOSSIER_MEASURES = {
    "received",
    "online",
    "reused",
    "fee_required",
    "paid_online",
    "finished",
    "early",
    "on_time",
    "late",
    "results",
    "results_electronic",
    "fully_online",
    "ratings",
    "satisfied",
}
PROCEDURE_MEASURES = {
    "procedures",
    "procedures_full",
    "procedures_eligible",
    "online_services",
    "online_services_used",
}
COUNT_LABELS = {
    "procedures": gettext_lazy("thủ tục"),
    "procedures_full": gettext_lazy("thủ tục toàn trình"),
    "procedures_eligible": gettext_lazy("thủ tục đủ điều kiện"),
    "online_services": gettext_lazy("dịch vụ công trực tuyến"),
    "online_services_used": gettext_lazy("dịch vụ có hồ sơ trực tuyến"),
    "received": gettext_lazy("hồ sơ tiếp nhận"),
    "online": gettext_lazy("hồ sơ trực tuyến"),
    "reused": gettext_lazy("hồ sơ tái sử dụng dữ liệu"),
    "fee_required": gettext_lazy("hồ sơ phải nộp phí"),
    "paid_online": gettext_lazy("hồ sơ nộp phí trực tuyến"),
    "finished": gettext_lazy("hồ sơ đã giải quyết"),
    "not_online": gettext_lazy("hồ sơ không nộp trực tuyến"),
    "early": gettext_lazy("hồ sơ giải quyết trước hạn"),
    "on_time": gettext_lazy("hồ sơ giải quyết đúng hạn"),
    "late": gettext_lazy("hồ sơ giải quyết quá hạn"),
    "early_or_on_time": gettext_lazy("hồ sơ trước và đúng hạn"),
    "results": gettext_lazy("hồ sơ đã có kết quả"),
    "results_electronic": gettext_lazy("kết quả điện tử"),
    "fully_online": gettext_lazy("hồ sơ toàn trình"),
    "ratings": gettext_lazy("lượt đánh giá"),
    "satisfied": gettext_lazy("đánh giá hài lòng"),
}
# The indicators of the summary table, in reading order, with their display kind.
SUMMARY = [
    (Indicator.FULL_ONLINE_PROCEDURES, PCT),
    (Indicator.ELIGIBLE_FULL_ONLINE, PCT),
    (Indicator.ONLINE_SERVICES_USED, PCT),
    (Indicator.ONLINE_DOSSIERS, PCT),
    (Indicator.FULLY_ONLINE_DOSSIERS, PCT),
    (Indicator.ON_TIME, PCT),
    (Indicator.AVG_DAYS, DECIMAL),
    (Indicator.MEDIAN_DAYS, DECIMAL),
    (Indicator.ONLINE_PAYMENT, PCT),
    (Indicator.E_RESULT, PCT),
    (Indicator.REUSE, PCT),
    (Indicator.AVG_RATING, DECIMAL),
    (Indicator.SATISFIED, PCT),
    (Indicator.SCORE, DECIMAL),
]
CARDS = [
    Indicator.SCORE,
    Indicator.ONLINE_DOSSIERS,
    Indicator.FULLY_ONLINE_DOSSIERS,
    Indicator.ON_TIME,
    Indicator.ELIGIBLE_FULL_ONLINE,
    Indicator.SATISFIED,
]
CHARTS = [
    (Indicator.ONLINE_DOSSIERS, "%"),
    (Indicator.FULLY_ONLINE_DOSSIERS, "%"),
    (Indicator.ON_TIME, "%"),
    (Indicator.SATISFIED, "%"),
    (Indicator.ELIGIBLE_FULL_ONLINE, "%"),
    (Indicator.SCORE, ""),
]


@dataclass
class Links:
    """Where numbers link to; the public page never links to dossiers."""

    period: Period
    filters: Filters
    public: bool = False
    agency_codes: dict[int, str] = field(default_factory=dict)
    formula: str = ""
    keep: dict = field(default_factory=dict)  # the ranking page's own filters (grade, q)

    def _query(self, node: Node, **extra) -> str:
        params = {"period": self.period.key}
        if self.formula:
            params["formula"] = self.formula
        if node is not None:
            params["agency"] = self.agency_codes.get(node, "")
        if self.filters.sector_id:
            params["sector"] = self.filters.sector_id
        if self.filters.level:
            params["level"] = self.filters.level
        params.update({k: v for k, v in extra.items() if v})
        return urlencode(params)

    def agency(self, node: Node) -> str:
        name = "monitoring:public" if self.public else "monitoring:overview"
        return f"{reverse(name)}?{self._query(node)}"

    def ranking(self, node: Node, **extra) -> str:
        return f"{reverse('monitoring:ranking')}?{self._query(node, **self.keep, **extra)}"

    def measure(self, node: Node, measure: str) -> str:
        if measure in PROCEDURE_MEASURES:
            name = "monitoring:public_procedures" if self.public else "monitoring:procedures"
            return f"{reverse(name)}?{self._query(node, measure=measure)}"
        if measure in DOSSIER_MEASURES and not self.public:
            return f"{reverse('monitoring:dossiers')}?{self._query(node, measure=measure)}"
        return ""


def summary_table(
    node: Node, figures: Figures, checks: list[TargetCheck], links: Links, title: str
) -> Table:
    """One row per indicator: value, target, met, and the counts behind it (linked)."""
    targets = {c.indicator: c for c in checks}
    table = Table(
        title,
        [
            Column(_("Chỉ số"), wide=True),
            Column(_("Giá trị"), DECIMAL),
            Column(_("Chỉ tiêu"), DECIMAL),
            Column(_("Đánh giá")),
            Column(_("Tử số"), INT),
            Column(_("Mẫu số"), INT),
        ],
    )
    for indicator, _kind in SUMMARY:
        value = figures.value(indicator)
        check = targets.get(indicator)
        verdict = ""
        if check is not None and check.met is not None:
            verdict = _("Đạt") if check.met else _("Chưa đạt")
        numerator = denominator = None
        urls = {}
        if indicator in SHARES:
            num, den = SHARES[indicator]
            numerator, denominator = getattr(figures, num), getattr(figures, den)
            urls = {4: links.measure(node, num), 5: links.measure(node, den)}
        elif indicator in (Indicator.AVG_DAYS, Indicator.MEDIAN_DAYS):
            denominator = figures.finished
            urls = {5: links.measure(node, "finished")}
        elif indicator == Indicator.AVG_RATING:
            denominator = figures.ratings
            urls = {5: links.measure(node, "ratings")}
        label = str(indicator.label) + (" (%)" if indicator in PERCENT else "")
        if indicator == Indicator.SCORE and figures.grade:
            label += " – " + _("xếp loại %(grade)s") % {"grade": figures.grade}
        table.add(
            label,
            value,
            float(check.target.value) if check else None,
            verdict,
            numerator,
            denominator,
            urls={k: v for k, v in urls.items() if v},
        )
    for measure, label in (
        ("early", _("Số hồ sơ giải quyết trước hạn")),
        ("on_time", _("Số hồ sơ giải quyết đúng hạn")),
        ("late", _("Số hồ sơ giải quyết quá hạn")),
    ):
        urls = {4: links.measure(node, measure), 5: links.measure(node, "finished")}
        table.add(
            label,
            None,
            None,
            "",
            getattr(figures, measure),
            figures.finished,
            urls={k: v for k, v in urls.items() if v},
        )
    return table


# (indicator, the measure its number drills into, a short column title)
RANK_COLUMNS = [
    (Indicator.ONLINE_DOSSIERS, "online", gettext_lazy("Nộp trực tuyến")),
    (Indicator.FULLY_ONLINE_DOSSIERS, "fully_online", gettext_lazy("Xử lý toàn trình")),
    (Indicator.ON_TIME, "late", gettext_lazy("Đúng hạn")),
    (Indicator.AVG_DAYS, "finished", gettext_lazy("Số ngày trung bình")),
    (Indicator.MEDIAN_DAYS, "finished", gettext_lazy("Số ngày trung vị")),
    (Indicator.ONLINE_PAYMENT, "paid_online", gettext_lazy("Thanh toán trực tuyến")),
    (Indicator.E_RESULT, "results_electronic", gettext_lazy("Kết quả điện tử")),
    (Indicator.REUSE, "reused", gettext_lazy("Tái sử dụng dữ liệu")),
    (Indicator.SATISFIED, "satisfied", gettext_lazy("Hài lòng")),
    (Indicator.ELIGIBLE_FULL_ONLINE, "procedures_full", gettext_lazy("Thủ tục toàn trình")),
]


NOT_GRADED = gettext_lazy("chưa đủ dữ liệu")
# Sort keys of the ranking page besides the indicators' and the groups' codes.
SORTS = ("score", "name", "received")


def _group_points(row: RankRow, code: str) -> float | None:
    for group in row.figures.national().groups():
        if group["group"].code == code:
            return group["points"]
    return None


def sort_key_value(row: RankRow, key: str):
    """The value a ranking is sorted by (None: sorted last)."""
    if key == "score":
        return row.figures.score
    if key == "received":
        return row.figures.received
    if key in Indicator.values:
        return row.figures.value(key)
    return _group_points(row, key)


def sort_and_filter(
    rows: list[RankRow],
    *,
    sort: str = "score",
    descending: bool = True,
    grade: str = "",
    query: str = "",
) -> list[RankRow]:
    """The ranking's rows sorted by one column (empty values last) and filtered by grade
    ("none" = not graded) and by a part of the name. The rank stays the score's."""
    if grade == "none":
        rows = [r for r in rows if not r.figures.graded]
    elif grade:
        rows = [r for r in rows if r.figures.grade == grade]
    if query:
        wanted = fold(query)
        rows = [r for r in rows if wanted in fold(r.name)]
    if sort == "name":
        return sorted(rows, key=lambda r: fold(r.name), reverse=descending)
    if sort == "score" and descending:
        return rows  # already in rank order
    present = [r for r in rows if sort_key_value(r, sort) is not None]
    missing = [r for r in rows if sort_key_value(r, sort) is None]
    present.sort(key=lambda r: sort_key_value(r, sort), reverse=descending)
    return present + missing


def ranking_table(
    rows: list[RankRow],
    links: Links,
    title: str,
    *,
    version: FormulaVersion | None = None,
    node: Node = None,
    sort: str = "",
    descending: bool = True,
) -> Table:
    """The ranking: rank, agency, score (or "chưa đủ dữ liệu"), grade, the points of each
    group of the national formula, and the indicators. Column titles link to sorting
    when ``sort`` is given (the ranking page)."""
    if version is None:
        if rows:
            version = rows[0].figures.national().version
        else:  # (federation's links carry no period nor formula)
            period = getattr(links, "period", None)
            version = formulas.get(
                getattr(links, "formula", "") or None, on=period.end if period else None
            )

    def sorting(key: str) -> tuple[str, str]:
        if not sort:
            return "", ""
        if key == sort:  # followed again: the other way
            order = "tang" if descending else "giam"
        else:
            order = ""  # the column's natural order (names A→Z, figures best first)
        url = links.ranking(node, sort=key, order=order)
        state = ("descending" if descending else "ascending") if key == sort else ""
        return url, state

    columns = [
        Column(_("Hạng"), INT),
        Column(_("Cơ quan"), wide=True),
        Column(_("Điểm"), DECIMAL),
        Column(_("Xếp loại"), GRADE),
        Column(_("Hồ sơ tiếp nhận"), INT),
    ]
    keys = ["", "name", "score", "", "received"]
    for group in version.groups:
        columns.append(
            Column(
                f"{group.name} ({group.points:g})",
                DECIMAL,
                short=f"{group.name} ({group.points:g})",
            )
        )
        keys.append(group.code)
    for ind, _measure, short in RANK_COLUMNS:
        columns.append(
            Column(str(ind.label), DECIMAL if ind not in PERCENT else PCT, short=str(short))
        )
        keys.append(ind.value)
    for column, key in zip(columns, keys, strict=True):
        if key:
            column.sort_url, column.sorted = sorting(key)
    table = Table(title, columns)
    for row in rows:
        fig = row.figures
        result = fig.national(version)
        graded = result.graded
        values = [
            row.rank,
            row.name,
            result.score if graded else str(NOT_GRADED),
            result.grade,
            fig.received,
        ]
        urls = {1: links.agency(row.node), 4: links.measure(row.node, "received")}
        values += [g["points"] for g in result.groups()]
        start = len(values)
        for i, (indicator, measure, _short) in enumerate(RANK_COLUMNS, start=start):
            value = fig.value(indicator)
            values.append(value)
            if value is not None:
                urls[i] = links.measure(row.node, measure)
        table.add(*values, urls={k: v for k, v in urls.items() if v})
    return table


@dataclass
class Overview:
    node: Node
    name: str
    period: Period
    figures: Figures
    checks: list[TargetCheck]
    summary: Table
    charts: list
    trend_table: Table
    ranking: list[RankRow]
    ranking_table: Table | None
    national_table: Table | None = None

    @property
    def tables(self) -> list[Table]:
        tables = (self.summary, self.national_table, self.ranking_table, self.trend_table)
        return [t for t in tables if t]

    @property
    def national(self):
        return self.figures.national()

    @property
    def total_points(self) -> float:
        return self.national.version.total_points

    @property
    def grade_scale_label(self) -> str:
        return str(GRADE_SCALE_LABEL)

    @property
    def grade_scale(self) -> str:
        return formulas.grade_scale_text()

    @property
    def cards(self) -> list[dict]:
        """The headline indicators: value, target, whether it is met."""
        checks = {c.indicator: c for c in self.checks}
        result = []
        for indicator in CARDS:
            value = self.figures.value(indicator)
            kind = PCT if indicator in PERCENT else DECIMAL
            check = checks.get(indicator)
            result.append(
                {
                    "label": indicator.label,
                    "value": display(value, kind),
                    "target": display(float(check.target.value), kind) if check else "",
                    "met": check.met if check else None,
                    "grade": self.figures.grade if indicator == Indicator.SCORE else "",
                    "not_graded": indicator == Indicator.SCORE and not self.figures.graded,
                }
            )
        return result


def overview(
    node: Node,
    period: Period,
    *,
    ctx: Context,
    links: Links,
    filters: Filters = NO_FILTERS,
    with_ranking: bool = True,
    months: int = 12,
    formula: str = "",
) -> Overview:
    """The figures of ``node`` against its targets, 12-month trends and its agencies' ranking."""
    name = ctx.tree.name(node)
    children = ctx.tree.children(node) if with_ranking else []
    all_figures = figures_for([node, *children], period, filters=filters, ctx=ctx, formula=formula)
    figures = all_figures[node]
    checks = check_targets(node, figures, period.end.year, ctx.tree)
    summary = summary_table(
        node,
        figures,
        checks,
        links,
        _("Chỉ số – %(name)s – %(period)s")
        % {
            "name": name,
            "period": period.label,
        },
    )
    series = trend(node, period.previous_months(months), filters=filters, ctx=ctx, formula=formula)
    targets = {c.indicator: float(c.target.value) for c in checks}
    chart_list = []
    for i, (indicator, unit) in enumerate(CHARTS):
        points = [(f"{m.start:%m/%y}", fig.value(indicator)) for m, fig in series]
        chart_list.append(
            (
                str(indicator.label),
                charts.line_chart(
                    points,
                    title=str(indicator.label),
                    unit=unit,
                    top=100 if unit == "%" or indicator == Indicator.SCORE else None,
                    target=targets.get(indicator),
                    chart_id=f"trend{i}",
                ),
            )
        )
    trend_table = Table(
        _("Diễn biến theo tháng – %(name)s") % {"name": name},
        [Column(_("Tháng"))]
        + [Column(str(ind.label), PCT if ind in PERCENT else DECIMAL) for ind, _u in CHARTS]
        + [Column(_("Hồ sơ tiếp nhận"), INT)],
    )
    for month, fig in series:
        at_month = replace(links, period=month)
        urls = {0: at_month.agency(node), len(CHARTS) + 1: at_month.measure(node, "received")}
        trend_table.add(
            month.label,
            *[fig.value(ind) for ind, _u in CHARTS],
            fig.received,
            urls={k: v for k, v in urls.items() if v},
        )
    rows: list[RankRow] = []
    table = None
    if children:
        rows = rank(children, all_figures, ctx.tree)
        table = ranking_table(
            rows,
            links,
            _("Xếp hạng các cơ quan trực thuộc – %(period)s") % {"period": period.label},
            version=figures.national().version,
        )
    result = figures.national()
    national = points_table(
        result,
        _("Bộ chỉ số quốc gia – %(name)s – %(period)s – công thức %(version)s")
        % {"name": name, "period": period.label, "version": result.version.code},
    )
    return Overview(
        node,
        name,
        period,
        figures,
        checks,
        summary,
        chart_list,
        trend_table,
        rows,
        table,
        national,
    )
