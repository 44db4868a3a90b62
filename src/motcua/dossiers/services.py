"""Use cases that change dossiers. Each runs in one transaction and records who did it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import Applicant
from motcua.accounts.services import applicant_at_counter
from motcua.agencies.models import Agency
from motcua.audit.services import record
from motcua.catalog import eform
from motcua.catalog.fees import quote
from motcua.catalog.models import ProcedureComponent, ProcedureVersion, Registry
from motcua.lib.compiled import CompiledQuery
from motcua.lib.db import atomic_refusable, lock_held
from motcua.lib.inserts import insert, update

from . import digitisation, steps, supplements, timelimits
from .effects import (  # noqa: F401 (public)
    Move,
    compute_due_date,
    keep_revision,
    local_date,
    next_code,
)
from .exceptions import ConcurrentChange, DossierError, IllegalTransition, InvalidData
from .files import add_attachment, removed_on_failure
from .models import (
    Attachment,
    Channel,
    Dossier,
    FormRevision,
    IdentityAssurance,
    Rating,
    Status,
    StatusChange,
)
from .online_only import check_counter_intake
from .signals import dossier_event
from .workflow import RATEABLE, STEP_MOVES, TRANSITIONS


def _check_version_in_force(version: ProcedureVersion) -> None:
    if version.status != ProcedureVersion.Status.PUBLISHED:
        raise DossierError(
            _("Thủ tục này đã được cập nhật; vui lòng tải lại trang để dùng phiên bản mới."),
            code="version_not_in_force",
        )


def create_draft(
    *,
    applicant: Applicant,
    version: ProcedureVersion,
    agency: Agency,
    form_data: dict[str, Any] | None = None,
    by=None,
    **row: Any,
) -> Dossier:
    """Start an online dossier as a draft (no code yet: the code is given on submission).

    ``row`` sets other fields of the draft in the same INSERT (``public_id``,
    ``prefill_sources``, ``reused_data``, ``idempotency_key``): a draft prefilled from
    the registries is written once. Raises DossierError when the version is not the
    published one or not offered online, or when the applicant already has
    ``MOTCUA_MAX_OPEN_DRAFTS`` drafts.
    """
    _check_version_in_force(version)
    if not version.is_offered_online:
        raise DossierError(
            _("Thủ tục này chưa được cung cấp trực tuyến; vui lòng nộp tại Bộ phận một cửa."),
            code="not_online",
        )
    # The limit is refused before any write: no savepoint of its own is needed.
    with atomic_refusable(DossierError):
        # Lock the applicant's row so two requests at once cannot both pass the limit,
        # then count their drafts: in a statement of its own, whose snapshot is taken
        # once the lock is held (a count in the locking statement would be read from
        # before a concurrent creation committed). Both compiled once per connection.
        _LOCK_APPLICANT(applicant.pk)
        limit = max_open_drafts()
        [(drafts,)] = _COUNT_DRAFTS(applicant.pk) or [(0,)]
        if drafts >= limit:
            raise DossierError(
                _(
                    "Bạn đang có %(count)d hồ sơ nháp chưa nộp, đã đạt số hồ sơ nháp tối đa "
                    "(%(limit)d). Hãy hoàn tất và nộp các hồ sơ nháp trong “Hồ sơ của tôi” "
                    "rồi tạo hồ sơ mới."
                )
                % {"count": drafts, "limit": limit},
                code="too_many_drafts",
            )
        return insert(
            Dossier(
                applicant=applicant,
                procedure_version=version,
                agency=agency,
                channel=Channel.ONLINE,
                status=Status.DRAFT,
                form_data=form_data or {},
                **{name: row[name] for name in _DRAFT_ROW_FIELDS if name in row},
            )
        )


_DRAFT_ROW_FIELDS = ("public_id", "prefill_sources", "reused_data", "idempotency_key")

# The applicant's row locked (its key alone read); the number of their drafts.
_LOCK_APPLICANT = CompiledQuery(
    lambda applicant_id: (
        Applicant.objects.select_for_update().filter(pk=applicant_id).values_list("pk")[:1]
    ),
    0,
)
_COUNT_DRAFTS = CompiledQuery(
    lambda applicant_id: (
        Dossier.objects.filter(applicant_id=applicant_id, status=Status.DRAFT)
        .order_by()
        .values("applicant_id")
        .annotate(n=Count("pk"))
        .values_list("n")
    ),
    0,
)


def max_open_drafts() -> int:
    """How many drafts one applicant may keep at once (``MOTCUA_MAX_OPEN_DRAFTS``)."""
    return int(getattr(settings, "MOTCUA_MAX_OPEN_DRAFTS", 10))


# Actions whose effects and steps raise no DossierError (the filing's submit).
WRITES_REFUSE_NOTHING = frozenset({"submit"})


def transition(
    dossier: Dossier,
    action: str,
    *,
    by=None,
    note: str = "",
    at: dt.datetime | None = None,
    part_days: int | None = None,
    **changes: Any,
) -> Dossier:
    """Apply ``action`` to ``dossier`` and record it in the history.

    The row is locked and its status re-read, so of two concurrent callers
    exactly one succeeds; the other gets IllegalTransition and nothing changes.
    ``changes`` are the caller's field updates that belong to the same step, limited
    to the rule's ``fields`` (e.g. the new agency of a transfer, the officer a step is
    given to); the lifecycle fields (status, code, dates, fee, step) are the service's
    alone. ``part_days`` is the receiving agency's share of a transfer (liên thông), in
    working days (default: what remains until the due date).
    Raises IllegalTransition when the action is not allowed from the current status,
    DossierError for an unknown action, a field the action may not set, a missing
    next step or an officer who may not do the step.
    """
    try:
        rule = TRANSITIONS[action]
    except KeyError:
        raise DossierError(_("Thao tác không hợp lệ."), code="unknown_action") from None
    # An action whose change refuses nothing once written (``WRITES_REFUSE_NOTHING``)
    # takes no savepoint inside a caller's transaction: a refusal of the checks comes
    # before any write and leaves the block cleanly (raised after it, as
    # ``lib.db.atomic_refusable`` does); any other failure fails the caller's whole
    # transaction. The others keep theirs: their effects and steps may refuse after a
    # write (a transfer to the same agency, a step without its officer).
    with transaction.atomic(savepoint=action not in WRITES_REFUSE_NOTHING):
        try:
            locked = _locked_for(dossier, action, rule, changes)
        except DossierError as exc:
            refused = exc
        else:
            return _apply(
                dossier,
                locked,
                action,
                rule,
                by=by,
                note=note,
                at=at,
                part_days=part_days,
                changes=changes,
            )
    raise refused


def _locked_for(dossier: Dossier, action: str, rule, changes: dict[str, Any]) -> Dossier:
    """The dossier's row, locked, once ``action`` may be applied to it (raises before
    any write: IllegalTransition, ConcurrentChange, DossierError)."""
    # Lock only the dossier row: locking the joined agency too would deadlock with a
    # desk recording a dossier at that agency (its INSERT needs a key-share lock on it).
    # The agency comes with the units above it: the fee schedule and the event's
    # snapshot walk up that chain. A submission takes the procedure version its caller
    # has just read with the draft (a published version does not change); the other
    # actions read it again with the row.
    related = ["agency__parent__parent__parent", "applicant__user"]
    version = _loaded_version(dossier) if action in WRITES_REFUSE_NOTHING else None
    if version is not None and _read_locked(dossier):
        locked = dossier  # read with its lock in this transaction, with what is used
    else:
        if version is None:
            related.append("procedure_version__procedure")
        locked = (
            Dossier.objects.select_for_update(of=("self",))
            .select_related(*related)
            .get(pk=dossier.pk)
        )
        if version is not None and locked.procedure_version_id == version.pk:
            locked.procedure_version = version

    if locked.status not in rule.sources:
        raise IllegalTransition(str(rule.label), locked.get_status_display())
    if action in STEP_MOVES and locked.current_step_id != dossier.current_step_id:
        # Someone moved the dossier along its process since the caller read it (these
        # actions keep the status, so the status check alone would not notice).
        raise ConcurrentChange()
    changed = set(changes)
    if changed - rule.fields or rule.required - changed:
        raise DossierError(
            _("Thông tin kèm theo thao tác “%(action)s” không hợp lệ.") % {"action": rule.label},
            code="invalid_changes",
        )
    return locked


def _read_locked(dossier: Dossier) -> bool:
    """Whether the caller read ``dossier`` with its row lock in the current transaction
    (``portal.services.lock_own_dossier``, which sets ``row_locked``) together with the
    rows the move uses: its agency and the applicant with their user."""
    return lock_held(dossier) and (
        Dossier.agency.is_cached(dossier)
        and Dossier.applicant.is_cached(dossier)
        and Applicant.user.is_cached(dossier.applicant)
    )


def _loaded_version(dossier: Dossier) -> ProcedureVersion | None:
    """The dossier's procedure version with its procedure, if both are already loaded."""
    if not Dossier.procedure_version.is_cached(dossier):
        return None
    version = dossier.procedure_version
    if version is None or not ProcedureVersion.procedure.is_cached(version):
        return None
    return version


