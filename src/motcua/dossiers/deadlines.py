"""Deadlines that need someone's attention (Decree 118/2025/NĐ-CP; Circular 03/2025/TT-VPCP;
docs/ONE_STOP.md):

* **Intake**: an online dossier neither received nor asked to be completed within
  8 working hours of its arrival (``intake_due_at``) is flagged (``intake_overdue_at``).
* **Rescheduling**: ``MOTCUA_APOLOGY_LEAD_DAYS`` working days (2 by default) before a
  dossier's legal due date, if it is still being processed, the system drafts the apology
  letter ("Văn bản xin lỗi và
  đề nghị gia hạn thời gian giải quyết", form 04) with a new appointment date; a leader
  approves it (possibly with another date) and it is sent. A dossier is rescheduled at
  most once (one sent letter), and an officer drafts a letter no later than one working
  day before the due date. The letter must reach the applicant at the latest one working
  day before the due date; a leader approving later is still allowed (sending a late
  apology is better than none) but the approval is recorded as late (``late`` in the
  audit data) and the leader is warned first. No letter is drafted or approved while the
  dossier waits for a supplement: the completed dossier restarts the time from zero.
* **Supplements**: a dossier not completed within ``supplement_days`` working days of
  the request (``supplement_due_date``, 15 by default) is closed on the next day
  (``expire_supplement``), and the applicant is told (``notifications``).

``check_deadlines`` runs all three (``dry_run``: only lists what it would do); the
``check_deadlines`` command runs it daily (cron, Celery beat) — several times a day is
fine, and is what the 8-hour limit needs. Each dossier is handled in its own transaction.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.audit.services import record
from motcua.workdays.calendar import add_working_days

from .exceptions import DossierError
from .models import ApologyLetter, Dossier, Status
from .services import announce, transition
from .supplements import supplement_days

RUNNING = (Status.RECEIVED, Status.IN_PROCESS)
# A dossier settled by another instance (its agency's ``home_instance``, the dossier
# exchange, docs/EXCHANGE.md) is a copy kept in sync: the settling side flags it late,
# apologises and closes it, and the copy follows from its messages.
SETTLED_HERE = {"agency__home_instance": ""}


def _today() -> dt.date:
    return timezone.localdate()


def remaining_days(dossier: Dossier) -> int:
    """Working days the steps after the current one still need (at least 1)."""
    steps = dossier.procedure_version.steps.order_by("position")
    if dossier.current_step_id:
        steps = steps.filter(position__gte=dossier.current_step.position)
    return max(1, math.ceil(sum(s.days for s in steps)))


def proposed_date(dossier: Dossier, today: dt.date | None = None) -> dt.date:
    """The new appointment date an apology proposes: today plus the remaining steps."""
    today = today or _today()
    start = max(today, dossier.due_date) if dossier.due_date else today
    return add_working_days(start, remaining_days(dossier))


@transaction.atomic
def draft_apology(
    dossier: Dossier, *, reason: str, new_date: dt.date | None = None, by=None
) -> ApologyLetter:
    """Draft an apology letter for a late dossier (by an officer, or the system: by=None).

    Raises DossierError when the dossier is not being processed, already has a draft or
    a sent letter (rescheduled at most once), an officer drafts it later than one working
    day before the due date (the system's job may: it runs on that day at the latest),
    or the new date is not after today.
    """
    locked = Dossier.objects.select_for_update(of=("self",)).get(pk=dossier.pk)
    _check_not_waiting(locked)
    if locked.status not in RUNNING:
        raise DossierError(
            _("Chỉ lập văn bản xin lỗi và đề nghị gia hạn cho hồ sơ đang được xử lý."),
            code="apology_state",
        )
    _check_not_rescheduled(locked)
    if by is not None and locked.due_date and _today() > latest_apology_day(locked):
        raise DossierError(
            _(
                "Văn bản xin lỗi và đề nghị gia hạn phải được lập chậm nhất 01 ngày làm việc "
                "trước ngày hết hạn giải quyết (%(day)s); nay đã quá thời điểm đó."
            )
            % {"day": locked.due_date.strftime("%d/%m/%Y")},
            code="apology_too_late",
        )
    new_date = new_date or proposed_date(locked)
    _check_new_date(new_date)
    try:
        with transaction.atomic():
            letter = ApologyLetter.objects.create(
                dossier=locked,
                reason=reason.strip(),
                new_date=new_date,
                drafted_at=timezone.now(),
                drafted_by=by,
            )
    except IntegrityError:
        raise DossierError(
            _("Hồ sơ này đã có một văn bản xin lỗi và đề nghị gia hạn đang chờ lãnh đạo duyệt."),
            code="apology_exists",
        ) from None
    record(
        "dossier.apology_drafted",
        actor=by,
        obj=locked,
        data={"code": locked.code, "new_date": new_date.isoformat()},
    )
    return letter


def latest_apology_day(dossier: Dossier) -> dt.date:
    """The last day the letter may be made: one working day before the due date."""
    return add_working_days(dossier.due_date, -1)


def approval_is_late(dossier: Dossier, today: dt.date | None = None) -> bool:
    """Whether approving the apology now sends it later than the law wants: after one
    working day before the due date (the approval is allowed, recorded as late)."""
    if not dossier.due_date:
        return False
    return (today or _today()) > latest_apology_day(dossier)


def _check_not_waiting(dossier: Dossier) -> None:
    # A dossier waiting for a supplement restarts its time from zero once completed
    # (Decree 118/2025/NĐ-CP): there is nothing to apologise for yet.
    if dossier.status == Status.WAITING_SUPPLEMENT:
        raise DossierError(
            _(
                "Hồ sơ đang chờ người nộp bổ sung, hoàn thiện; khi nhận đủ hồ sơ, thời gian "
                "giải quyết được tính lại từ đầu nên không lập hay gửi văn bản xin lỗi và đề "
                "nghị gia hạn trong thời gian này."
            ),
            code="apology_waiting_supplement",
        )


def _check_not_rescheduled(dossier: Dossier) -> None:
    if ApologyLetter.objects.filter(dossier=dossier, status=ApologyLetter.Status.SENT).exists():
        raise DossierError(
            _(
                "Hồ sơ này đã được gia hạn thời gian giải quyết một lần; theo Nghị định "
                "118/2025/NĐ-CP chỉ được gia hạn một lần."
            ),
            code="apology_once",
        )


def _check_new_date(new_date: dt.date) -> None:
    if new_date <= _today():
        raise DossierError(_("Ngày hẹn trả mới phải sau ngày hôm nay."), code="apology_date")


@transaction.atomic
def approve_apology(letter: ApologyLetter, *, by, new_date: dt.date | None = None) -> ApologyLetter:
    """The leader approves the draft (optionally with another date); it is sent at once.

    The dossier's appointment date becomes the new date; its legal due date stays, so
    the dossier still counts as late. Raises DossierError when the letter is no longer
    a draft, the dossier waits for a supplement or the date is not after today. An
    approval later than one working day before the due date is allowed but recorded as
    late (``late`` in the audit data; ``approval_is_late`` warns the leader first).
    """
    letter = ApologyLetter.objects.select_for_update().select_related("dossier").get(pk=letter.pk)
    if letter.status != ApologyLetter.Status.DRAFT:
        raise DossierError(
            _("Văn bản này đã được xử lý; vui lòng tải lại trang."), code="apology_done"
        )
    _check_not_rescheduled(letter.dossier)
    if new_date:
        letter.new_date = new_date
    _check_new_date(letter.new_date)  # a draft's date may have passed while it waited
    _check_not_waiting(letter.dossier)
    if letter.dossier.status not in RUNNING:
        raise DossierError(
            _("Hồ sơ đã được giải quyết; văn bản này không cần gửi nữa, hãy hủy dự thảo."),
            code="apology_state",
        )
    now = timezone.now()
    letter.status = ApologyLetter.Status.SENT
    letter.decided_at, letter.decided_by = now, by
    try:
        with transaction.atomic():
            letter.save(update_fields=["status", "decided_at", "decided_by", "new_date"])
    except IntegrityError:  # one_sent_apology: another letter was sent meanwhile
        raise DossierError(
            _("Hồ sơ này đã được gia hạn thời gian giải quyết một lần."), code="apology_once"
        ) from None
    dossier = Dossier.objects.select_for_update(of=("self",)).get(pk=letter.dossier_id)
    late = approval_is_late(dossier)
    dossier.appointment_date = letter.new_date
    dossier.save(update_fields=["appointment_date", "updated_at"])
    record(
        "dossier.apology_sent",
        actor=by,
        obj=dossier,
        data={"code": dossier.code, "new_date": letter.new_date.isoformat(), "late": late},
    )
    announce(
        dossier,
        "apology_sent",
        dossier.status,
        by,
        now,
        {"new_date": letter.new_date.isoformat(), "reason": letter.reason},
    )
    return letter


@transaction.atomic
def cancel_apology(letter: ApologyLetter, *, by, reason: str = "") -> ApologyLetter:
    """The leader discards a draft (e.g. the dossier will be on time after all)."""
    letter = ApologyLetter.objects.select_for_update().get(pk=letter.pk)
    if letter.status != ApologyLetter.Status.DRAFT:
        raise DossierError(
            _("Văn bản này đã được xử lý; vui lòng tải lại trang."), code="apology_done"
        )
    letter.status = ApologyLetter.Status.CANCELLED
    letter.decided_at, letter.decided_by = timezone.now(), by
    letter.save(update_fields=["status", "decided_at", "decided_by"])
    record(
        "dossier.apology_cancelled",
        actor=by,
        obj=letter.dossier,
        data={"letter": letter.pk, "reason": reason[:200]},
    )
    return letter


def supplement_deadline(dossier: Dossier) -> dt.date | None:
    """The last day the applicant may complete the dossier (None: not waiting).

    ``supplement_due_date`` is set by the request (and by migration 0008 for dossiers
    already waiting when it was introduced); without it ``supplement_days`` working days
    are counted from ``paused_at``.
    """
    if dossier.supplement_due_date:
        return dossier.supplement_due_date
    if not dossier.paused_at:
        return None
    start = timezone.localtime(dossier.paused_at).date()
    return add_working_days(start, supplement_days(dossier.procedure_version))


@dataclass
class DeadlineReport:
    apologies_drafted: list[str] = field(default_factory=list)
    supplements_closed: list[str] = field(default_factory=list)
    intake_overdue: list[str] = field(default_factory=list)
    dry_run: bool = False


def at_risk(today: dt.date):
    """Dossiers still being processed whose legal due date is at most
    ``MOTCUA_APOLOGY_LEAD_DAYS`` working days away (or past) and that have no apology
    letter yet (a cancelled draft counts: the leader decided none was needed, and the job
    does not draft it again). The letter must reach the applicant at the latest one
    working day before the due date; drafting it earlier leaves the leader time to
    approve it."""
    soon = add_working_days(today, max(1, settings.MOTCUA_APOLOGY_LEAD_DAYS))
    return (
        Dossier.objects.filter(status__in=RUNNING, due_date__lte=soon, **SETTLED_HERE)
        .exclude(pk__in=ApologyLetter.objects.values("dossier_id"))
        .select_related("procedure_version", "current_step")
    )


def check_deadlines(
    today: dt.date | None = None, now: dt.datetime | None = None, *, dry_run: bool = False
) -> DeadlineReport:
    """Flag late online intake; draft apology letters for dossiers that will be late;
    close dossiers whose supplement was not provided in time. Safe to run again.

    ``dry_run``: write nothing, only report the dossiers it would flag, draft for and close.
    """
    today = today or _today()
    now = now or timezone.now()
    report = DeadlineReport(dry_run=dry_run)
    report.intake_overdue = flag_late_intake(now, dry_run=dry_run)
    for dossier in at_risk(today).iterator():
        if dry_run:
            report.apologies_drafted.append(dossier.code)
            continue
        try:
            draft_apology(
                dossier,
                reason=_("Hồ sơ chưa được giải quyết xong trong thời hạn quy định."),
                new_date=proposed_date(dossier, today),
            )
        except DossierError:
            continue  # changed meanwhile (decided, or a letter was drafted by hand)
        report.apologies_drafted.append(dossier.code)
    waiting = Dossier.objects.filter(
        status=Status.WAITING_SUPPLEMENT, **SETTLED_HERE
    ).select_related("procedure_version")
    for dossier in waiting.iterator():
        last_day = supplement_deadline(dossier)
        if last_day is None or last_day >= today:
            continue
        if dry_run:
            report.supplements_closed.append(dossier.code)
            continue
        # Not completed within the limit: the dossier is closed (Decree 118/2025/NĐ-CP),
        # on the first day after it (day 16 of the default 15 working days).
        try:
            transition(
                dossier,
                "expire_supplement",
                note=_(
                    "Quá thời hạn bổ sung, hoàn thiện hồ sơ (hạn cuối %(day)s); hồ sơ được "
                    "kết thúc. Nếu vẫn có nhu cầu, vui lòng nộp hồ sơ mới."
                )
                % {"day": last_day.strftime("%d/%m/%Y")},
            )
        except DossierError:
            continue
        report.supplements_closed.append(dossier.code)
    return report


def flag_late_intake(now: dt.datetime, *, dry_run: bool = False) -> list[str]:
    """Online dossiers neither received nor asked to be completed within their 8 working
    hours: ``intake_overdue_at`` is set once (the monitoring counts late intake)."""
    flagged = []
    late = Dossier.objects.filter(
        status=Status.SUBMITTED, intake_due_at__lt=now, intake_overdue_at=None, **SETTLED_HERE
    )
    if dry_run:
        return list(late.values_list("code", flat=True))
    for dossier in late.iterator():
        with transaction.atomic():
            updated = Dossier.objects.filter(
                pk=dossier.pk, status=Status.SUBMITTED, intake_overdue_at=None
            ).update(intake_overdue_at=now)
            if updated:
                record(
                    "dossier.intake_overdue",
                    obj=dossier,
                    data={"code": dossier.code, "intake_due_at": dossier.intake_due_at.isoformat()},
                )
                flagged.append(dossier.code)
    return flagged
