"""The national counts of agencies over a period, read from the dossiers.

Unlike the rollup figures (``selectors.figures_for``), these counts need moments the
rollups do not keep (dossiers still in process at the period's end, supplement requests,
late online intake, digitised components, the population database, the national portal's
deliveries), so they are grouped queries over the dossiers of the period: one per kind
of moment, grouped by agency (and procedure where a count is of procedures). A dossier
counts for its current agency (``Dossier.agency``). PAKN come from ``feedback``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import fields

from django.db.models import CharField, Count, Exists, F, OuterRef, Q
from django.db.models.functions import Cast
from django.utils import timezone

from motcua.catalog.models import Registry
from motcua.dossiers.models import Attachment, Channel, Dossier, Rating, Status
from motcua.events.public import portal_synced_dossiers
from motcua.feedback.public import pakn_facts

from ..facts import closed_while_waiting
from ..periods import Period
from .compute import DISLIKE_MAX_SCORE, NationalFacts

# "Ended" for the portal's timeliness: decided, refused, withdrawn or stopped.
ENDED_STATUSES = (
    Status.APPROVED,
    Status.RESULT_ISSUED,
    Status.RETURNED,
    Status.REFUSED,
    Status.WITHDRAWN,
    Status.STOPPED,
)
ONLINE = Q(channel=Channel.ONLINE) | Q(filed_by__isnull=False)  # assisted filing is online
LATE_ANYWAY = Q(supplement_requests__gt=1) | Q(intake_overdue_at__isnull=False)


# Late for the portal: ended after the legal deadline, or still open past it at the end.
# Closed while waiting for a supplement (``expire_supplement``, or refused then): the due
# date was frozen while the applicant had the dossier, so it is not late for that; the
# agency's own faults (LATE_ANYWAY) still count. Needs ``ended_in``'s annotation.
LATE_ENDED = (
    Q(due_at__lt=F("finished_at")) | Q(due_at__isnull=True, finished_at__date__gt=F("due_date"))
) & Q(waiting_closed=False)


def late_open(period: Period) -> Q:
    """Still in process at the end of ``period`` and already past the deadline.

    Waiting for a supplement at the period's end: the processing time restarts from zero
    when the complete dossier arrives (Decree 118/2025/NĐ-CP; ``dossiers.supplements``),
    so the due date it holds is stale; such a dossier counts as not yet due (on time)
    unless LATE_ANYWAY."""
    _start, end = bounds(period)
    waiting = Q(status=Status.WAITING_SUPPLEMENT) & (
        Q(paused_at__isnull=True) | Q(paused_at__lt=end)
    )
    return (
        Q(due_at__lt=end) | Q(due_at__isnull=True, due_date__lt=period.end + dt.timedelta(days=1))
    ) & ~waiting


def ended_in(period: Period):
    """The dossiers that ended (ENDED_STATUSES) in ``period``, annotated with whether they
    were closed while waiting for a supplement (for LATE_ENDED)."""
    start, end = bounds(period)
    return Dossier.objects.filter(
        received_at__isnull=False,
        finished_at__gte=start,
        finished_at__lt=end,
        status__in=ENDED_STATUSES,
    ).annotate(waiting_closed=closed_while_waiting())


def in_process_at_end(period: Period):
    """The dossiers received and not yet ended at the end of ``period``."""
    _start, end = bounds(period)
    return (
        Dossier.objects.filter(received_at__lt=end)
        .filter(Q(finished_at__isnull=True) | Q(finished_at__gte=end))
        .exclude(status__in=(Status.DRAFT, Status.SUBMITTED))
    )


def bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    """The period's [start, end) as aware datetimes (local days)."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def _datastore_file():
    return Exists(
        Attachment.objects.filter(dossier=OuterRef("pk"), source=Attachment.Source.DATASTORE)
    )


def _population():
    # prefill_sources maps a form path to the registry code that filled it.
    return Q(prefill_text__contains=f'"{Registry.POPULATION.value}"')


