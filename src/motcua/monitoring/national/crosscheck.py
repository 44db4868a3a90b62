"""MotCua's own national indicators beside the figures the national portal published.

For one agency and month: each sub-indicator's numerator, denominator and points as
MotCua computes them (``compute.evaluate`` under the chosen formula version) and as
imported (``NationalFigure``), their differences, and for the dossier-based indicators
the dossiers that explain a difference (docs/INDICATORS.md, "Cross-check").
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from motcua.dossiers.models import Dossier

from ..models import NationalFigure
from ..periods import Period
from .collect import (
    LATE_ANYWAY,
    LATE_ENDED,
    ONLINE,
    bounds,
    ended_in,
    in_process_at_end,
    late_open,
)
from .compute import NationalResult

TOLERANCE = 0.005  # differences smaller than this (rounding of the portal) are equal


@dataclass
class Comparison:
    code: str
    name: str
    points_max: float
    ours_numerator: float | None
    ours_denominator: float | None
    ours_points: float | None
    ours_status: str
    theirs: NationalFigure | None
    in_version: bool = True

    @staticmethod
    def _diff(ours, theirs) -> float | None:
        if ours is None or theirs is None:
            return None
        return float(ours) - float(theirs)

    @property
    def numerator_diff(self) -> float | None:
        return self._diff(self.ours_numerator, self.theirs and self.theirs.numerator)

    @property
    def denominator_diff(self) -> float | None:
        return self._diff(self.ours_denominator, self.theirs and self.theirs.denominator)

    @property
    def points_diff(self) -> float | None:
        return self._diff(self.ours_points, self.theirs and self.theirs.points)

    @property
    def differs(self) -> bool:
        if self.theirs is None:
            return False
        diffs = (self.numerator_diff, self.denominator_diff, self.points_diff)
        if all(d is None for d in diffs):
            return True  # the portal has a figure MotCua cannot compute
        return any(d is not None and abs(d) > TOLERANCE for d in diffs)

    @property
    def explainable(self) -> bool:
        return self.code in EXPLAINERS


def compare(result: NationalResult, figures: list[NationalFigure]) -> list[Comparison]:
    """One row per sub-indicator of the version, then the imported codes it lacks."""
    theirs = {f.indicator: f for f in figures}
    rows = []
    for r in result.indicators:
        d = r.definition
        rows.append(
            Comparison(
                d.code,
                str(d.name),
                d.points,
                r.numerator,
                r.denominator,
                r.points,
                r.status,
                theirs.pop(d.code, None),
            )
        )
    for code, figure in sorted(theirs.items()):
        rows.append(Comparison(code, code, 0, None, None, None, "", figure, in_version=False))
    return rows


def imported(agency_id: int, period: Period) -> list[NationalFigure]:
    return list(
        NationalFigure.objects.filter(agency_id=agency_id, month=period.start)
        .select_related("imported_by")
        .order_by("indicator")
    )


# --- The dossiers behind a difference ----------------------------------------------


def _late(members: set[int] | None, period: Period, version_code: str) -> QuerySet[Dossier]:
    """The dossiers MotCua counts late: ended late in the month (and, when the version
    counts them, those still in process past their deadline at its end)."""
    ended = ended_in(period).filter(LATE_ENDED | LATE_ANYWAY)
    qs = Dossier.objects.filter(pk__in=ended.values("pk"))
    if version_code != "qd766-2022":  # the 2022 reading counts settled dossiers only
        late = in_process_at_end(period).filter(late_open(period) | LATE_ANYWAY)
        qs = Dossier.objects.filter(Q(pk__in=ended.values("pk")) | Q(pk__in=late.values("pk")))
    return qs if members is None else qs.filter(agency_id__in=members)


def _offline(members: set[int] | None, period: Period, version_code: str) -> QuerySet[Dossier]:
    """The dossiers received in the month that were not filed online (nor assisted)."""
    start, end = bounds(period)
    qs = Dossier.objects.filter(received_at__gte=start, received_at__lt=end).exclude(ONLINE)
    return qs if members is None else qs.filter(agency_id__in=members)


EXPLAINERS = {
    "td_dung_han": (_late, "late"),
    "tt_ho_so_truc_tuyen": (_offline, "offline"),
}


def explaining_dossiers(
    code: str, members: set[int] | None, period: Period, version_code: str
) -> QuerySet[Dossier] | None:
    """The dossiers behind ``code``'s count (None: the indicator is not dossier-based)."""
    explainer = EXPLAINERS.get(code)
    if explainer is None:
        return None
    return (
        explainer[0](members, period, version_code)
        .select_related("procedure_version", "agency")
        .order_by("due_date", "pk")
    )