def _apply(
    dossier: Dossier,
    locked: Dossier,
    action: str,
    rule,
    *,
    by,
    note: str,
    at: dt.datetime | None,
    part_days: int | None,
    changes: dict[str, Any],
) -> Dossier:
    changed = set(changes)
    now = at or timezone.now()
    from_status = locked.status
    move = Move(
        locked,
        action,
        now,
        dict(changes),
        {"status", "updated_at"},
        by=by,
        from_status=from_status,
        note=note,
    )
    locked.status = rule.target
    if rule.effect is not None:
        rule.effect(move)
    fields, changes = move.fields, move.changes
    fields |= steps.apply(
        locked,
        action,
        now,
        by=by,
        note=note,
        changes=changes,
        restarted_at=move.restarted_at,
        part_days=part_days,
    )
    for name, value in changes.items():
        setattr(locked, name, value)
        fields.add(name)
    update(locked, sorted(fields))
    insert(
        StatusChange(
            dossier=locked,
            action=action,
            from_status=from_status,
            to_status=rule.target,
            actor=by,
            at=now,
            note=note,
        )
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
            "changed": sorted(changed),
            "at": now.isoformat(),
        },
    )
    announce(locked, action, from_status, by, now, {"note": note})
    for name in fields:
        setattr(dossier, name, getattr(locked, name))
    return locked


