"""The indicators: each one's formula over the summed counters, the score and the grade.

docs/INDICATORS.md is the prose version of this module; keep them in step.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field, replace

from django.conf import settings

from .models import COUNTERS, Indicator
from .national import formulas
from .national.compute import NationalFacts, NationalResult, evaluate

# Indicators that are shares (per cent); the others are days or a 1–5 score.
PERCENT = frozenset(
    {
        Indicator.FULL_ONLINE_PROCEDURES,
        Indicator.ELIGIBLE_FULL_ONLINE,
        Indicator.ONLINE_SERVICES_USED,
        Indicator.ONLINE_DOSSIERS,
        Indicator.FULLY_ONLINE_DOSSIERS,
        Indicator.ON_TIME,
        Indicator.ONLINE_PAYMENT,
        Indicator.E_RESULT,
        Indicator.REUSE,
        Indicator.SATISFIED,
    }
)
# Lower is better for these (a target is a maximum).
LOWER_IS_BETTER = frozenset({Indicator.AVG_DAYS, Indicator.MEDIAN_DAYS})

# indicator -> (numerator, denominator) over Figures attributes, for the shares.
SHARES: dict[str, tuple[str, str]] = {
    Indicator.FULL_ONLINE_PROCEDURES: ("procedures_full", "procedures"),
    Indicator.ELIGIBLE_FULL_ONLINE: ("procedures_full", "procedures_eligible"),
    Indicator.ONLINE_SERVICES_USED: ("online_services_used", "online_services"),
    Indicator.ONLINE_DOSSIERS: ("online", "received"),
    Indicator.FULLY_ONLINE_DOSSIERS: ("fully_online", "results"),
    Indicator.ON_TIME: ("early_or_on_time", "finished"),
    Indicator.ONLINE_PAYMENT: ("paid_online", "fee_required"),
    Indicator.E_RESULT: ("results_electronic", "results"),
    Indicator.REUSE: ("reused", "received"),
    Indicator.SATISFIED: ("satisfied", "ratings"),
}


def ratio(numerator: int, denominator: int) -> float | None:
    """Per cent, or None when there is nothing to measure (never 0 % of nothing)."""
    return 100.0 * numerator / denominator if denominator else None


def median(histogram: Counter) -> float | None:
    """The median of a {value: count} histogram (mean of the two middle values if even)."""
    total = sum(histogram.values())
    if not total:
        return None
    lower_rank, upper_rank = (total - 1) // 2, total // 2
    lower = upper = None
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if lower is None and seen > lower_rank:
            lower = value
        if seen > upper_rank:
            upper = value
            break
    return (lower + upper) / 2


def grade_of(score: float | None) -> str:
    """The grade of a score on the configured scale (``MOTCUA_KPI_GRADES``)."""
    if score is None:
        return ""
    for grade, minimum in settings.MOTCUA_KPI_GRADES:
        if score >= minimum:
            return grade
    return settings.MOTCUA_KPI_GRADES[-1][0]


@dataclass
class Figures:
    """Summed counters of one agency (or group) over one period, and what follows from them."""

    counters: Counter = field(default_factory=Counter)
    days: Counter = field(default_factory=Counter)  # processing days -> dossiers
    procedures: int = 0
    procedures_full: int = 0
    procedures_eligible: int = 0
    online_services: int = 0
    online_services_used: int = 0
    # The national formulas: the dossiers' own counts (None: remote facts, rollups only),
    # the PAKN facts, the chosen formula version ("" = in force at the period's end).
    local: NationalFacts | None = None
    pakn: object | None = None
    formula: str = ""
    period_end: dt.date | None = None
    _national: dict = field(default_factory=dict, repr=False, compare=False)

    def add_row(self, row: dict) -> None:
        for name in COUNTERS:
            self.counters[name] += row.get(name) or 0

    def __getattr__(self, name: str):
        if name in COUNTERS:
            return self.counters[name]
        if name == "early_or_on_time":
            return self.counters["early"] + self.counters["on_time"]
        raise AttributeError(name)

    @property
    def has_activity(self) -> bool:
        return bool(self.procedures or any(self.counters.values()))

    def value(self, indicator: str) -> float | None:
        """The indicator's value (None when undefined for lack of data)."""
        if indicator in SHARES:
            numerator, denominator = SHARES[indicator]
            return ratio(getattr(self, numerator), getattr(self, denominator))
        if indicator == Indicator.AVG_DAYS:
            finished = self.counters["finished"]
            return self.counters["days_sum"] / finished if finished else None
        if indicator == Indicator.MEDIAN_DAYS:
            return median(self.days)
        if indicator == Indicator.AVG_RATING:
            ratings = self.counters["ratings"]
            return self.counters["rating_sum"] / ratings if ratings else None
        if indicator == Indicator.SCORE:
            return self.score
        raise KeyError(indicator)

    def national_input(self) -> NationalFacts:
        """The counts the national formulas read: what the dossiers gave (``local``, set by
        the selectors of this instance) or, for remote facts (federation), the rollup
        counters alone; settlement and ratings always from the rollups."""
        facts = (
            replace(self.local)
            if self.local is not None
            else NationalFacts(
                received=self.counters["received"],
                online=self.counters["online"],
                fee_required=self.counters["fee_required"],
                paid_online=self.counters["paid_online"],
                reused=self.counters["reused"],
            )
        )
        facts.settled = self.counters["finished"]
        facts.settled_on_time = self.counters["early"] + self.counters["on_time"]
        facts.results = self.counters["results"]
        facts.results_electronic = self.counters["results_electronic"]
        facts.ratings = self.counters["ratings"]
        facts.satisfied_ratings = self.counters["satisfied"]
        return facts

    def national(self, version: str | formulas.FormulaVersion | None = None) -> NationalResult:
        """The national indicators under ``version`` (default: this figures' formula, else
        the one in force at the period's end)."""
        if not isinstance(version, formulas.FormulaVersion):
            version = formulas.get(version or self.formula, on=self.period_end)
        if version.code not in self._national:
            self._national[version.code] = evaluate(self.national_input(), self.pakn, version)
        return self._national[version.code]

    @property
    def formula_version(self) -> str:
        return self.national().version.code

    @property
    def score(self) -> float | None:
        """The national score out of 100, over the points that could be measured; None
        when there were too few dossiers (``MOTCUA_KPI_MIN_DOSSIERS``) to grade."""
        return self.national().score

    @property
    def graded(self) -> bool:
        return self.national().graded

    @property
    def measured_points(self) -> float:
        return self.national().points_measured

    @property
    def grade(self) -> str:
        return self.national().grade

    def as_dict(self) -> dict:
        """Every indicator and the counters behind them (for JSON and exports)."""
        result = {key.value: self.value(key) for key in Indicator}
        result["grade"] = self.grade
        result["graded"] = self.graded
        result["measured_points"] = self.measured_points
        result["formula_version"] = self.formula_version
        result["counts"] = {name: self.counters[name] for name in COUNTERS}
        result["counts"].update(
            procedures=self.procedures,
            procedures_full=self.procedures_full,
            procedures_eligible=self.procedures_eligible,
            online_services=self.online_services,
            online_services_used=self.online_services_used,
        )
        return result
