"""Use cases that change dossiers. Each runs in one transaction and records who did it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import Applicant
from motcua.agencies.models import Agency
from motcua.audit.services import record
from motcua.catalog.models import ProcedureVersion
from motcua.workdays.calendar import add_working_days, working_days_between

from .exceptions import DossierError, IllegalTransition
from .models import Channel, CodeCounter, Dossier, Status, StatusChange
from .workflow import TRANSITIONS


def local_date(moment: dt.datetime) -> dt.date:
    return timezone.localtime(moment).date()


def next_code(agency: Agency, day: dt.date) -> str:
    """Allocate the next dossier code for ``agency`` on ``day`` (call inside a transaction).

    The counter row is locked by the UPDATE, so concurrent callers get distinct
    numbers on PostgreSQL; SQLite serialises writers anyway.
    """
    CodeCounter.objects.get_or_create(agency=agency, day=day)
    CodeCounter.objects.filter(agency=agency, day=day).update(value=F("value") + 1)
    seq = CodeCounter.objects.get(agency=agency, day=day).value
    return settings.MOTCUA_DOSSIER_CODE_FORMAT.format(agency=agency.code, date=day, seq=seq)


def _check_version_in_force(version: ProcedureVersion) -> None:
    if version.status != ProcedureVersion.Status.PUBLISHED:
        raise DossierError(
            _("Thủ tục này đã được cập nhật; vui lòng tải lại trang để dùng phiên bản mới."),
            code="version_not_in_force",
        )


def compute_due_date(version: ProcedureVersion, received_at: dt.datetime) -> dt.date:
    """The expected result date: the legal time in working days after the day of receipt."""
    return add_working_days(local_date(received_at), version.processing_days)


def create_draft(
    *,
    applicant: Applicant,
    version: ProcedureVersion,
    agency: Agency,
    form_data: dict[str, Any] | None = None,
    by=None,
) -> Dossier:
    """Start an online dossier as a draft (no code yet: the code is given on submission).

    Raises DossierError when the version is not the published one or not offered online.
    """
    _check_version_in_force(version)
    if not version.is_offered_online:
        raise DossierError(
            _("Thủ tục này chưa được cung cấp trực tuyến; vui lòng nộp tại Bộ phận một cửa."),
            code="not_online",
        )
    return Dossier.objects.create(
        applicant=applicant,
        procedure_version=version,
        agency=agency,
        channel=Channel.ONLINE,
        status=Status.DRAFT,
        form_data=form_data or {},
    )


@transaction.atomic
def transition(
    dossier: Dossier,
    action: str,
    *,
    by=None,
    note: str = "",
    at: dt.datetime | None = None,
    **changes: Any,
) -> Dossier:
    """Apply ``action`` to ``dossier`` and record it in the history.

    The row is locked and its status re-read, so of two concurrent callers
    exactly one succeeds; the other gets IllegalTransition and nothing changes.
    ``changes`` are the caller's field updates that belong to the same step, limited
    to the rule's ``fields`` (e.g. the new agency of a transfer); the lifecycle
    fields (status, code, dates, fee) are the service's alone.
    Raises IllegalTransition when the action is not allowed from the current status,
    DossierError for an unknown action or a field the action may not set.
    """
    try:
        rule = TRANSITIONS[action]
    except KeyError:
        raise DossierError(_("Thao tác không hợp lệ."), code="unknown_action") from None
    # Lock only the dossier row: locking the joined agency too would deadlock with a
    # desk recording a dossier at that agency (its INSERT needs a key-share lock on it).
    locked = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("procedure_version", "agency")
        .get(pk=dossier.pk)
    )
    if locked.status not in rule.sources:
        raise IllegalTransition(str(rule.label), locked.get_status_display())
    if set(changes) - rule.fields or rule.required - set(changes):
        raise DossierError(
            _("Thông tin kèm theo thao tác “%(action)s” không hợp lệ.") % {"action": rule.label},
            code="invalid_changes",
        )
    now = at or timezone.now()
    from_status = locked.status
    locked.status = rule.target
    fields = {"status", "updated_at"}
    if action == "submit":
        locked.submitted_at = now
        locked.code = locked.code or next_code(locked.agency, local_date(now))
        # The fee is frozen when the dossier is submitted.
        locked.fee_vnd = locked.procedure_version.online_fee_vnd
        fields |= {"submitted_at", "code", "fee_vnd"}
    elif action in ("receive", "accept_transfer"):
        locked.received_at = now
        locked.due_date = compute_due_date(locked.procedure_version, now)
        fields |= {"received_at", "due_date"}
        if not locked.code:
            locked.code = next_code(locked.agency, local_date(now))
            fields.add("code")
    elif action == "request_supplement":
        # The legal clock pauses while the applicant completes the dossier.
        locked.paused_at = now
        fields.add("paused_at")
    elif action == "provide_supplement":
        if locked.paused_at and locked.due_date:
            paused = working_days_between(local_date(locked.paused_at), local_date(now))
            locked.due_date = (
                add_working_days(locked.due_date, paused) if paused else (locked.due_date)
            )
        locked.paused_at = None
        fields |= {"paused_at", "due_date"}
    elif action in ("approve", "refuse", "refuse_intake", "withdraw"):
        locked.finished_at = now
        locked.paused_at = None
        fields |= {"finished_at", "paused_at"}
    elif action == "return_result":
        locked.returned_at = now
        fields.add("returned_at")
    elif action == "transfer" and changes["agency"].pk == locked.agency_id:
        raise DossierError(
            _("Hãy chọn một cơ quan khác để chuyển hồ sơ liên thông."), code="same_agency"
        )
    for name, value in changes.items():
        setattr(locked, name, value)
        fields.add(name)
    locked.save(update_fields=sorted(fields))
    StatusChange.objects.create(
        dossier=locked,
        action=action,
        from_status=from_status,
        to_status=rule.target,
        actor=by,
        at=now,
        note=note,
    )
    # The audit record is the transaction's last write: it takes the chain's lock.
    record(
        f"dossier.{action}",
        actor=by,
        obj=locked,
        data={
            "code": locked.code,
            "from": from_status,
            "to": rule.target,
            "changed": sorted(changes),
            "at": now.isoformat(),
        },
    )
    for name in fields:
        setattr(dossier, name, getattr(locked, name))
    return locked


@transaction.atomic
def record_counter_dossier(
    *,
    applicant: Applicant,
    version: ProcedureVersion,
    agency: Agency,
    by,
    form_data: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
    channel: str = Channel.COUNTER,
) -> Dossier:
    """Record a paper dossier received at the one-stop desk: it starts as received.

    Raises DossierError when the version is not the published one.
    """
    _check_version_in_force(version)
    now = at or timezone.now()
    dossier = Dossier.objects.create(
        applicant=applicant,
        procedure_version=version,
        agency=agency,
        channel=channel,
        status=Status.RECEIVED,
        form_data=form_data or {},
        code=next_code(agency, local_date(now)),
        submitted_at=now,
        received_at=now,
        due_date=compute_due_date(version, now),
        fee_vnd=version.fee_vnd,
    )
    StatusChange.objects.create(
        dossier=dossier,
        action="receive",
        from_status="",
        to_status=Status.RECEIVED,
        actor=by,
        at=now,
        note=_("Tiếp nhận trực tiếp tại Bộ phận một cửa"),
    )
    record(
        "dossier.receive",
        actor=by,
        obj=dossier,
        data={"code": dossier.code, "channel": channel, "to": Status.RECEIVED},
    )
    return dossier