def perform(
    dossier: Dossier, action: str, *, by, note: str = "", supplement=None, **changes: Any
) -> Dossier:
    """An officer's workflow action with the documents that come with it (the supplement
    received at the desk), in one transaction: the file is stored only if the action
    succeeds. The caller has checked the officer's right to act (``backoffice.scope``).

    ``provide_supplement`` completes the dossier's open request whatever its kind: a
    request made at receipt sends the dossier back to the desk (``complete_intake``).
    Raises what ``transition`` and ``files.add_attachment`` raise.
    """
    with removed_on_failure() as stored, transaction.atomic():
        if action == "provide_supplement":
            action = supplements.completion_action(dossier)
        if supplement is not None:
            stored.append(
                add_attachment(dossier, supplement, kind=Attachment.Kind.SUPPLEMENT, by=by)
            )
        return transition(dossier, action, by=by, note=note, **changes)


def request_supplement(
    dossier: Dossier, *, by, items: list[dict], note: str = "", at: dt.datetime | None = None
) -> Dossier:
    """Ask the applicant to complete the dossier, listing every item in one request
    (form 02): ``items`` are ``{"component": id|None, "label": str, "reason": str}``.

    At receipt (the dossier is submitted) or during processing. Raises DossierError
    ``supplement_limit`` beyond the version's ``supplement_requests_allowed``, and what
    ``supplements.clean_items`` and ``transition`` raise.
    """
    return transition(
        dossier, "request_supplement", by=by, note=note, at=at, supplement_items=items
    )


