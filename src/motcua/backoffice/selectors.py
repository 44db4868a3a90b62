"""Reads for the back office: queues, search, keyset pages, deadline colours."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import ProcedureVersion
from motcua.dossiers import digitisation, supplements, timelimits
from motcua.dossiers.models import ApologyLetter, Dossier, Status
from motcua.payments.selectors import payments_of
from motcua.workdays.calendar import add_working_days

from .scope import dossiers_for, officer_agencies

PAGE_SIZE = 25

OPEN_STATUSES = (
    Status.SUBMITTED,
    Status.RECEIVED,
    Status.IN_PROCESS,
    Status.WAITING_SUPPLEMENT,
    Status.APPROVED,
    Status.RESULT_ISSUED,
)
# A deadline only runs once the dossier has been received and until it is decided.
RUNNING_CLOCK = (Status.RECEIVED, Status.IN_PROCESS)


@dataclass(frozen=True)
class Queue:
    slug: str
    label: str
    # The sort key (a Dossier field) and its direction; every queue has an index on it.
    order: str
    ascending: bool = True


QUEUES = [
    Queue("moi", _("Mới, chờ tiếp nhận (kể cả liên thông)"), "submitted_at"),
    Queue("viec-cua-toi", _("Việc của tôi"), "due_date"),
    Queue("dang-xu-ly", _("Đang xử lý"), "due_date"),
    Queue("sap-den-han", _("Sắp đến hạn"), "due_date"),
    Queue("qua-han", _("Quá hạn"), "due_date"),
    Queue("cho-bo-sung", _("Chờ bổ sung"), "paused_at"),
    Queue("xin-loi", _("Văn bản xin lỗi, gia hạn chờ duyệt"), "due_date"),
    Queue("tat-ca", _("Tất cả / tra cứu"), "created_at", ascending=False),
]
QUEUE_BY_SLUG = {q.slug: q for q in QUEUES}
ORDER_LABELS = {
    ("submitted_at", True): _("nộp sớm nhất trước"),
    ("due_date", True): _("hạn gần nhất trước"),
    ("received_at", True): _("tiếp nhận sớm nhất trước"),
    ("paused_at", True): _("chờ lâu nhất trước"),
    ("created_at", False): _("mới nhất trước"),
    ("received_at", False): _("tiếp nhận gần nhất trước"),
}
QUEUE_SLUGS = set(QUEUE_BY_SLUG)
DEFAULT_QUEUE = "moi"
MY_OPEN = (
    Status.RECEIVED,
    Status.IN_PROCESS,
    Status.WAITING_SUPPLEMENT,
    Status.APPROVED,
    Status.RESULT_ISSUED,
)


def _queue_filter(slug: str, user, today: dt.date) -> Q:
    if slug == "moi":
        # Submitted online, or sent by another agency (liên thông) and not yet accepted.
        return Q(status__in=(Status.SUBMITTED, Status.TRANSFERRED))
    if slug == "viec-cua-toi":
        return Q(assignee_id=user.pk, status__in=MY_OPEN)
    if slug == "dang-xu-ly":
        # A running clock always has a due date (set on receipt): most urgent first.
        return Q(status__in=RUNNING_CLOCK, due_date__isnull=False)
    if slug == "sap-den-han":
        soon = add_working_days(today, 1)
        return Q(status__in=RUNNING_CLOCK, due_date__gte=today, due_date__lte=soon)
    if slug == "qua-han":
        return Q(status__in=RUNNING_CLOCK, due_date__lt=today)
    if slug == "cho-bo-sung":
        return Q(status=Status.WAITING_SUPPLEMENT)
    if slug == "xin-loi":
        return Q(
            status__in=(*RUNNING_CLOCK, Status.WAITING_SUPPLEMENT),
            pk__in=ApologyLetter.objects.filter(status=ApologyLetter.Status.DRAFT).values(
                "dossier_id"
            ),
        )
    return Q()


# A tab's badge counts up to this many and then shows "999+": a badge tells how much
# work waits, and counting every one of a province's 80,000 open dossiers per page view
# would cost more than the page itself. The monitoring pages give exact figures.
COUNT_CAP = 999


def queue_counts(user, today: dt.date | None = None) -> dict[str, int]:
    """The number of dossiers in each queue ``user`` can see, up to COUNT_CAP + 1
    ("tat-ca" is not counted).

    One indexed, bounded COUNT per queue rather than one pass over all the agency's
    dossiers: a queue is a small slice of millions of finished dossiers.
    """
    today = today or timezone.localdate()
    visible = dossiers_for(user)
    return {
        q.slug: visible.filter(_queue_filter(q.slug, user, today))
        .values("pk")[: COUNT_CAP + 1]
        .count()
        for q in QUEUES
        if q.slug != "tat-ca"
    }


@dataclass(frozen=True)
class Search:
    code: str = ""
    applicant: str = ""
    procedure: str = ""
    status: str = ""
    received_from: dt.date | None = None
    received_to: dt.date | None = None

    @property
    def is_empty(self) -> bool:
        return not any((self.code, self.applicant, self.procedure, self.status)) and not (
            self.received_from or self.received_to
        )


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _apply_search(qs: QuerySet[Dossier], search: Search) -> QuerySet[Dossier]:
    if search.code:
        # Codes are upper case; a case-sensitive prefix can use the unique index.
        qs = qs.filter(code__startswith=search.code.strip().upper())
    if search.applicant:
        # On PostgreSQL a trigram index on UPPER(name) serves this (migration 0003).
        qs = qs.filter(applicant__name__icontains=search.applicant.strip())
    if search.procedure:
        # The versions first (a tiny query): a literal list lets the planner walk the
        # agency's date index instead of joining the catalogue for every dossier.
        versions = list(
            ProcedureVersion.objects.filter(
                procedure__code__iexact=search.procedure.strip()
            ).values_list("pk", flat=True)
        )
        qs = qs.filter(procedure_version_id__in=versions)
    if search.status:
        qs = qs.filter(status=search.status)
    # Compare with moments rather than received_at::date so the index can be used.
    if search.received_from:
        qs = qs.filter(received_at__gte=_start_of(search.received_from))
    if search.received_to:
        qs = qs.filter(received_at__lt=_start_of(search.received_to + dt.timedelta(days=1)))
    return qs


def encode_cursor(queue: Queue, dossier: Dossier) -> str:
    value = getattr(dossier, queue.order)
    return f"{value.isoformat() if value is not None else ''}_{dossier.pk}"


def decode_cursor(queue: Queue, value: str) -> tuple[dt.date | dt.datetime, int] | None:
    """(sort value, id) from a ``sau`` parameter, or None when it is malformed."""
    moment, _sep, pk = (value or "").rpartition("_")
    try:
        if queue.order == "due_date":
            parsed = dt.date.fromisoformat(moment)
        else:
            parsed = parse_datetime(moment)
        return (parsed, int(pk)) if parsed else None
    except ValueError:
        return None


@dataclass
class Page:
    dossiers: list[Dossier]
    next_cursor: str | None
    order_label: str = ""


def queue_page(
    user,
    queue: str = DEFAULT_QUEUE,
    search: Search | None = None,
    after: str = "",
    today: dt.date | None = None,
    reverse: bool = False,
) -> Page:
    """One page of ``queue`` for ``user`` in the queue's order (or its reverse), after the
    ``after`` cursor.

    Keyset pagination on (the queue's sort key, id): the cost of a page does not grow
    with its depth. An unknown queue falls back to the default one.
    """
    today = today or timezone.localdate()
    spec = QUEUE_BY_SLUG.get(queue) or QUEUE_BY_SLUG[DEFAULT_QUEUE]
    search = search or Search()
    if spec.slug == "tat-ca" and (search.received_from or search.received_to):
        # Searching by dates of receipt: list by date of receipt (its own index).
        spec = Queue(spec.slug, spec.label, "received_at", ascending=False)
    label = str(ORDER_LABELS[(spec.order, spec.ascending)])
    if reverse:
        spec = Queue(spec.slug, spec.label, spec.order, not spec.ascending)
    key = spec.order
    ordering = [key, "id"] if spec.ascending else [f"-{key}", "-id"]

    def narrowed(qs: QuerySet[Dossier]) -> QuerySet[Dossier]:
        qs = _apply_search(qs.filter(_queue_filter(spec.slug, user, today)), search)
        cursor = decode_cursor(spec, after) if after else None
        if cursor:
            value, pk = cursor
            beyond = "gt" if spec.ascending else "lt"
            # The inclusive bound lets the index start at the cursor; the OR breaks ties.
            qs = qs.filter(
                Q(**{f"{key}__{beyond}e": value}),
                Q(**{f"{key}__{beyond}": value}) | Q(**{f"pk__{beyond}": pk}),
            )
        return qs

    agencies = officer_agencies(user)
    if (
        connection.features.supports_slicing_ordering_in_compound
        and agencies is not None
        and 1 < len(agencies) <= MAX_UNION_AGENCIES
    ):
        ids = _ids_per_agency(
            narrowed(Dossier.objects.exclude(status=Status.DRAFT)), agencies, key, ordering
        )
        found = Dossier.objects.select_related(*PAGE_RELATED).in_bulk(ids)
        rows = [found[pk] for pk in ids if pk in found]
    else:
        rows = list(
            narrowed(dossiers_for(user))
            .select_related(*PAGE_RELATED)
            .order_by(*ordering)[: PAGE_SIZE + 1]
        )
    has_more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return Page(
        rows,
        encode_cursor(spec, rows[-1]) if has_more else None,
        label,
    )


PAGE_RELATED = ("applicant", "agency", "procedure_version__procedure", "assignee", "current_step")
# Above this many agencies (a province's supervisor) one scan of the whole table is cheaper.
MAX_UNION_AGENCIES = 400


def _ids_per_agency(qs: QuerySet[Dossier], agencies, key: str, ordering) -> list[int]:
    """The first page's ids when the officer sees several agencies: one ordered, limited
    index scan per agency, merged (PostgreSQL cannot walk an (agency, key) index in key
    order across a list of agencies, so a single query sorts every matching row)."""
    parts = [
        qs.filter(agency_id=agency).order_by(*ordering).values_list("id", key)[: PAGE_SIZE + 1]
        for agency in sorted(agencies)
    ]
    merged = parts[0].union(*parts[1:], all=True).order_by(*ordering)[: PAGE_SIZE + 1]
    return [row[0] for row in merged]


def _colour(due: dt.date | None, dossier: Dossier, today: dt.date | None) -> str:
    if not due or dossier.status not in RUNNING_CLOCK:
        return ""
    today = today or timezone.localdate()
    if due < today:
        return "overdue"
    if due <= add_working_days(today, 1):
        return "due_soon"
    return ""


def deadline_state(dossier: Dossier, today: dt.date | None = None) -> str:
    """ "overdue", "due_soon" (due within 1 working day) or "" for the due-date colour."""
    return _colour(dossier.due_date, dossier, today)


def _hours(value: float) -> str:
    """Working hours to the half hour, Vietnamese style: 3,5."""
    rounded = round(value * 2) / 2
    return f"{rounded:g}".replace(".", ",")


def intake_time(dossier: Dossier, now: dt.datetime | None = None) -> tuple[str, str]:
    """(text, colour) of an online dossier's intake limit in the "new" queue: the working
    hours left of the 8 (Decree 118/2025/NĐ-CP), or by how much it is late."""
    if dossier.status != Status.SUBMITTED or not dossier.intake_due_at:
        return "", ""
    left = timelimits.working_hours_left(dossier.intake_due_at, now or timezone.now())
    if left < 0:
        return _("Quá hạn tiếp nhận %(hours)s giờ") % {"hours": _hours(-left)}, "overdue"
    text = _("Còn %(hours)s giờ làm việc") % {"hours": _hours(left)}
    return text, "due_soon" if left <= 2 else ""


def supplement_requests(dossier: Dossier) -> list:
    """The dossier's requests to complete it (form 02), oldest first."""
    return list(dossier.supplement_request_set.select_related("requested_by").order_by("number"))


def processing_periods(dossier: Dossier) -> list:
    """The processing periods ("Lần 1: từ … đến …; Lần 2: từ …")."""
    return supplements.processing_periods(dossier)


def history(dossier: Dossier) -> QuerySet:
    """The dossier's status changes, oldest first, with who made them."""
    return dossier.history.select_related("actor").order_by("at", "pk")


# Not while waiting for a supplement: the completed dossier restarts its time from zero.
APOLOGY_STATUSES = RUNNING_CLOCK


def step_deadline_state(dossier: Dossier, today: dt.date | None = None) -> str:
    """The colour of the current step's deadline, like ``deadline_state``."""
    return _colour(dossier.step_due_date, dossier, today)


def step_records(dossier: Dossier) -> QuerySet:
    """The dossier's passes through the internal process, oldest first."""
    return dossier.steps.select_related("agency", "assignee", "finished_by").order_by(
        "started_at", "pk"
    )


def agency_parts(dossier: Dossier) -> QuerySet:
    """Each agency's timed part of an inter-agency dossier."""
    return dossier.agency_parts.select_related("agency").order_by("pk")


def attachments(dossier: Dossier) -> QuerySet:
    return dossier.attachments.select_related("component").order_by("uploaded_at", "pk")


def apologies(dossier: Dossier) -> list[ApologyLetter]:
    return list(
        dossier.apologies.select_related("drafted_by", "decided_by").order_by("drafted_at", "pk")
    )


def fee_panel(dossier: Dossier, allowed: set[str]) -> dict:
    """What the dossier page shows about the fee, and the buttons ``allowed`` gives."""
    payments = list(payments_of(dossier))
    return {
        "payments": payments,
        "can_collect_fee": "collect_fee" in allowed
        and bool(dossier.fee_vnd)
        and dossier.fee_paid_at is None
        and dossier.status not in ("draft", "refused", "withdrawn", "stopped"),
        "can_refund_at_desk": "refund_at_desk" in allowed,
    }


def digitise_panel(dossier: Dossier, permitted: set[str]) -> dict:
    """What the dossier page needs to mark scans digitised after intake: the files the
    officer may still mark (``dossiers.digitisation.digitisable``), and the components
    a whole-dossier scan may be named as."""
    if "digitise" not in permitted:
        return {"digitisable_ids": set(), "digitise_components": []}
    ids = {
        a.pk
        for a in dossier.attachments.filter(kind__in=digitisation.DIGITISABLE_KINDS)
        if digitisation.digitisable(dossier, a)
    }
    components = list(dossier.procedure_version.components.order_by("position")) if ids else []
    return {"digitisable_ids": ids, "digitise_components": components}
