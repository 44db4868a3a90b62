"""A dossier's contribution from its snapshot, and keeping the national rollups equal to
the sum of the stored facts (old fact out, new fact in), as ``monitoring.facts`` does.

The rules are monitoring's (docs/INDICATORS.md, "Which dossiers count where"), applied to
the snapshot an event carries instead of the database: intake by the first agency that
received the dossier, on that local day; settlement by the deciding agency on the local
day of the decision, compared with the legal due date; satisfaction on the day of the
rating. The shared pieces (``Fact``, ``contributions``, ``outcome_of``,
``net_processing_days``) are imported from monitoring, not copied.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import asdict

from django.utils import timezone

from motcua.monitoring.public import (
    RESULT_STATUSES,
    SETTLED_STATUSES,
    Fact,
    add_counts,
    contributions,
    counter_difference,
    net_processing_days,
    outcome_of,
)

from .models import NationalDaysCount, NationalFact, NationalRollup, SourceInstance

REFUSED = "refused"
# Fact field -> NationalFact column (codes where monitoring has ids).
COLUMN_OF = {
    "procedure_id": "procedure_code",
    "intake_agency_id": "intake_agency_code",
    "decide_agency_id": "decide_agency_code",
}
FACT_FIELDS = tuple(Fact.__dataclass_fields__)


class SnapshotError(ValueError):
    """The snapshot lacks a field the figures need, or a field has the wrong form."""


def _moment(value: str | None) -> dt.datetime | None:
    if value is None:
        return None
    moment = dt.datetime.fromisoformat(value)
    if timezone.is_naive(moment):
        raise SnapshotError(f"naive datetime {value!r}")
    return moment


def _local_day(value: str | None) -> dt.date | None:
    moment = _moment(value)
    return timezone.localtime(moment).date() if moment is not None else None


def fact_from_snapshot(snapshot: dict) -> Fact | None:
    """The dossier's contribution as its snapshot describes it (None: counts nowhere).

    Raises SnapshotError when a field needed is missing or malformed.
    """
    try:
        if not snapshot.get("received_at"):
            return None
        intake_day = _local_day(snapshot.get("intake_at") or snapshot["received_at"])
        online = snapshot["channel"] == "online"
        fee_required = bool(snapshot.get("fee_vnd"))
        paid_online = (
            fee_required
            and snapshot.get("fee_paid_at") is not None
            and bool(snapshot.get("fee_paid_online"))
        )
        status = snapshot["status"]
        finished_day = _local_day(snapshot.get("finished_at"))
        due = snapshot.get("due_date")
        due_date = dt.date.fromisoformat(due) if due else None
        settled = (
            finished_day is not None
            and due_date is not None
            and status in SETTLED_STATUSES
            and not (status == REFUSED and snapshot.get("closed_during_supplement"))
        )
        outcome, days = "", None
        result_issued = electronic = fully_online = False
        if settled:
            outcome = outcome_of(finished_day, due_date)
            clock_at = snapshot.get("clock_started_at") or snapshot["received_at"]
            days = net_processing_days(_local_day(clock_at), finished_day)
            result_issued = status in RESULT_STATUSES
            electronic = result_issued and bool(snapshot.get("result_electronic"))
            fully_online = electronic and online and (paid_online or not fee_required)
        rating = snapshot.get("rating")
        rated_day = _local_day(rating["rated_at"]) if rating else None
        return Fact(
            procedure_id=snapshot["procedure"]["code"],
            intake_agency_id=snapshot["intake_agency_code"],
            intake_day=intake_day,
            online=online,
            reused=bool(snapshot.get("reused_data")),
            fee_required=fee_required,
            paid_online=bool(paid_online),
            decide_agency_id=snapshot["decision_agency_code"],
            finished_day=finished_day if settled else None,
            outcome=str(outcome),
            processing_days=days,
            result_issued=result_issued,
            result_electronic=bool(electronic),
            fully_online=bool(fully_online),
            rated_day=rated_day,
            score=int(rating["score"]) if rating else None,
        )
    except SnapshotError:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise SnapshotError(f"{type(exc).__name__}: {exc}") from exc


# The columns of a dossier that counts nowhere (not received yet).
NO_FACT = {
    "counted": False,
    "procedure_code": "",
    "intake_agency_code": "",
    "intake_day": None,
    "online": False,
    "reused": False,
    "fee_required": False,
    "paid_online": False,
    "decide_agency_code": "",
    "finished_day": None,
    "outcome": "",
    "processing_days": None,
    "result_issued": False,
    "result_electronic": False,
    "fully_online": False,
    "rated_day": None,
    "score": None,
}


def fact_columns(fact: Fact | None) -> dict:
    """The NationalFact columns of a fact (``NO_FACT`` for None)."""
    if fact is None:
        return dict(NO_FACT)
    return {"counted": True, **{COLUMN_OF.get(k, k): v for k, v in asdict(fact).items()}}


def stored_fact(row: NationalFact | None) -> Fact | None:
    if row is None or not row.counted:
        return None
    return Fact(**{name: getattr(row, COLUMN_OF.get(name, name)) for name in FACT_FIELDS})


def monthly(fact: Fact | None) -> tuple[dict[tuple, Counter], Counter]:
    """The fact's contributions per (month, agency code), and its histogram bucket."""
    rollup, histogram = contributions(fact)
    by_month: dict[tuple, Counter] = defaultdict(Counter)
    for (day, agency, _procedure), counters in rollup.items():
        by_month[(day.replace(day=1), agency)].update(counters)
    days: Counter = Counter()
    for (day, agency, _procedure, value), count in histogram.items():
        days[(day.replace(day=1), agency, value)] += count
    return by_month, days


def move(source: SourceInstance, old: Fact | None, new: Fact | None) -> None:
    """Add the difference between the dossier's old and new fact to the rollups."""
    rollup, days = counter_difference(monthly(old), monthly(new))
    # Sorted keys: two transactions touching the same rows lock them in the same order.
    for (month, agency), delta in sorted(rollup.items()):
        add_counts(NationalRollup, {"source": source, "agency_code": agency, "month": month}, delta)
    for (month, agency, value), delta in sorted(days.items()):
        key = {"source": source, "agency_code": agency, "month": month, "days": value}
        add_counts(NationalDaysCount, key, {"count": delta})