def stop(dossier: Dossier, *, by, reason: str, at: dt.datetime | None = None) -> Dossier:
    """Stop the processing at the applicant's request (Decree 118/2025/NĐ-CP Art. 21,
    form 05): by an officer holding the applicant's written request, or by the
    applicant from "Hồ sơ của tôi". Raises DossierError when no reason is given,
    IllegalTransition when the dossier is not received or already decided."""
    reason = (reason or "").strip()[:2000]
    if not reason:
        raise DossierError(
            _("Vui lòng ghi lý do đề nghị dừng giải quyết hồ sơ."), code="note_required"
        )
    return transition(dossier, "stop", by=by, note=reason, at=at)


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
    # The clock starts as at any receipt (the cut-off hour, the limit in its unit).
    started = timelimits.clock_start(agency, now)
    due_at = timelimits.legal_deadline(version, agency, started)
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
        clock_started_at=started,
        due_at=due_at,
        due_date=timezone.localtime(due_at).date(),
        fee_vnd=quote(version, agency, local_date(now)).counter_vnd,
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
    dossier.save(
        update_fields=sorted(steps.apply(dossier, "receive", now, by=by, note="", changes={}))
    )
    if dossier.form_data:
        keep_revision(dossier, dossier.form_data, FormRevision.Reason.COUNTER, by, now)
    record(
        "dossier.receive",
        actor=by,
        obj=dossier,
        data={"code": dossier.code, "channel": channel, "to": Status.RECEIVED},
    )
    announce(dossier, "receive", "", by, now, {"channel": channel})
    return dossier


def receive_at_counter(
    *,
    applicant: dict[str, str],
    version: ProcedureVersion,
    agency: Agency,
    by,
    component_ids=(),
    token: str = "",
    scan=None,
    component_scans=(),
    intake_agency: Agency | None = None,
    return_agency: Agency | None = None,
) -> Dossier:
    """Counter intake (tiếp nhận trực tiếp): a desk officer records a paper dossier.

    ``applicant`` holds kind, personal_id or tax_code, name, phone and address: the
    existing applicant with that identifier is used unchanged, else a new one is created
    (``accounts.services``). The dossier starts as received and lists the components
    handed in (``component_ids`` of ``version``); ``token`` is the form's one-time token
    (a resubmitted form finds the dossier by it). The scan is stored once the dossier is
    committed, so a failed intake leaves no file. ``component_scans`` are the scans of
    single components (``digitisation.ComponentScan``), digitised where the desk checked
    them against the original. The applicant's identity was checked against their ID
    card at the desk (``identity_assurance``). Raises DossierError when the version is
    not the published one, or a scan is refused (the dossier then stays recorded).

    Receipt regardless of administrative boundary (Decree 118/2025/NĐ-CP Art. 14):
    ``agency`` is the settling agency, ``intake_agency`` the desk that received the
    paper dossier and ``return_agency`` where the result is handed back (default: that
    desk). The clock runs from the receipt at the desk (now).
    """
    check_counter_intake(version, agency)  # online-only procedures (docs/ASSISTED.md)
    components = list(
        ProcedureComponent.objects.filter(pk__in=component_ids, version=version)
        .order_by("position")
        .values_list("name", flat=True)
    )
    form_data = {"intake_token": token, "components_received": components}
    with transaction.atomic():
        person = applicant_at_counter(by=by, **applicant)
        dossier = record_counter_dossier(
            applicant=person, version=version, agency=agency, by=by, form_data=form_data
        )
        dossier.identity_assurance = IdentityAssurance.COUNTER_ID_CARD
        Dossier.objects.filter(pk=dossier.pk).update(identity_assurance=dossier.identity_assurance)
        if intake_agency is not None and intake_agency.pk != agency.pk:
            _record_received_elsewhere(dossier, intake_agency, return_agency, by)
    digitisation.attach_component_scans(dossier, list(component_scans), by=by)
    if scan is not None:
        with transaction.atomic():
            add_attachment(
                dossier, scan, kind=Attachment.Kind.COUNTER_SCAN, by=by, name="ban-quet-1"
            )
    return dossier