def _scope(
    qs,
    agencies: set[int] | None,
    field: str = "agency_id",
    *,
    sector_id: int | None = None,
    level: str | None = None,
):
    """Keep the dossiers of ``agencies`` (None: all) and of the filtered procedures: the
    sector / authority level of the dossier's procedure version (``field``'s prefix
    leads to the dossier)."""
    if agencies is not None:
        qs = qs.filter(**{f"{field}__in": agencies})
    prefix = field.removesuffix("agency_id")  # "" or "dossier__"
    if sector_id is not None:
        qs = qs.filter(**{f"{prefix}procedure_version__sector_id": sector_id})
    if level:
        qs = qs.filter(**{f"{prefix}procedure_version__level": level})
    return qs


class AgencyCounts:
    """Per agency: the summed counts, and per procedure set for the procedure counts."""

    def __init__(self):
        self.facts: dict[int, NationalFacts] = defaultdict(NationalFacts)
        self.procedures: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
        self.synced_measured = False  # a national-portal subscriber exists


def agency_counts(
    period: Period,
    agencies: set[int] | None,
    eligible: set[int],
    fully_online: set[int],
    online_procedures: set[int],
    *,
    sector_id: int | None = None,
    level: str | None = None,
) -> AgencyCounts:
    """Every count per current agency of the dossiers (``agencies``: None for all), of
    the procedures of ``sector_id`` / authority ``level`` when given (the dashboards'
    filters, as the rollup figures apply them)."""
    start, end = bounds(period)
    out = AgencyCounts()
    only = {"sector_id": sector_id, "level": level}
    received = _scope(
        Dossier.objects.filter(received_at__gte=start, received_at__lt=end), agencies, **only
    )
    intake = (
        received.annotate(
            prefill_text=Cast("prefill_sources", CharField()), from_store=_datastore_file()
        )
        .values("agency_id", "procedure_version__procedure_id")
        .annotate(
            n=Count("pk"),
            online=Count("pk", filter=ONLINE),
            fee=Count("pk", filter=Q(fee_vnd__gt=0)),
            paid=Count(
                "pk",
                filter=Q(fee_vnd__gt=0, fee_paid_at__isnull=False, fee_paid_online=True),
            ),
            reused=Count("pk", filter=Q(reused_data=True) | Q(from_store=True)),
            store=Count("pk", filter=Q(from_store=True)),
            population=Count("pk", filter=_population()),
        )
        .order_by()
    )
    for row in intake:
        f, procs = out.facts[row["agency_id"]], out.procedures[row["agency_id"]]
        proc = row["procedure_version__procedure_id"]
        f.received += row["n"]
        f.online += row["online"]
        f.fee_required += row["fee"]
        f.paid_online += row["paid"]
        f.reused += row["reused"]
        f.datastore_used = (f.datastore_used or 0) + row["store"]
        f.population_dossiers = (f.population_dossiers or 0) + row["population"]
        f.eligible_received = (f.eligible_received or 0) + (row["n"] if proc in eligible else 0)
        f.online_fully = (f.online_fully or 0) + (row["online"] if proc in fully_online else 0)
        procs["used"].add(proc)
        if row["fee"]:
            procs["fee"].add(proc)
            if proc in online_procedures:
                procs["fee_online"].add(proc)
        if row["paid"]:
            procs["paid"].add(proc)
        if row["population"]:
            procs["population"].add(proc)

    ended = _scope(ended_in(period), agencies, **only)
    for row in (
        ended.values("agency_id")
        .annotate(n=Count("pk"), late=Count("pk", filter=LATE_ENDED | LATE_ANYWAY))
        .order_by()
    ):
        f = out.facts[row["agency_id"]]
        f.ended, f.ended_late = row["n"], row["late"]

    in_process = _scope(in_process_at_end(period), agencies, **only)
    for row in (
        in_process.values("agency_id")
        .annotate(n=Count("pk"), late=Count("pk", filter=late_open(period) | LATE_ANYWAY))
        .order_by()
    ):
        f = out.facts[row["agency_id"]]
        f.in_process, f.in_process_late = row["n"], row["late"]

    paper = _scope(
        Attachment.objects.filter(
            dossier__received_at__gte=start,
            dossier__received_at__lt=end,
            kind__in=(Attachment.Kind.COMPONENT, Attachment.Kind.COUNTER_SCAN),
        )
        .exclude(dossier__channel=Channel.ONLINE)
        .filter(dossier__filed_by__isnull=True),
        agencies,
        "dossier__agency_id",
        **only,
    )
    for row in (
        paper.values("dossier__agency_id")
        .annotate(n=Count("pk"), done=Count("pk", filter=Q(digitised=True)))
        .order_by()
    ):
        f = out.facts[row["dossier__agency_id"]]
        f.paper_components, f.paper_components_digitised = row["n"], row["done"]

    ratings = _scope(
        Rating.objects.filter(rated_at__gte=start, rated_at__lt=end),
        agencies,
        "dossier__agency_id",
        **only,
    )
    for row in (
        ratings.values("dossier__agency_id")
        .annotate(bad=Count("pk", filter=Q(score__lte=DISLIKE_MAX_SCORE)))
        .order_by()
    ):
        f = out.facts[row["dossier__agency_id"]]
        f.disliked = row["bad"]

    synced = portal_synced_dossiers(received.values("pk"))
    if synced is not None:
        for row in (
            Dossier.objects.filter(pk__in=synced)
            .values("agency_id")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            out.facts[row["agency_id"]].synced = row["n"]
        out.synced_measured = True
    return out


def national_facts(
    nodes: Iterable[int | None],
    period: Period,
    *,
    tree,
    states: dict,
    owners,
    sector_id: int | None = None,
    level: str | None = None,
) -> dict[int | None, tuple[NationalFacts, object]]:
    """(facts, PAKN facts) of each node (an agency with everything below it; None: all).

    ``states`` are the procedures in force at the period's end (``CatalogHistory``),
    ``owners(agency_id, wanted)`` the nodes an agency's counts add up to; ``sector_id``
    / ``level`` keep the dossiers of those procedures (PAKN are not per procedure and
    stay unfiltered).
    """
    nodes = list(dict.fromkeys(nodes))
    wanted = set(nodes)
    if None in wanted:
        agencies = None
    else:
        agencies = set()
        for node in nodes:
            agencies |= tree.members(node) or set()
    eligible = {p for p, s in states.items() if s.eligible}
    fully = {p for p, s in states.items() if s.fully_online}
    online = {p for p, s in states.items() if s.online}
    only = {"sector_id": sector_id, "level": level}
    counts = agency_counts(period, agencies, eligible, fully, online, **only)
    result: dict[int | None, NationalFacts] = {node: NationalFacts() for node in nodes}
    procedure_sets: dict[int | None, dict[str, set[int]]] = {
        node: defaultdict(set) for node in nodes
    }
    for agency_id, facts in counts.facts.items():
        for node in owners(agency_id, wanted):
            result[node].add(facts)
            for key, procs in counts.procedures[agency_id].items():
                procedure_sets[node][key] |= procs
    start, end = bounds(period)
    out = {}
    for node in nodes:
        f, procs = result[node], procedure_sets[node]
        # Read from this instance's dossiers: nothing found is 0, not "not measured"
        # (only the national-portal sync stays None without a portal subscriber).
        for attr in (x.name for x in fields(f)):
            if getattr(f, attr) is None and attr != "synced":
                setattr(f, attr, 0)
        if counts.synced_measured and f.synced is None:
            f.synced = 0
        f.procedures_used = len(procs["used"])
        f.procedures_with_fee = len(procs["fee"])
        f.procedures_fee_online = len(procs["fee_online"])
        f.procedures_paid_online = len(procs["paid"])
        f.procedures_population = len(procs["population"])
        members = tree.members(node)
        ids = sorted(members) if members is not None else sorted(tree.rows)
        pakn = pakn_facts(ids, period.start, period.end)
        complained = set(getattr(pakn, "dossiers_complained", set()) or set())
        if complained:
            f.complained = _scope(
                Dossier.objects.filter(pk__in=complained), members, **only
            ).count()
        else:
            f.complained = 0
        out[node] = (f, pakn)
    return out
