"""What other apps may read of PAKN: the facts the satisfaction indicators are built on.

``monitoring`` (the national indicators, Decision 766/QĐ-TTg's "mức độ hài lòng"
group: PAKN handled on time, satisfaction with the handling, and 100 % − late −
dossiers complained about) imports :func:`pakn_facts`; nothing else of this app.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from .models import Feedback, Status, Subject


@dataclass(frozen=True)
class PaknFacts:
    """PAKN of some agencies in a period (``start``..``end``, both days included).

    - ``received``: received in the period.
    - ``due_in_period``: whose answer was due in the period (deadline in the period).
    - ``handled``: answered in the period.
    - ``handled_on_time``: answered in the period, on or before their deadline.
    - ``late``: due in the period and answered after the deadline, or not answered and
      the deadline has passed (as of today): each late PAKN counts once, in the period
      of its deadline.
    - ``rated``: answers rated in the period; ``satisfied``: of those, "hài lòng".
    - ``dossiers_complained``: ids of the dossiers of these agencies that a PAKN received
      in the period is about.
    """

    received: int = 0
    due_in_period: int = 0
    handled: int = 0
    handled_on_time: int = 0
    late: int = 0
    rated: int = 0
    satisfied: int = 0
    dossiers_complained: frozenset[int] = frozenset()


def pakn_facts(agency_ids: list[int], start: dt.date, end: dt.date) -> PaknFacts:
    """The PAKN facts of the agencies ``agency_ids`` (the responsible agency, exactly
    these ids: pass the subtree if wanted) from ``start`` to ``end`` included."""
    ids = list(agency_ids)
    base = Feedback.objects.filter(agency_id__in=ids).annotate(
        answered_day=TruncDate("answered_at")
    )
    received = base.filter(received_at__date__range=(start, end))
    due = base.filter(due_date__range=(start, end))
    handled = base.filter(status=Status.ANSWERED, answered_day__range=(start, end))
    today = timezone.localdate()
    late = due.filter(
        Q(status=Status.ANSWERED, answered_day__gt=F("due_date"))
        | Q(status=Status.RECEIVED, due_date__lt=today)
    )
    rated = base.filter(rated_at__date__range=(start, end), satisfied__isnull=False)
    complained = (
        Feedback.objects.filter(
            subject=Subject.DOSSIER,
            dossier__agency_id__in=ids,
            received_at__date__range=(start, end),
        )
        .values_list("dossier_id", flat=True)
        .distinct()
    )
    return PaknFacts(
        received=received.count(),
        due_in_period=due.count(),
        handled=handled.count(),
        handled_on_time=handled.filter(answered_day__lte=F("due_date")).count(),
        late=late.count(),
        rated=rated.count(),
        satisfied=rated.filter(satisfied=True).count(),
        dossiers_complained=frozenset(complained),
    )
