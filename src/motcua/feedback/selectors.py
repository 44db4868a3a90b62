"""Reading PAKN: the sender's own, the look-up, the published list, the officers' queues."""

from __future__ import annotations

import datetime as dt
import hmac

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from motcua.workdays.calendar import add_working_days

from .models import Feedback, Status

# The officers' queues (``/mot-cua/phan-anh-kien-nghi/?hang=``).
QUEUES = ("moi", "sap-den-han", "qua-han", "da-tra-loi", "tat-ca")
DEFAULT_QUEUE = "moi"


def feedback_of(applicant) -> QuerySet[Feedback]:
    """The PAKN ``applicant`` sent while signed in, newest first."""
    return Feedback.objects.filter(applicant=applicant).select_related("agency", "dossier")


def own_feedback(applicant, public_id) -> Feedback:
    """One PAKN of ``applicant``; raises Feedback.DoesNotExist (a 404) otherwise."""
    return feedback_of(applicant).get(public_id=public_id)


def find_for_lookup(code: str, secret: str) -> Feedback | None:
    """The PAKN with this code and look-up secret (compared in constant time), or None."""
    code = (code or "").strip().upper()
    secret = (secret or "").strip().upper()
    feedback = Feedback.objects.select_related("agency").filter(code=code).first()
    if feedback is None or not secret:
        return None
    if not hmac.compare_digest(feedback.lookup_secret.upper(), secret):
        return None
    return feedback


def published(query: str = "") -> QuerySet[Feedback]:
    """Published PAKN, newest answer first; ``query`` searches the published texts, the
    code and the agency's name (never the unpublished, personal ones)."""
    qs = Feedback.objects.filter(published_at__isnull=False).select_related("agency")
    for word in (query or "").split()[:8]:
        qs = qs.filter(
            Q(published_title__icontains=word)
            | Q(published_question__icontains=word)
            | Q(published_answer__icontains=word)
            | Q(code__iexact=word)
            | Q(agency__name__icontains=word)
        )
    return qs.order_by("-published_at", "-pk")


def due_soon_limit(today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    return add_working_days(today, int(getattr(settings, "MOTCUA_PAKN_DUE_SOON_DAYS", 2)))


def queue(base: QuerySet[Feedback], slug: str, today: dt.date | None = None) -> QuerySet[Feedback]:
    """One queue of ``base`` (already limited to the officer's agencies)."""
    today = today or timezone.localdate()
    open_ = base.filter(status=Status.RECEIVED)
    if slug == "moi":
        return open_.filter(due_date__gte=today).order_by("due_date", "received_at")
    if slug == "sap-den-han":
        return open_.filter(due_date__gte=today, due_date__lte=due_soon_limit(today)).order_by(
            "due_date", "received_at"
        )
    if slug == "qua-han":
        return open_.filter(due_date__lt=today).order_by("due_date", "received_at")
    if slug == "da-tra-loi":
        return base.filter(status=Status.ANSWERED).order_by("-answered_at")
    return base.order_by("-received_at")


def queue_counts(base: QuerySet[Feedback], today: dt.date | None = None) -> dict[str, int]:
    return {slug: queue(base, slug, today).count() for slug in QUEUES}


def answered_on_time(feedback: Feedback) -> bool | None:
    """True when answered on or before its due date, False after; None when not answered."""
    if feedback.answered_at is None:
        return None
    return timezone.localdate(feedback.answered_at) <= feedback.due_date
