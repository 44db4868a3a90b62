"""One dossier's contribution to the figures, and keeping the rollups equal to their sum.

The rules (docs/INDICATORS.md, "Which dossiers count where"):

* **intake** – a dossier counts as received by the agency that first received it, on
  the local day it did (the first ``AgencyPart`` of an inter-agency dossier, else the
  dossier's own agency and ``received_at``); online / reused / fee / paid online are
  attributes of that intake;
* **settlement** – a dossier is settled when it was decided (approved, result issued or
  returned, refused), not withdrawn and not closed while waiting for a supplement the
  applicant never sent; it counts for the agency responsible at the decision, on the
  local day of ``finished_at``; early / on time / late compare that day with the legal
  due date (reset when a complete supplement restarts the clock); processing time is
  the net time in working days from the day the clock last started (``clock_started_at``,
  else ``received_at``) to the decision day, whatever unit the procedure's time limit is
  stated in (Decree 118/2025/NĐ-CP: the time restarts from zero on a complete supplement,
  so the waiting time falls out);
* **satisfaction** – a rating counts on the local day it was given, for the same agency.

``refresh_dossier`` recomputes a dossier's fact from the database and moves the
difference into the rollups, so the rollups always equal the sum of the stored facts,
however many events a dossier sends and in whatever order.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Subquery
from django.utils import timezone

from motcua.dossiers.models import AgencyPart, Dossier, Status, StatusChange
from motcua.workdays.calendar import working_days_between

from .models import (
    DailyRollup,
    DossierFact,
    MonthlyProcessingDaysCount,
    MonthlyRollup,
    Outcome,
    ProcessingDaysCount,
)

SETTLED_STATUSES = (Status.APPROVED, Status.RESULT_ISSUED, Status.RETURNED, Status.REFUSED)
RESULT_STATUSES = (Status.RESULT_ISSUED, Status.RETURNED)


@dataclass(frozen=True)
class Fact:
    procedure_id: int
    intake_agency_id: int
    intake_day: dt.date
    online: bool
    reused: bool
    fee_required: bool
    paid_online: bool
    decide_agency_id: int
    finished_day: dt.date | None
    outcome: str
    processing_days: int | None
    result_issued: bool
    result_electronic: bool
    fully_online: bool
    rated_day: dt.date | None
    score: int | None


FACT_FIELDS = tuple(Fact.__dataclass_fields__)


def local_day(moment: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(moment).date() if moment is not None else None


def outcome_of(finished_day: dt.date, due_date: dt.date) -> str:
    if finished_day < due_date:
        return Outcome.EARLY
    if finished_day == due_date:
        return Outcome.ON_TIME
    return Outcome.LATE


def net_processing_days(clock_day: dt.date, finished_day: dt.date) -> int:
    """Working days from the day the processing clock last started to the decision day.

    The clock restarts from zero when a complete supplement arrives (Decree
    118/2025/NĐ-CP; ``dossiers.supplements.provide_supplement`` moves
    ``clock_started_at``), so the applicant's waiting time is not counted. Always in
    working days, whatever ``ProcedureVersion.processing_unit`` states the limit in.
    """
    return max(0, working_days_between(clock_day, finished_day))


def first_part():
    """The dossier's first started agency part (liên thông), for ``Subquery`` annotations."""
    return AgencyPart.objects.filter(dossier=OuterRef("pk"), started_at__isnull=False).order_by(
        "pk"
    )


def closed_while_waiting():
    """Whether the dossier was refused while waiting for a supplement (``Exists``)."""
    return Exists(
        StatusChange.objects.filter(
            dossier=OuterRef("pk"),
            from_status=Status.WAITING_SUPPLEMENT,
            to_status=Status.REFUSED,
        )
    )