def _record_received_elsewhere(
    dossier: Dossier, intake_agency: Agency, return_agency: Agency | None, by
) -> None:
    dossier.intake_agency = intake_agency
    dossier.return_agency = return_agency or intake_agency
    Dossier.objects.filter(pk=dossier.pk).update(
        intake_agency=dossier.intake_agency, return_agency=dossier.return_agency
    )
    record(
        "dossier.received_elsewhere",
        actor=by,
        obj=dossier,
        data={
            "code": dossier.code,
            "intake_agency": intake_agency.code,
            "settling_agency": dossier.agency.code,
            "return_agency": dossier.return_agency.code,
        },
    )


def announce(dossier: Dossier, event: str, from_status: str, actor, at, data) -> None:
    """Tell the listeners (rollups, notifications) inside the current transaction."""
    dossier_event.send(
        sender=Dossier,
        dossier=dossier,
        event=event,
        from_status=from_status,
        to_status=dossier.status,
        actor=actor,
        at=at,
        data=data,
    )


@transaction.atomic
def rate(dossier: Dossier, *, score: int, comment: str = "", by=None) -> Rating:
    """Record the applicant's satisfaction (1–5) once the result has been returned.

    Raises DossierError when the dossier has no result yet, was already rated or the
    score is outside 1–5.
    """
    locked = Dossier.objects.select_for_update(of=("self",)).get(pk=dossier.pk)
    if locked.status not in RATEABLE:
        raise DossierError(
            _("Bạn có thể đánh giá sau khi hồ sơ đã có kết quả."), code="not_finished"
        )
    if not 1 <= int(score) <= 5:
        raise DossierError(_("Vui lòng chọn mức đánh giá từ 1 đến 5."), code="score")
    if Rating.objects.filter(dossier=locked).exists():
        raise DossierError(_("Hồ sơ này đã được đánh giá."), code="already_rated")
    now = timezone.now()
    rating = Rating.objects.create(
        dossier=locked, score=int(score), comment=comment.strip()[:2000], rated_at=now
    )
    record("dossier.rated", actor=by, obj=locked, data={"code": locked.code, "score": score})
    announce(locked, "rated", locked.status, by, now, {"score": int(score)})
    return rating


@transaction.atomic
def record_fee_payment(
    dossier: Dossier, *, online: bool, by=None, at: dt.datetime | None = None
) -> Dossier:
    """Mark the dossier's fee as paid (online through a gateway, or at the counter).

    Idempotent: a second call for a paid dossier changes nothing and returns it.
    """
    locked = Dossier.objects.select_for_update(of=("self",)).get(pk=dossier.pk)
    if locked.fee_paid_at is not None:
        return locked
    locked.fee_paid_at = at or timezone.now()
    locked.fee_paid_online = online
    locked.save(update_fields=["fee_paid_at", "fee_paid_online", "updated_at"])
    record(
        "dossier.fee_paid",
        actor=by,
        obj=locked,
        data={"code": locked.code, "online": online, "fee_vnd": locked.fee_vnd},
    )
    announce(locked, "fee_paid", locked.status, by, locked.fee_paid_at, {"online": online})
    dossier.fee_paid_at, dossier.fee_paid_online = locked.fee_paid_at, online
    return locked


# The specialist assesses a dossier while it is handled, never once it is decided.
DECISION_STATUSES = frozenset({Status.RECEIVED, Status.IN_PROCESS})


def definition_of(dossier: Dossier) -> dict[str, Any]:
    """The dossier's e-form definition in format v2 (a legacy flat form upgraded)."""
    return eform.upgrade(dossier.procedure_version.form_schema or [])


