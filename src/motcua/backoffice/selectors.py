"""Reads for the back office: queues, search, keyset pages, deadline colours."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier, Status
from motcua.workdays.calendar import add_working_days

from .scope import dossiers_for

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


QUEUES = [
    Queue("moi", _("Mới, chờ tiếp nhận")),
    Queue("dang-xu-ly", _("Đang xử lý")),
    Queue("sap-den-han", _("Sắp đến hạn")),
    Queue("qua-han", _("Quá hạn")),
    Queue("cho-bo-sung", _("Chờ bổ sung")),
]
QUEUE_SLUGS = {q.slug for q in QUEUES}
DEFAULT_QUEUE = "moi"


def _queue_filters(today: dt.date) -> dict[str, Q]:
    soon = add_working_days(today, 1)
    return {
        "moi": Q(status=Status.SUBMITTED),
        "dang-xu-ly": Q(status__in=(Status.RECEIVED, Status.IN_PROCESS)),
        "sap-den-han": Q(status__in=RUNNING_CLOCK, due_date__gte=today, due_date__lte=soon),
        "qua-han": Q(status__in=RUNNING_CLOCK, due_date__lt=today),
        "cho-bo-sung": Q(status=Status.WAITING_SUPPLEMENT),
    }


def queue_counts(user, today: dt.date | None = None) -> dict[str, int]:
    """The number of dossiers in each queue ``user`` can see, in one query."""
    today = today or timezone.localdate()
    filters = _queue_filters(today)
    return dossiers_for(user).aggregate(
        **{slug: Count("pk", filter=condition) for slug, condition in filters.items()}
    )


@dataclass(frozen=True)
class Search:
    code: str = ""
    applicant: str = ""
    procedure: str = ""
    status: str = ""
    received_from: dt.date | None = None
    received_to: dt.date | None = None


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _apply_search(qs: QuerySet[Dossier], search: Search) -> QuerySet[Dossier]:
    if search.code:
        # Codes are upper case; a case-sensitive prefix can use the unique index.
        qs = qs.filter(code__startswith=search.code.strip().upper())
    if search.applicant:
        qs = qs.filter(applicant__name__icontains=search.applicant.strip())
    if search.procedure:
        qs = qs.filter(procedure_version__procedure__code__iexact=search.procedure.strip())
    if search.status:
        qs = qs.filter(status=search.status)
    # Compare with moments rather than received_at::date so the index can be used.
    if search.received_from:
        qs = qs.filter(received_at__gte=_start_of(search.received_from))
    if search.received_to:
        qs = qs.filter(received_at__lt=_start_of(search.received_to + dt.timedelta(days=1)))
    return qs


def encode_cursor(dossier: Dossier) -> str:
    return f"{dossier.sort_at.isoformat()}_{dossier.pk}"


def decode_cursor(value: str) -> tuple[dt.datetime, int] | None:
    """(timestamp, id) from a ``sau`` parameter, or None when it is malformed."""
    moment, _sep, pk = (value or "").rpartition("_")
    try:
        parsed = parse_datetime(moment)
        return (parsed, int(pk)) if parsed else None
    except ValueError:
        return None


@dataclass
class Page:
    dossiers: list[Dossier]
    next_cursor: str | None


def queue_page(
    user,
    queue: str = DEFAULT_QUEUE,
    search: Search | None = None,
    after: str = "",
    today: dt.date | None = None,
) -> Page:
    """One page of ``queue`` for ``user``, newest first, after the ``after`` cursor.

    Keyset pagination on (received or submitted time, id): the cost of a page does
    not grow with its depth. An unknown queue falls back to the default one.
    """
    today = today or timezone.localdate()
    filters = _queue_filters(today)
    qs = dossiers_for(user).filter(filters.get(queue, filters[DEFAULT_QUEUE]))
    qs = _apply_search(qs, search or Search())
    qs = qs.annotate(sort_at=Coalesce("received_at", "submitted_at", "created_at"))
    cursor = decode_cursor(after) if after else None
    if cursor:
        moment, pk = cursor
        qs = qs.filter(Q(sort_at__lt=moment) | Q(sort_at=moment, pk__lt=pk))
    rows = list(
        qs.select_related("applicant", "agency", "procedure_version__procedure").order_by(
            "-sort_at", "-pk"
        )[: PAGE_SIZE + 1]
    )
    has_more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    return Page(rows, encode_cursor(rows[-1]) if has_more else None)


def deadline_state(dossier: Dossier, today: dt.date | None = None) -> str:
    """ "overdue", "due_soon" (due within 1 working day) or "" for the due-date colour."""
    if not dossier.due_date or dossier.status not in RUNNING_CLOCK:
        return ""
    today = today or timezone.localdate()
    if dossier.due_date < today:
        return "overdue"
    if dossier.due_date <= add_working_days(today, 1):
        return "due_soon"
    return ""


def history(dossier: Dossier) -> QuerySet:
    """The dossier's status changes, oldest first, with who made them."""
    return dossier.history.select_related("actor").order_by("at", "pk")
