"""Reads of the national view: figures per province and agency, ranking, the JSON report.

The indicators, the score, the grade and the ranking rule are monitoring's
(``Figures``, ``rank``): only the source of the counters differs. The catalogue
indicators (share of procedures offered fully online, eligible, online services used)
are not carried by dossier events, so they stay unmeasured here and the score is scaled
over the points that could be measured, exactly as monitoring does for missing data.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.monitoring.public import (
    COUNTERS,
    AgencyRow,
    Figures,
    Period,
    PeriodError,
    RankRow,
    rank,
)

from .models import FederatedAgency, NationalDaysCount, NationalRollup, SourceInstance

PROVINCE, AGENCY = "province", "agency"


def months_of(period: Period) -> list[dt.date]:
    """The first days of the period's months. Raises PeriodError for a range of days:
    the national rollups are monthly."""
    if period.kind == "range":
        raise PeriodError(
            _("Số liệu toàn quốc được tổng hợp theo tháng: hãy chọn tháng, quý hoặc năm.")
        )
    return [month.start for month in period.months()]


@dataclass
class NationalFigures:
    period: Period
    total: Figures
    provinces: dict[str, Figures]
    agencies: dict[str, Figures]  # key "<instance>/<agency code>"
    tree: _Tree


class _Tree:
    """What ``monitoring.selectors.rank`` reads of an agency tree: names and kinds."""

    def __init__(self):
        self.rows: dict[str, AgencyRow] = {}
        self.province_of: dict[str, str] = {}
        self.instance_of: dict[str, str] = {}
        self.instances_in: dict[str, set[str]] = defaultdict(set)  # province -> instances

    def add(self, key: str, code: str, name: str, kind: str) -> None:
        self.rows[key] = AgencyRow(key, code, name, kind, None)


def agency_key(instance: str, code: str) -> str:
    return f"{instance}/{code}"


def national_figures(period: Period) -> NationalFigures:
    """Every province's and agency's figures over ``period`` (whole months).

    Two grouped queries (counters, processing-days histogram) whatever the number of
    dossiers, plus the agency names. Raises PeriodError for a range of days.
    """
    months = months_of(period)
    tree = _Tree()
    for agency in FederatedAgency.objects.select_related("source").order_by("source__code", "code"):
        key = agency_key(agency.source.code, agency.code)
        tree.add(key, agency.code, agency.name, agency.kind)
        tree.province_of[key] = agency.province_code
        tree.instance_of[key] = agency.source.code
        tree.instances_in[agency.province_code].add(agency.source.code)
        if agency.province_code not in tree.rows or agency.code == agency.province_code:
            tree.add(agency.province_code, agency.province_code, agency.province_name, PROVINCE)
    total = Figures()
    provinces: dict[str, Figures] = defaultdict(Figures)
    agencies: dict[str, Figures] = defaultdict(Figures)

    def owners(row) -> list[Figures]:
        key = agency_key(row["source__code"], row["agency_code"])
        if key not in tree.rows:  # an agency no snapshot named (should not happen)
            tree.add(key, row["agency_code"], row["agency_code"], "")
            tree.province_of[key] = row["agency_code"]
            tree.add(row["agency_code"], row["agency_code"], row["agency_code"], PROVINCE)
        return [total, provinces[tree.province_of[key]], agencies[key]]

    rows = (
        NationalRollup.objects.filter(month__in=months)
        .values("source__code", "agency_code")
        .annotate(**{name: Sum(name) for name in COUNTERS})
        .order_by()
    )
    for row in rows:
        for figures in owners(row):
            figures.add_row(row)
    buckets = (
        NationalDaysCount.objects.filter(month__in=months)
        .values("source__code", "agency_code", "days")
        .annotate(n=Sum("count"))
        .order_by()
    )
    for bucket in buckets:
        for figures in owners(bucket):
            figures.days[bucket["days"]] += bucket["n"]
    for figures in (total, *provinces.values(), *agencies.values()):
        figures.period_end = period.end  # the national formula in force at the period's end
    return NationalFigures(period, total, dict(provinces), dict(agencies), tree)


def ranking(data: NationalFigures, level: str = PROVINCE) -> list[RankRow]:
    """Provinces (or agencies) with activity, best score first, ties sharing a rank."""
    figures = data.provinces if level == PROVINCE else data.agencies
    return rank(sorted(figures), figures, data.tree)


def _rounded(value):
    return round(value, 4) if isinstance(value, float) else value


def _entry(row_key: str | None, figures: Figures, tree: _Tree, rank_: int | None) -> dict:
    data = figures.as_dict()
    counts = data.pop("counts")
    info = tree.rows.get(row_key) if row_key else None
    entry = {
        "rank": rank_,
        "code": info.code if info else None,
        "name": info.name if info else _("Toàn quốc"),
        "kind": info.kind if info else "",
        "indicators": {k: _rounded(v) for k, v in data.items()},
        "counts": counts,
    }
    if row_key in tree.province_of:
        entry["province"] = tree.province_of[row_key]
        entry["instance"] = tree.instance_of[row_key]
    elif row_key in tree.instances_in:
        entry["instances"] = sorted(tree.instances_in[row_key])
    return entry


def sources():
    """The source instances with ``events``, the number of events received from each."""
    return SourceInstance.objects.annotate(events=Count("inboundevent")).order_by("code")


def sources_status() -> list[dict]:
    """Each source instance: when it last sent, how many events were received."""
    return [
        {
            "code": s.code,
            "name": s.name,
            "active": s.active,
            "last_event_at": s.last_event_at.isoformat() if s.last_event_at else None,
            "events": s.events,
        }
        for s in sources()
    ]


def national_report(period: Period, *, now: dt.datetime | None = None) -> dict:
    """The national ranking as JSON: the total, provinces and agencies ranked, sources.

    Raises PeriodError for a range of days.
    """
    data = national_figures(period)
    return {
        "period": period.key,
        "label": period.label,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "generated_at": (now or timezone.now()).isoformat(),
        "formula_version": data.total.formula_version,
        "total": _entry(None, data.total, data.tree, None),
        "provinces": [
            _entry(r.node, r.figures, data.tree, r.rank) for r in ranking(data, PROVINCE)
        ],
        "agencies": [_entry(r.node, r.figures, data.tree, r.rank) for r in ranking(data, AGENCY)],
        "sources": sources_status(),
    }
