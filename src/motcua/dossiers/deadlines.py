"""Deadlines that need someone's attention: apology letters and overdue supplements.

* When a dossier will be late (its legal due date is today or the next working day, or
  has passed, and it is still being processed), the system drafts an apology letter
  (phiếu xin lỗi và hẹn lại ngày trả kết quả) with a new appointment date; a leader
  approves it (possibly with another date) and it is sent to the citizen.
* A dossier waiting for a supplement longer than the procedure allows is flagged and,
  where the procedure says so, closed.

``check_deadlines`` runs both; the ``check_deadlines`` command runs it daily (cron,
Celery beat). Each dossier is handled in its own transaction.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.audit.services import record
from motcua.workdays.calendar import add_working_days

from .exceptions import DossierError
from .models import ApologyLetter, Dossier, Status
from .services import announce, transition

RUNNING = (Status.RECEIVED, Status.IN_PROCESS)


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

    Raises DossierError when the dossier is not being processed, already has a draft,
    or the new date is not after today.
    """
    locked = Dossier.objects.select_for_update(of=("self",)).get(pk=dossier.pk)
    if locked.status not in RUNNING and locked.status != Status.WAITING_SUPPLEMENT:
        raise DossierError(
            _("Chỉ lập phiếu xin lỗi cho hồ sơ đang được xử lý."), code="apology_state"
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
            _("Hồ sơ này đã có một phiếu xin lỗi đang chờ lãnh đạo duyệt."),
            code="apology_exists",
        ) from None
    record(
        "dossier.apology_drafted",
        actor=by,
        obj=locked,
        data={"code": locked.code, "new_date": new_date.isoformat()},
    )
    return letter


def _check_new_date(new_date: dt.date) -> None:
    if new_date <= _today():
        raise DossierError(_("Ngày hẹn trả mới phải sau ngày hôm nay."), code="apology_date")


@transaction.atomic
def approve_apology(letter: ApologyLetter, *, by, new_date: dt.date | None = None) -> ApologyLetter:
    """The leader approves the draft (optionally with another date); it is sent at once.

    The dossier's appointment date becomes the new date; its legal due date stays, so
    the dossier still counts as late. Raises DossierError when the letter is no longer
    a draft or the date is not after today.
    """
    letter = ApologyLetter.objects.select_for_update().select_related("dossier").get(pk=letter.pk)
    if letter.status != ApologyLetter.Status.DRAFT:
        raise DossierError(
            _("Phiếu xin lỗi này đã được xử lý; vui lòng tải lại trang."), code="apology_done"
        )
    if new_date:
        letter.new_date = new_date
    _check_new_date(letter.new_date)  # a draft's date may have passed while it waited
    if letter.dossier.status not in (*RUNNING, Status.WAITING_SUPPLEMENT):
        raise DossierError(
            _("Hồ sơ đã được giải quyết; phiếu xin lỗi này không cần gửi nữa, hãy hủy dự thảo."),
            code="apology_state",
        )
    now = timezone.now()
    letter.status = ApologyLetter.Status.SENT
    letter.decided_at, letter.decided_by = now, by
    letter.save(update_fields=["status", "decided_at", "decided_by", "new_date"])
    dossier = Dossier.objects.select_for_update(of=("self",)).get(pk=letter.dossier_id)
    dossier.appointment_date = letter.new_date
    dossier.save(update_fields=["appointment_date", "updated_at"])
    record(
        "dossier.apology_sent",
        actor=by,
        obj=dossier,
        data={"code": dossier.code, "new_date": letter.new_date.isoformat()},
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
            _("Phiếu xin lỗi này đã được xử lý; vui lòng tải lại trang."), code="apology_done"
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
    """The last day the applicant may supply the missing documents, or None (no limit)."""
    days = dossier.procedure_version.supplement_days
    if not dossier.paused_at or not days:
        return None
    return add_working_days(timezone.localtime(dossier.paused_at).date(), days)


@dataclass
class DeadlineReport:
    apologies_drafted: list[str] = field(default_factory=list)
    supplements_flagged: list[str] = field(default_factory=list)
    supplements_closed: list[str] = field(default_factory=list)


def at_risk(today: dt.date):
    """Dossiers still being processed whose legal due date is at most one working day away
    (or past) and that have no apology letter yet (a cancelled draft counts: the leader
    decided none was needed, and the job does not draft it again)."""
    soon = add_working_days(today, 1)
    return (
        Dossier.objects.filter(status__in=RUNNING, due_date__lte=soon)
        .exclude(pk__in=ApologyLetter.objects.values("dossier_id"))
        .select_related("procedure_version", "current_step")
    )


def check_deadlines(today: dt.date | None = None) -> DeadlineReport:
    """Draft apology letters for dossiers that will be late; flag and, where the procedure
    says so, close dossiers whose supplement is overdue. Safe to run again."""
    today = today or _today()
    report = DeadlineReport()
    for dossier in at_risk(today).iterator():
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
        status=Status.WAITING_SUPPLEMENT, procedure_version__supplement_days__gt=0
    ).select_related("procedure_version")
    for dossier in waiting.iterator():
        last_day = supplement_deadline(dossier)
        if last_day is None or last_day >= today:
            continue
        if dossier.procedure_version.close_when_supplement_expires:
            try:
                transition(
                    dossier,
                    "expire_supplement",
                    note=_("Quá thời hạn bổ sung hồ sơ (hạn cuối %(day)s).")
                    % {"day": last_day.strftime("%d/%m/%Y")},
                )
            except DossierError:
                continue
            report.supplements_closed.append(dossier.code)
        elif dossier.supplement_overdue_at is None:
            _flag_supplement_overdue(dossier, last_day)
            report.supplements_flagged.append(dossier.code)
    return report


@transaction.atomic
def _flag_supplement_overdue(dossier: Dossier, last_day: dt.date) -> None:
    now = timezone.now()
    updated = Dossier.objects.filter(
        pk=dossier.pk, status=Status.WAITING_SUPPLEMENT, supplement_overdue_at=None
    ).update(supplement_overdue_at=now)
    if updated:
        record(
            "dossier.supplement_overdue",
            obj=dossier,
            data={"code": dossier.code, "last_day": last_day.isoformat()},
        )
        dossier.supplement_overdue_at = now
        announce(
            dossier, "supplement_overdue", dossier.status, None, now, {"last_day": str(last_day)}
        )
