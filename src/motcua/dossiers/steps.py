"""The dossier's path through the internal process (quy trình nội bộ) and its parts.

Called by ``services.transition`` inside its transaction, on the locked row: each
workflow action moves ``current_step`` / ``assignee`` / ``step_due_date`` and keeps
one ``StepRecord`` per step pass (with its own deadline) and one ``AgencyPart`` per
agency of an inter-agency (liên thông) dossier.
"""

from __future__ import annotations

import datetime as dt
import math

from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.agencies.models import Role
from motcua.agencies.selectors import officers_with_role
from motcua.catalog.models import ProcessStep
from motcua.workdays.calendar import add_working_days, working_days_between

from .exceptions import DossierError
from .models import AgencyPart, Dossier, StepRecord

# Actions after which the dossier leaves the internal process for good.
LEAVES_PROCESS = {
    "refuse",
    "refuse_intake",
    "withdraw",
    "stop",
    "expire_supplement",
    "return_result",
}
# Actions that hand the dossier to the next step.
ADVANCES = {"start_processing", "forward", "give_opinion", "approve"}
STEP_FIELDS = {"current_step", "assignee", "step_due_date"}


def _local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def step_days(step: ProcessStep) -> int:
    """A step's time in whole working days (half days round up: a deadline is a day)."""
    return math.ceil(step.days)


def first_step(dossier: Dossier) -> ProcessStep | None:
    return dossier.procedure_version.steps.order_by("position").first()


def next_step(dossier: Dossier) -> ProcessStep | None:
    """The step after the current one. A dossier without a current step (recorded before
    steps were tracked, or bulk-loaded) counts as being at the first step, the receipt."""
    steps = dossier.procedure_version.steps.order_by("position")
    if dossier.current_step_id is None:
        return next(iter(steps[1:2]), None)
    return steps.filter(position__gt=dossier.current_step.position).first()


def check_assignee(dossier: Dossier, step: ProcessStep | None, user) -> None:
    """Raise DossierError unless ``user`` holds the step's role at the dossier's agency."""
    if user is None:
        return
    if step is None or not officers_with_role(dossier.agency, step.role).filter(pk=user.pk):
        raise DossierError(
            _("Cán bộ được chọn không có vai trò thực hiện bước này tại cơ quan xử lý hồ sơ."),
            code="assignee_not_eligible",
        )


def _close_open_steps(dossier: Dossier, now: dt.datetime, by, opinion: str = "") -> None:
    StepRecord.objects.filter(dossier=dossier, finished_at__isnull=True).update(
        finished_at=now, finished_by=by, opinion=opinion
    )


def _enter(dossier: Dossier, step: ProcessStep | None, now: dt.datetime, assignee) -> None:
    dossier.current_step = step
    dossier.assignee = assignee
    if step is None:
        dossier.step_due_date = None
        return
    dossier.step_due_date = add_working_days(_local_date(now), step_days(step))
    StepRecord.objects.create(
        dossier=dossier,
        step=step,
        agency=dossier.agency,
        name=step.name,
        role=step.role,
        assignee=assignee,
        started_at=now,
        due_date=dossier.step_due_date,
    )


