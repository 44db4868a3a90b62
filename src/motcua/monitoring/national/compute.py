"""Points from counts: no database here, so every formula is tested on hand-built facts.

``NationalFacts`` holds the counts of one agency (or group) over one period; ``pakn`` is
the feedback app's ``PaknFacts`` (or anything with the same attributes). ``evaluate``
applies one formula version: each sub-indicator's rate, its points
(points × min(1, rate ÷ threshold)), whether it could be measured and whether there were
enough dossiers (``MOTCUA_KPI_MIN_DOSSIERS``) to score it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields

from django.conf import settings
from django.utils.translation import gettext as _

from . import formulas
from .formulas import DOSSIERS, FormulaVersion, IndicatorDef

# A rating at or below this (1–5) is a "dislike" in the portal's satisfaction formula.
DISLIKE_MAX_SCORE = 2


@dataclass
class NationalFacts:
    """Counts of one agency over one period. ``None``: not known here (not measured)."""

    # Intake (dossiers received in the period).
    received: int = 0
    fee_required: int = 0
    paid_online: int = 0
    reused: int = 0
    eligible_received: int | None = None  # of procedures eligible for full online
    online_fully: int | None = None  # online (incl. assisted) of fully-online procedures
    online: int = 0  # online dossiers, whatever the procedure (fallback)
    datastore_used: int | None = None
    population_dossiers: int | None = None
    synced: int | None = None  # None: no national-portal subscriber configured
    # Procedures (distinct, with dossiers received in the period).
    procedures_used: int | None = None
    procedures_with_fee: int | None = None
    procedures_fee_online: int | None = None
    procedures_paid_online: int | None = None
    procedures_population: int | None = None
    # Settlement as the rollups count it (settled = decided; early + on time).
    settled: int = 0
    settled_on_time: int = 0
    results: int = 0
    results_electronic: int = 0
    # The portal's timeliness: ended in the period, and still in process at its end.
    ended: int | None = None
    ended_late: int | None = None
    in_process: int | None = None
    in_process_late: int | None = None
    # Paper components received at the counter / by post, and how many were digitised.
    paper_components: int | None = None
    paper_components_digitised: int | None = None
    # Ratings given in the period.
    ratings: int = 0
    satisfied_ratings: int = 0
    disliked: int | None = None
    complained: int | None = None  # the agency's dossiers with a PAKN in the period

    def add(self, other: NationalFacts) -> None:
        for f in fields(self):
            mine, theirs = getattr(self, f.name), getattr(other, f.name)
            if theirs is None:
                continue
            setattr(self, f.name, (mine or 0) + theirs)

    @property
    def timeliness_base(self) -> int | None:
        if self.ended is None or self.in_process is None:
            return None
        return self.ended + self.in_process

    @property
    def late(self) -> int | None:
        if self.ended_late is None or self.in_process_late is None:
            return None
        return self.ended_late + self.in_process_late

    @property
    def dossiers(self) -> int:
        """The dossiers the agency had in the period (for the minimum-data rule)."""
        return max(self.received, self.timeliness_base or 0, self.settled)


Ratio = tuple[float, float]


def _pair(num, den) -> Ratio | None:
    if num is None or den is None:
        return None
    return float(num), float(den)


def _on_time_all(f: NationalFacts, _pakn) -> Ratio | None:
    base = f.timeliness_base
    if base is None:  # in-process dossiers not known (remote facts): settled only
        return _pair(f.settled_on_time, f.settled)
    return float(base - f.late), float(base)


def _online_eligible(f: NationalFacts, _pakn) -> Ratio | None:
    if f.eligible_received is None or f.online_fully is None:  # eligibility not known
        return _pair(f.online, f.received)
    return _pair(f.online_fully, f.eligible_received)


def _datastore(f: NationalFacts, _pakn) -> Ratio | None:
    if f.datastore_used is None:
        return None
    return float(f.datastore_used + f.results_electronic), float(f.received + f.results)


def _satisfaction_portal(f: NationalFacts, _pakn) -> Ratio | None:
    base, late = f.timeliness_base, f.late
    if base is None:
        base, late = f.settled, f.settled - f.settled_on_time
    bad = late + (f.complained or 0) + (f.disliked or 0)
    return float(max(0, base - bad)), float(base)


def _pakn_attr(num: str, den: str):
    def measure(_f: NationalFacts, pakn) -> Ratio | None:
        if pakn is None:
            return None
        return _pair(getattr(pakn, num), getattr(pakn, den))

    return measure


def _attrs(num: str, den: str):
    def measure(f: NationalFacts, _pakn) -> Ratio | None:
        return _pair(getattr(f, num), getattr(f, den))

    return measure


MEASURES: dict[str, Callable[[NationalFacts, object], Ratio | None]] = {
    "sync": _attrs("synced", "received"),
    "on_time_settled": _attrs("settled_on_time", "settled"),
    "on_time_all": _on_time_all,
    "online_eligible": _online_eligible,
    "pay_procedures_offered": _attrs("procedures_fee_online", "procedures_with_fee"),
    "pay_procedures_used": _attrs("procedures_paid_online", "procedures_with_fee"),
    "pay_dossiers": _attrs("paid_online", "fee_required"),
    "e_results": _attrs("results_electronic", "results"),
    "digitised": _attrs("paper_components_digitised", "paper_components"),
    "reuse": _attrs("reused", "received"),
    "datastore": _datastore,
    "population_dossiers": _attrs("population_dossiers", "received"),
    "population_procedures": _attrs("procedures_population", "procedures_used"),
    "pakn_on_time": _pakn_attr("handled_on_time", "due_in_period"),
    "pakn_satisfied": _pakn_attr("satisfied", "rated"),
    "satisfaction_portal": _satisfaction_portal,
    "satisfied_ratings": _attrs("satisfied_ratings", "ratings"),
}

SCORED, NOT_MEASURED, INSUFFICIENT = "scored", "not_measured", "insufficient"


@dataclass
class IndicatorResult:
    group: formulas.Group
    definition: IndicatorDef
    numerator: float | None
    denominator: float | None
    status: str

    @property
    def rate(self) -> float | None:
        if self.status != SCORED:
            return None
        return 100.0 * self.numerator / self.denominator

    @property
    def points(self) -> float | None:
        rate = self.rate
        if rate is None:
            return None
        return self.definition.points * min(1.0, rate / self.definition.threshold)

    @property
    def status_label(self) -> str:
        if self.status == NOT_MEASURED:
            return _("không đo được trên MotCua")
        if self.status == INSUFFICIENT:
            return _("chưa đủ dữ liệu")
        return ""

    def as_dict(self) -> dict:
        d = self.definition
        return {
            "code": d.code,
            "group": self.group.code,
            "name": str(d.name),
            "points_max": d.points,
            "threshold": d.threshold,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "rate": _r(self.rate),
            "points": _r(self.points),
            "status": self.status,
        }


@dataclass
class NationalResult:
    version: FormulaVersion
    indicators: list[IndicatorResult]
    dossiers: int
    min_dossiers: int
    grades: list[tuple[str, float]] = field(default_factory=list)

    @property
    def points_earned(self) -> float:
        return sum(r.points for r in self.indicators if r.points is not None)

    @property
    def points_measured(self) -> float:
        return sum(r.definition.points for r in self.indicators if r.status == SCORED)

    @property
    def enough_data(self) -> bool:
        return self.dossiers >= self.min_dossiers

    @property
    def score(self) -> float | None:
        """Points earned out of 100, over the points that could be measured and scored."""
        if not self.enough_data or not self.points_measured:
            return None
        return 100 * self.points_earned / self.points_measured

    @property
    def graded(self) -> bool:
        return self.score is not None

    @property
    def grade(self) -> str:
        score = self.score
        if score is None:
            return ""
        for grade, minimum in self.grades:
            if score >= minimum:
                return grade
        return self.grades[-1][0] if self.grades else ""

    def groups(self) -> list[dict]:
        result = []
        for group in self.version.groups:
            rows = [r for r in self.indicators if r.group.code == group.code]
            scored = [r for r in rows if r.status == SCORED]
            result.append(
                {
                    "group": group,
                    "rows": rows,
                    "points": sum(r.points for r in scored) if scored else None,
                    "measured": sum(r.definition.points for r in scored),
                }
            )
        return result

    def by_code(self, code: str) -> IndicatorResult | None:
        return next((r for r in self.indicators if r.definition.code == code), None)

    def as_dict(self) -> dict:
        return {
            "formula_version": self.version.code,
            "graded": self.graded,
            "score": _r(self.score),
            "grade": self.grade,
            "points_earned": _r(self.points_earned),
            "points_measured": self.points_measured,
            "dossiers": self.dossiers,
            "groups": [
                {
                    "code": g["group"].code,
                    "name": str(g["group"].name),
                    "points_max": g["group"].points,
                    "points": _r(g["points"]),
                }
                for g in self.groups()
            ],
            "indicators": [r.as_dict() for r in self.indicators],
        }


def _r(value):
    return round(value, 4) if isinstance(value, float) else value


def evaluate(
    facts: NationalFacts,
    pakn=None,
    version: FormulaVersion | str | None = None,
    *,
    min_dossiers: int | None = None,
) -> NationalResult:
    """Apply ``version`` (default: the one in force today) to ``facts`` and ``pakn``."""
    if not isinstance(version, FormulaVersion):
        version = formulas.get(version)
    if min_dossiers is None:
        min_dossiers = settings.MOTCUA_KPI_MIN_DOSSIERS
    results = []
    for group, definition in version.indicators:
        ratio = MEASURES[definition.measure](facts, pakn) if definition.measured else None
        if ratio is None:
            results.append(IndicatorResult(group, definition, None, None, NOT_MEASURED))
            continue
        num, den = ratio
        minimum = min_dossiers if definition.unit == DOSSIERS else 1
        status = SCORED if den >= max(1, minimum) else INSUFFICIENT
        results.append(IndicatorResult(group, definition, num, den, status))
    return NationalResult(version, results, facts.dossiers, min_dossiers, formulas.grades())
