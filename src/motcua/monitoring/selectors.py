"""Reads: figures per agency and period from the rollups, rankings, trends, drill-down.

Nothing here scans the dossiers: the counters come from ``DailyRollup`` (a few
hundred rows per day whatever the number of dossiers), the medians from
``ProcessingDaysCount``, the catalogue figures from the procedure versions, and a
drill-down reads ``DossierFact`` through its (agency, day) indexes.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Q, QuerySet, Sum

from motcua.dossiers.models import Dossier

from .indicators import LOWER_IS_BETTER, Figures
from .models import (
    COUNTERS,
    DailyRollup,
    DossierFact,
    Indicator,
    MonthlyProcessingDaysCount,
    MonthlyRollup,
    Outcome,
    ProcessingDaysCount,
    Target,
)
from .national.collect import national_facts
from .periods import Period
from .provision import CatalogHistory, ProcedureState, matches
from .tree import AgencyTree

Node = int | None


@dataclass(frozen=True)
class Filters:
    """Which procedures count: a sector and/or an authority level (at the period's end)."""

    sector_id: int | None = None
    level: str | None = None

    @property
    def active(self) -> bool:
        return self.sector_id is not None or bool(self.level)


NO_FILTERS = Filters()


@dataclass
class Context:
    """What one request loads once: the agency tree and the catalogue's history."""

    tree: AgencyTree = field(default_factory=AgencyTree.load)
    catalog: CatalogHistory = field(default_factory=CatalogHistory)


def _agency_filter(nodes: list[Node], tree: AgencyTree) -> set[int] | None:
    if any(node is None for node in nodes):
        return None
    ids: set[int] = set()
    for node in nodes:
        ids |= tree.members(node) or set()
    return ids


def _owners(agency_id: int, wanted: set[Node], tree: AgencyTree) -> list[Node]:
    owners: list[Node] = [node for node in tree.chain(agency_id) if node in wanted]
    if None in wanted:
        owners.append(None)
    return owners


def _allowed(states: dict[int, ProcedureState], filters: Filters) -> set[int] | None:
    """The procedures a filter keeps (None: no filter, keep every row)."""
    if not filters.active:
        return None
    return {
        p for p, s in states.items() if matches(s, sector_id=filters.sector_id, level=filters.level)
    }


def _spans(
    start: dt.date, end: dt.date
) -> tuple[tuple[dt.date, dt.date] | None, list[tuple[dt.date, dt.date]]]:
    """Split [start, end] into whole months (read from the monthly tables: the range of
    their first days) and the runs of days around them (read from the daily tables)."""
    first = (
        start if start.day == 1 else (start.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    )
    stop = (end + dt.timedelta(days=1)).replace(day=1)  # whole months are [first, stop)
    if first >= stop:
        return None, [(start, end)]
    runs = []
    if start < first:
        runs.append((start, first - dt.timedelta(days=1)))
    if stop <= end:
        runs.append((stop, end))
    return (first, (stop - dt.timedelta(days=1)).replace(day=1)), runs


def _grouped(querysets, keys: tuple[str, ...], sums: dict) -> list[dict]:
    """Run the grouped queries and add up rows with the same keys."""
    merged: dict[tuple, dict] = {}
    for qs in querysets:
        for row in qs.values(*keys).annotate(**sums):
            key = tuple(row[k] for k in keys)
            if key in merged:
                for name in sums:
                    merged[key][name] += row[name] or 0
            else:
                merged[key] = row
    return list(merged.values())


def _sum_rows(
    start: dt.date,
    end: dt.date,
    agencies: set[int] | None,
    keys: tuple[str, ...],
    histogram_keys: tuple[str, ...],
):
    """Rollup sums grouped by ``keys`` and histogram buckets grouped by ``histogram_keys``
    (plus the number of days), over [start, end]: whole months from the monthly tables,
    the days around them from the daily ones."""
    months, runs = _spans(start, end)
    sources = []
    for monthly, daily in (
        (MonthlyRollup, DailyRollup),
        (MonthlyProcessingDaysCount, ProcessingDaysCount),
    ):
        querysets = []
        if months is not None:
            querysets.append(monthly.objects.filter(day__range=months))
        for run in runs:
            querysets.append(daily.objects.filter(day__range=run))
        if agencies is not None:
            querysets = [qs.filter(agency_id__in=agencies) for qs in querysets]
        sources.append([qs.order_by() for qs in querysets])
    rows = _grouped(sources[0], keys, {name: Sum(name) for name in COUNTERS})
    buckets = _grouped(sources[1], (*histogram_keys, "days"), {"n": Sum("count")})
    return rows, buckets


def _add_provision(
    figures: dict[Node, Figures],
    states: dict[int, ProcedureState],
    used: dict[Node, set[int]],
    filters: Filters,
    tree: AgencyTree,
) -> None:
    offered: dict[Node, set[int]] = defaultdict(set)
    wanted = set(figures)
    for state in states.values():
        if not matches(state, sector_id=filters.sector_id, level=filters.level):
            continue
        if None in wanted:
            offered[None].add(state.procedure_id)
        for agency_id in state.agency_ids:
            for node in _owners(agency_id, wanted - {None}, tree):
                offered[node].add(state.procedure_id)
    for node, fig in figures.items():
        procedures = [states[p] for p in offered.get(node, ())]
        fig.procedures = len(procedures)
        fig.procedures_full = sum(s.fully_online for s in procedures)
        fig.procedures_eligible = sum(s.eligible for s in procedures)
        online = {s.procedure_id for s in procedures if s.online}
        fig.online_services = len(online)
        fig.online_services_used = len(online & used.get(node, set()))


def _add_national(
    figures: dict[Node, Figures],
    period: Period,
    states,
    formula: str,
    ctx: Context,
    filters: Filters = NO_FILTERS,
) -> None:
    """The national formulas' own counts (dossiers in process, digitisation, PAKN, …),
    filtered as the rollup figures are (sector, authority level)."""
    found = national_facts(
        list(figures),
        period,
        tree=ctx.tree,
        states=states,
        owners=lambda agency_id, wanted: _owners(agency_id, wanted, ctx.tree),
        sector_id=filters.sector_id,
        level=filters.level or None,
    )
    for node, fig in figures.items():
        fig.local, fig.pakn = found[node]
        fig.formula, fig.period_end = formula, period.end


def figures_for(
    nodes: Iterable[Node],
    period: Period,
    *,
    filters: Filters = NO_FILTERS,
    ctx: Context,
    formula: str = "",
) -> dict[Node, Figures]:
    """Each node's figures over ``period`` (a node's figures include everything below it).

    ``formula`` names the national formula version of the score ("" = in force at the
    period's end)."""
    nodes = list(dict.fromkeys(nodes))
    figures = {node: Figures() for node in nodes}
    states = ctx.catalog.in_force(period.end)
    allowed = _allowed(states, filters)
    keys = ("agency_id", "procedure_id")
    rows, buckets = _sum_rows(
        period.start,
        period.end,
        _agency_filter(nodes, ctx.tree),
        keys,
        keys if filters.active else ("agency_id",),
    )
    wanted = set(nodes)
    used: dict[Node, set[int]] = defaultdict(set)
    for row in rows:
        if allowed is not None and row["procedure_id"] not in allowed:
            continue
        for node in _owners(row["agency_id"], wanted, ctx.tree):
            figures[node].add_row(row)
            if row["online"]:
                used[node].add(row["procedure_id"])
    for bucket in buckets:
        if allowed is not None and bucket["procedure_id"] not in allowed:
            continue  # (with a filter the buckets are per procedure too)
        for node in _owners(bucket["agency_id"], wanted, ctx.tree):
            figures[node].days[bucket["days"]] += bucket["n"]
    _add_provision(figures, states, used, filters, ctx.tree)
    _add_national(figures, period, states, formula, ctx, filters)
    return figures


def trend(
    node: Node,
    months: list[Period],
    *,
    filters: Filters = NO_FILTERS,
    ctx: Context,
    formula: str = "",
) -> list[tuple[Period, Figures]]:
    """The node's figures month by month: whole calendar months are read from the monthly
    tables in one grouped query (per table) for all of them; other spans one by one."""
    agencies = _agency_filter([node], ctx.tree)
    keys = ("procedure_id",)
    histogram_keys = keys if filters.active else ()
    per_month: dict[dt.date, tuple[list, list]] = defaultdict(lambda: ([], []))
    whole = [m for m in months if _spans(m.start, m.end) == ((m.start, m.start), [])]
    if whole:
        querysets = [
            model.objects.filter(day__in=[m.start for m in whole]).order_by()
            for model in (MonthlyRollup, MonthlyProcessingDaysCount)
        ]
        if agencies is not None:
            querysets = [qs.filter(agency_id__in=agencies) for qs in querysets]
        for row in _grouped([querysets[0]], ("day", *keys), {n: Sum(n) for n in COUNTERS}):
            per_month[row["day"]][0].append(row)
        for bucket in _grouped(
            [querysets[1]], ("day", *histogram_keys, "days"), {"n": Sum("count")}
        ):
            per_month[bucket["day"]][1].append(bucket)
    result = []
    for month in months:
        if month in whole:
            rows, buckets = per_month[month.start]
        else:
            rows, buckets = _sum_rows(month.start, month.end, agencies, keys, histogram_keys)
        fig = _month_figures(node, month, rows, buckets, filters, ctx)
        _add_national({node: fig}, month, ctx.catalog.in_force(month.end), formula, ctx, filters)
        result.append((month, fig))
    return result


def _month_figures(node, month: Period, rows, buckets, filters: Filters, ctx: Context) -> Figures:
    states = ctx.catalog.in_force(month.end)
    allowed = _allowed(states, filters)
    fig = Figures()
    used: set[int] = set()
    for row in rows:
        if allowed is None or row["procedure_id"] in allowed:
            fig.add_row(row)
            if row["online"]:
                used.add(row["procedure_id"])
    for bucket in buckets:
        if allowed is None or bucket["procedure_id"] in allowed:
            fig.days[bucket["days"]] += bucket["n"]
    _add_provision({node: fig}, states, {node: used}, filters, ctx.tree)
    return fig


@dataclass
class RankRow:
    rank: int | None
    node: int
    name: str
    kind: str
    figures: Figures


def ranking(
    period: Period,
    root: Node,
    *,
    filters: Filters = NO_FILTERS,
    ctx: Context,
    formula: str = "",
) -> list[RankRow]:
    """The agencies directly below ``root`` (top level for None), best score first.

    Agencies with nothing to measure are left out; those not graded (too few dossiers,
    nothing to score: "chưa đủ dữ liệu") are listed last, without a rank.
    """
    children = ctx.tree.children(root)
    figures = figures_for(children, period, filters=filters, ctx=ctx, formula=formula)
    return rank(children, figures, ctx.tree)


def rank(nodes: list[int], figures: dict[Node, Figures], tree: AgencyTree) -> list[RankRow]:
    """Rank rows for ``nodes`` from figures already computed (ties share a rank)."""
    rows = [
        RankRow(None, pk, tree.rows[pk].name, tree.rows[pk].kind, figures[pk])
        for pk in nodes
        if figures[pk].has_activity
    ]
    # Graded agencies first, best score first; the others ("chưa đủ dữ liệu") after,
    # by name, without a rank.
    rows.sort(key=lambda r: (not r.figures.graded, -(r.figures.score or 0), r.name))
    position_of_score: dict[float, int] = {}
    for position, row in enumerate(rows, start=1):
        if not row.figures.graded:
            break
        row.rank = position_of_score.setdefault(round(row.figures.score, 1), position)
    return rows


# --- Targets -------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetCheck:
    indicator: str
    target: Target
    value: float | None

    @property
    def met(self) -> bool | None:
        if self.value is None:
            return None
        goal = float(self.target.value)
        if self.indicator in LOWER_IS_BETTER:
            return self.value <= goal
        return self.value >= goal


def targets_for(node: Node, year: int, tree: AgencyTree) -> dict[str, Target]:
    """The target of each indicator for ``node`` in ``year``.

    The agency's own target wins; otherwise the national one for its block (ministries or
    provinces) or for everyone. A target stays in force until a later year sets another.
    """
    result: dict[str, Target] = {}
    if node is not None:
        for target in Target.objects.filter(agency_id=node, year__lte=year).order_by("year"):
            result[target.indicator] = target
    block = tree.block(node) if node is not None else None
    applies = [Target.AppliesTo.ALL] + ([block] if block else [])
    national: dict[str, Target] = {}
    for target in Target.objects.filter(
        agency__isnull=True, year__lte=year, applies_to__in=applies
    ).order_by("year", "applies_to"):
        current = national.get(target.indicator)
        if (
            current is None
            or target.year > current.year
            or target.applies_to != Target.AppliesTo.ALL
        ):
            national[target.indicator] = target
    for indicator, target in national.items():
        result.setdefault(indicator, target)
    return result


def check_targets(node: Node, figures: Figures, year: int, tree: AgencyTree) -> list[TargetCheck]:
    targets = targets_for(node, year, tree)
    order = {key.value: i for i, key in enumerate(Indicator)}
    return [
        TargetCheck(indicator, target, figures.value(indicator))
        for indicator, target in sorted(targets.items(), key=lambda kv: order.get(kv[0], 99))
    ]


def national_targets(year: int) -> QuerySet[Target]:
    """The national targets set for ``year`` or, per indicator, the latest earlier year."""
    latest = {}
    for target in Target.objects.filter(agency__isnull=True, year__lte=year).order_by("year"):
        latest[(target.indicator, target.applies_to)] = target.year
    ids = Target.objects.filter(agency__isnull=True).values_list(
        "pk", "indicator", "applies_to", "year"
    )
    keep = [pk for pk, ind, applies, y in ids if latest.get((ind, applies)) == y]
    return Target.objects.filter(pk__in=keep).order_by("indicator", "applies_to")


# --- Drill-down ----------------------------------------------------------------------

# measure -> (which day and agency the measure uses, extra condition on the fact)
MEASURES: dict[str, tuple[str, Q]] = {
    "received": ("intake", Q()),
    "online": ("intake", Q(online=True)),
    "not_online": ("intake", Q(online=False)),
    "reused": ("intake", Q(reused=True)),
    "fee_required": ("intake", Q(fee_required=True)),
    "paid_online": ("intake", Q(paid_online=True)),
    "finished": ("settled", Q()),
    "early": ("settled", Q(outcome=Outcome.EARLY)),
    "on_time": ("settled", Q(outcome=Outcome.ON_TIME)),
    "late": ("settled", Q(outcome=Outcome.LATE)),
    "results": ("settled", Q(result_issued=True)),
    "results_electronic": ("settled", Q(result_electronic=True)),
    "fully_online": ("settled", Q(fully_online=True)),
    "ratings": ("rated", Q()),
    "satisfied": ("rated", Q()),  # the score condition is added at query time
}


def facts_behind(
    measure: str, node: Node, period: Period, *, filters: Filters = NO_FILTERS, ctx: Context
) -> QuerySet[DossierFact]:
    """The facts (one per dossier) counted in ``measure`` for ``node`` over ``period``.

    Raises KeyError for an unknown measure.
    """
    kind, condition = MEASURES[measure]
    members = ctx.tree.members(node)
    if kind == "intake":
        qs = DossierFact.objects.filter(intake_day__range=(period.start, period.end))
        agency_field = "intake_agency_id__in"
    elif kind == "settled":
        qs = DossierFact.objects.filter(finished_day__range=(period.start, period.end)).exclude(
            outcome=""
        )
        agency_field = "decide_agency_id__in"
    else:
        qs = DossierFact.objects.filter(rated_day__range=(period.start, period.end))
        agency_field = "decide_agency_id__in"
    if measure == "satisfied":
        condition = Q(score__gte=settings.MOTCUA_KPI_SATISFIED_MIN_SCORE)
    qs = qs.filter(condition)
    if members is not None:
        qs = qs.filter(**{agency_field: members})
    if filters.active:
        states = ctx.catalog.in_force(period.end)
        qs = qs.filter(
            procedure_id__in=[
                p
                for p, s in states.items()
                if matches(s, sector_id=filters.sector_id, level=filters.level)
            ]
        )
    return qs


def dossier_page(facts: QuerySet[DossierFact], *, before: int | None = None, size: int = 50):
    """One keyset page of the dossiers behind ``facts``, newest first: (dossiers, next key)."""
    ordered = facts.order_by("-dossier_id")
    if before is not None:
        ordered = ordered.filter(dossier_id__lt=before)
    ids = list(ordered.values_list("dossier_id", flat=True)[: size + 1])
    more = len(ids) > size
    ids = ids[:size]
    dossiers = {
        d.pk: d
        for d in Dossier.objects.filter(pk__in=ids).select_related(
            "agency", "procedure_version__procedure"
        )
    }
    page = [dossiers[pk] for pk in ids if pk in dossiers]
    return page, (ids[-1] if more and ids else None)


def procedures_behind(
    measure: str, node: Node, period: Period, *, filters: Filters = NO_FILTERS, ctx: Context
) -> list[ProcedureState]:
    """The procedures counted in a catalogue measure (procedures, procedures_full, …)."""
    states = ctx.catalog.in_force(period.end)
    members = ctx.tree.members(node)
    chosen = [
        s
        for s in states.values()
        if matches(s, sector_id=filters.sector_id, level=filters.level)
        and (members is None or s.agency_ids & members)
    ]
    if measure == "procedures_full":
        chosen = [s for s in chosen if s.fully_online]
    elif measure == "procedures_eligible":
        chosen = [s for s in chosen if s.eligible]
    elif measure == "procedures_ineligible":
        chosen = [s for s in chosen if not s.eligible]
    elif measure in ("online_services", "online_services_used", "online_services_unused"):
        chosen = [s for s in chosen if s.online]
        if measure != "online_services":
            used = set(
                facts_behind("online", node, period, filters=filters, ctx=ctx)
                .values_list("procedure_id", flat=True)
                .distinct()
            )
            keep = measure == "online_services_used"
            chosen = [s for s in chosen if (s.procedure_id in used) == keep]
    elif measure != "procedures":
        raise KeyError(measure)
    return sorted(chosen, key=lambda s: s.code)