def apply(
    dossier: Dossier,
    action: str,
    now: dt.datetime,
    *,
    by,
    note: str,
    changes: dict,
    restarted_at: dt.datetime | None = None,
    part_days: int | None = None,
) -> set[str]:
    """Move the locked ``dossier`` along its process for ``action``; returns changed fields.

    Raises DossierError when there is no next step or the chosen officer may not do it.
    """
    assignee = changes.pop("assignee", None)
    if action in ("receive", "accept_transfer"):
        if action == "accept_transfer":
            _start_agency_part(dossier, now)
        _enter(dossier, first_step(dossier), now, None)
    elif action == "approve" and next_step(dossier) is None:
        # A process without a step after the leader's: the decision ends it.
        _close_open_steps(dossier, now, by, note)
        _enter(dossier, None, now, None)
    elif action in ADVANCES:
        if (
            action in ("forward", "give_opinion")
            and dossier.current_step_id
            and dossier.current_step.role == Role.LEADER
        ):
            raise DossierError(
                _("Ở bước của lãnh đạo, hồ sơ được phê duyệt hoặc từ chối, không chuyển bước."),
                code="leader_step",
            )
        following = next_step(dossier)
        if following is None:
            raise DossierError(
                _("Hồ sơ đang ở bước cuối của quy trình nội bộ; không còn bước tiếp theo."),
                code="no_next_step",
            )
        check_assignee(dossier, following, assignee)
        _close_open_steps(dossier, now, by, note)
        _enter(dossier, following, now, assignee)
    elif action == "assign":
        check_assignee(dossier, dossier.current_step, assignee)
        dossier.assignee = assignee
        StepRecord.objects.filter(dossier=dossier, finished_at__isnull=True).update(
            assignee=assignee
        )
    elif action == "provide_supplement" and restarted_at:
        # The processing time restarted from zero: so do the step's deadline and the
        # agency part's (Decree 118/2025/NĐ-CP; docs/ONE_STOP.md "Supplements").
        start = _local_date(restarted_at)
        if dossier.current_step_id:
            dossier.step_due_date = add_working_days(start, step_days(dossier.current_step))
        for record in StepRecord.objects.filter(
            dossier=dossier, finished_at__isnull=True
        ).select_related("step"):
            if record.step is not None:
                record.due_date = add_working_days(start, step_days(record.step))
                record.save(update_fields=["due_date"])
        for part in AgencyPart.objects.filter(
            dossier=dossier, finished_at__isnull=True, due_date__isnull=False
        ):
            part.due_date = add_working_days(start, part.days)
            part.save(update_fields=["due_date"])
    elif action == "transfer":
        _close_open_steps(dossier, now, by, note)
        _send_to_agency(dossier, changes["agency"], now, part_days)
        _enter(dossier, None, now, None)
    elif action in LEAVES_PROCESS:
        _close_open_steps(dossier, now, by, note)
        AgencyPart.objects.filter(dossier=dossier, finished_at__isnull=True).exclude(
            started_at=None
        ).update(finished_at=now)
        _enter(dossier, None, now, None)
    else:
        return set()
    return set(STEP_FIELDS)


def _send_to_agency(dossier: Dossier, target, now: dt.datetime, part_days: int | None) -> None:
    today = _local_date(now)
    if not dossier.agency_parts.exists():
        # The first transfer: the sending agency's own part so far.
        AgencyPart.objects.create(
            dossier=dossier,
            agency=dossier.agency,
            days=dossier.procedure_version.processing_days,
            sent_at=dossier.received_at,
            started_at=dossier.received_at,
            due_date=dossier.due_date,
        )
    AgencyPart.objects.filter(dossier=dossier, finished_at__isnull=True).update(finished_at=now)
    if part_days is None:
        # What remains until the overall due date (at least one day, even when overdue).
        if dossier.due_date:
            remaining = working_days_between(today, dossier.due_date)
        else:
            remaining = dossier.procedure_version.processing_days
        part_days = max(1, remaining)
    if part_days < 1:
        raise DossierError(
            _("Số ngày làm việc giao cho cơ quan phối hợp phải từ 1 trở lên."), code="part_days"
        )
    AgencyPart.objects.create(dossier=dossier, agency=target, days=part_days, sent_at=now)


def _start_agency_part(dossier: Dossier, now: dt.datetime) -> None:
    part = (
        AgencyPart.objects.filter(dossier=dossier, agency=dossier.agency, started_at=None)
        .order_by("-pk")
        .first()
    )
    if part is not None:
        part.started_at = now
        part.due_date = add_working_days(_local_date(now), part.days)
        part.save(update_fields=["started_at", "due_date"])