@transaction.atomic
def record_decision(dossier: Dossier, *, by, data: dict[str, Any]) -> Dossier:
    """Store the specialist's assessment (``decision_data``) shaped by the e-form's
    ``decision`` fields, replacing the one recorded before.

    Allowed while the dossier is received or in process (before the leader decides).
    The caller has checked the officer's right (``backoffice.scope``). Raises
    InvalidData with the messages by data path when the data do not validate,
    DossierError ``no_decision_fields`` when the procedure defines no decision data,
    IllegalTransition when the dossier is in another status.
    """
    locked = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("procedure_version")
        .get(pk=dossier.pk)
    )
    if locked.status not in DECISION_STATUSES:
        raise IllegalTransition(_("Ghi kết quả thẩm định"), locked.get_status_display())
    definition = definition_of(locked)
    if not definition.get("decision"):
        raise DossierError(
            _("Thủ tục này không có mẫu kết quả thẩm định."), code="no_decision_fields"
        )
    data = data if isinstance(data, dict) else {}
    problems = eform.validate_decision(definition, data)
    if problems:
        raise InvalidData(problems, code="invalid_decision")
    # The decision fields read as a one-section form: known values only, hidden dropped.
    as_form = {
        "format": definition.get("format"),
        "sections": [{"key": "decision", "title": "", "fields": definition["decision"]}],
        "rules": [],
    }
    cleaned = eform.clean_data(as_form, data)
    now = timezone.now()
    before = locked.decision_data or {}
    locked.decision_data = cleaned
    locked.save(update_fields=["decision_data", "updated_at"])
    # Field names only: the values may be personal (convictions, register entries).
    record(
        "dossier.decision_recorded",
        actor=by,
        obj=locked,
        data={"code": locked.code, "fields": sorted(cleaned), "replaced": bool(before)},
    )
    announce(locked, "decision_recorded", locked.status, by, now, {"fields": sorted(cleaned)})
    dossier.decision_data = locked.decision_data
    return locked


@transaction.atomic
def update_form_on_supplement(dossier: Dossier, *, by, data: dict[str, Any]) -> Dossier:
    """The applicant corrects the form's answers while the agency waits for a supplement
    (the change is kept as a revision when the supplement is provided).

    The data are checked as on submission; a value verified from a national database
    stays as it was. Raises IllegalTransition when the dossier is not waiting for a
    supplement, InvalidData with the messages by data path otherwise.
    """
    locked = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("procedure_version")
        .get(pk=dossier.pk)
    )
    if locked.status != Status.WAITING_SUPPLEMENT:
        raise IllegalTransition(_("Sửa tờ khai khi bổ sung"), locked.get_status_display())
    definition = definition_of(locked)
    data = eform.clean_data(definition, data if isinstance(data, dict) else {})
    problems = eform.validate_data(definition, data, strict=True)
    shown = {f["name"] for f in eform.visible_fields(eform.top_fields(definition), data)}
    for path, source in (locked.prefill_sources or {}).items():
        if source not in Registry.values:
            continue  # the e-ID's phone or e-mail, the data store: the applicant may edit
        if path.split(".", 1)[0] not in shown:
            continue  # a block the new answers hide (its values are dropped, not changed)
        if eform.comparable(eform.get_path(data, path)) != eform.comparable(
            eform.get_path(locked.form_data, path)
        ):
            problems.setdefault(path, []).append(
                _("Thông tin này đã được xác thực từ cơ sở dữ liệu quốc gia, không sửa được.")
            )
    if problems:
        raise InvalidData(problems, code="invalid_form")
    changed = [row["path"] for row in eform.diff(definition, locked.form_data, data)]
    if changed:
        locked.form_data = data
        locked.save(update_fields=["form_data", "updated_at"])
        record(
            "dossier.form_updated",
            actor=by,
            obj=locked,
            data={"code": locked.code, "paths": changed},
        )
    dossier.form_data = locked.form_data
    return locked