def compute_fact(dossier_id: int) -> Fact | None:
    """The dossier's contribution as the database holds it now (None: contributes nothing).

    One query: the dossier, its first agency part, its rating and whether it was closed
    while waiting for a supplement.
    """
    row = (
        Dossier.objects.filter(pk=dossier_id)
        .annotate(
            part_agency=Subquery(first_part().values("agency_id")[:1]),
            part_started=Subquery(first_part().values("started_at")[:1]),
            waiting_closed=closed_while_waiting(),
        )
        .values(
            "status",
            "channel",
            "agency_id",
            "received_at",
            "clock_started_at",
            "due_date",
            "finished_at",
            "fee_vnd",
            "fee_paid_at",
            "fee_paid_online",
            "reused_data",
            "result_electronic",
            "procedure_version__procedure_id",
            "part_agency",
            "part_started",
            "waiting_closed",
            "rating__score",
            "rating__rated_at",
        )
        .first()
    )
    if row is None or row["received_at"] is None:
        return None
    if row["part_started"] is not None:
        intake_agency, intake_at = row["part_agency"], row["part_started"]
    else:
        intake_agency, intake_at = row["agency_id"], row["received_at"]
    intake_day = local_day(intake_at)
    online = row["channel"] == "online"
    fee_required = bool(row["fee_vnd"])
    paid_online = fee_required and row["fee_paid_at"] is not None and row["fee_paid_online"]

    status, finished_day = row["status"], local_day(row["finished_at"])
    settled = (
        finished_day is not None
        and row["due_date"] is not None
        and status in SETTLED_STATUSES
        and not (status == Status.REFUSED and row["waiting_closed"])
    )
    outcome, days = "", None
    result_issued = electronic = fully_online = False
    if settled:
        outcome = outcome_of(finished_day, row["due_date"])
        days = net_processing_days(
            local_day(row["clock_started_at"] or row["received_at"]), finished_day
        )
        result_issued = status in RESULT_STATUSES
        electronic = result_issued and row["result_electronic"]
        fully_online = electronic and online and (paid_online or not fee_required)
    rated = row["rating__rated_at"]
    return Fact(
        procedure_id=row["procedure_version__procedure_id"],
        intake_agency_id=intake_agency,
        intake_day=intake_day,
        online=online,
        reused=bool(row["reused_data"]),
        fee_required=fee_required,
        paid_online=bool(paid_online),
        decide_agency_id=row["agency_id"],
        finished_day=finished_day if settled else None,
        outcome=str(outcome),
        processing_days=days,
        result_issued=result_issued,
        result_electronic=bool(electronic),
        fully_online=bool(fully_online),
        rated_day=local_day(rated),
        score=row["rating__score"] if rated is not None else None,
    )


def stored_fact(dossier_id: int) -> Fact | None:
    row = DossierFact.objects.filter(dossier_id=dossier_id).values(*FACT_FIELDS).first()
    return Fact(**row) if row else None


def contributions(fact: Fact | None) -> tuple[dict, Counter]:
    """(rollup key -> Counter of counters, histogram key -> count) for one fact."""
    rollup: dict[tuple, Counter] = defaultdict(Counter)
    histogram: Counter = Counter()
    if fact is None:
        return rollup, histogram
    intake = rollup[(fact.intake_day, fact.intake_agency_id, fact.procedure_id)]
    intake["received"] += 1
    intake["online"] += fact.online
    intake["reused"] += fact.reused
    intake["fee_required"] += fact.fee_required
    intake["paid_online"] += fact.paid_online
    if fact.outcome:
        key = (fact.finished_day, fact.decide_agency_id, fact.procedure_id)
        settled = rollup[key]
        settled["finished"] += 1
        settled[str(fact.outcome)] += 1
        settled["days_sum"] += fact.processing_days
        settled["results"] += fact.result_issued
        settled["results_electronic"] += fact.result_electronic
        settled["fully_online"] += fact.fully_online
        histogram[(*key, fact.processing_days)] += 1
    if fact.rated_day is not None:
        rated = rollup[(fact.rated_day, fact.decide_agency_id, fact.procedure_id)]
        rated["ratings"] += 1
        rated["rating_sum"] += fact.score
        rated["satisfied"] += fact.score >= settings.MOTCUA_KPI_SATISFIED_MIN_SCORE
    return rollup, histogram


def counter_difference(old: tuple[dict, Counter], new: tuple[dict, Counter]) -> tuple[dict, dict]:
    """What to add to the rollups to go from ``old`` to ``new`` contributions.

    Each side is ``(rollup, histogram)``: rollup key -> counters, histogram key -> count.
    Only the keys and counters that change are returned. Shared with ``federation``.
    """
    (old_rollup, old_hist), (new_rollup, new_hist) = old, new
    rollup = {}
    for key in old_rollup.keys() | new_rollup.keys():
        delta = {
            name: new_rollup[key][name] - old_rollup[key][name]
            for name in old_rollup[key].keys() | new_rollup[key].keys()
        }
        delta = {name: value for name, value in delta.items() if value}
        if delta:
            rollup[key] = delta
    histogram = {
        key: new_hist[key] - old_hist[key]
        for key in old_hist.keys() | new_hist.keys()
        if new_hist[key] != old_hist[key]
    }
    return rollup, histogram


def _difference(old: Fact | None, new: Fact | None) -> tuple[dict, dict]:
    return counter_difference(contributions(old), contributions(new))


def add_counts(model, key: dict, delta: dict) -> None:
    """Add ``delta`` to the row ``key`` of ``model``, creating the row when it is new."""
    changes = {name: F(name) + value for name, value in delta.items()}
    if model.objects.filter(**key).update(**changes):
        return
    try:
        with transaction.atomic():  # a savepoint: a concurrent insert must not poison us
            model.objects.create(**key, **delta)
    except IntegrityError:
        model.objects.filter(**key).update(**changes)


def _by_month(deltas: dict) -> dict:
    """The same deltas keyed by the first day of their month (the monthly tables' key)."""
    monthly: dict[tuple, Counter] = defaultdict(Counter)
    for (day, *rest), delta in deltas.items():
        monthly[(day.replace(day=1), *rest)].update(delta)
    return {
        key: {name: value for name, value in delta.items() if value}
        for key, delta in monthly.items()
        if any(delta.values())
    }


def _apply(rollup: dict, histogram: dict) -> None:
    # Sorted keys: two transactions touching the same rows lock them in the same order.
    for model, deltas in ((DailyRollup, rollup), (MonthlyRollup, _by_month(rollup))):
        for (day, agency, procedure), delta in sorted(deltas.items()):
            add_counts(model, {"day": day, "agency_id": agency, "procedure_id": procedure}, delta)
    hist_deltas = {key: {"count": delta} for key, delta in histogram.items()}
    for model, deltas in (
        (ProcessingDaysCount, hist_deltas),
        (MonthlyProcessingDaysCount, _by_month(hist_deltas)),
    ):
        for (day, agency, procedure, days), delta in sorted(deltas.items()):
            key = {"day": day, "agency_id": agency, "procedure_id": procedure, "days": days}
            add_counts(model, key, delta)


def refresh_dossier(dossier_id: int) -> bool:
    """Bring the dossier's fact and the rollups up to date. Returns True if anything changed.

    Call inside the transaction that changed the dossier (the dossier row is locked there,
    so two refreshes of one dossier never interleave).
    """
    old, new = stored_fact(dossier_id), compute_fact(dossier_id)
    if old == new:
        return False
    _apply(*_difference(old, new))
    if new is None:
        DossierFact.objects.filter(dossier_id=dossier_id).delete()
    elif old is None:
        DossierFact.objects.create(dossier_id=dossier_id, **asdict(new))
    else:
        DossierFact.objects.filter(dossier_id=dossier_id).update(**asdict(new))
    return True
