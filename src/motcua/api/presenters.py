"""Dossiers and procedures as the API shows them (plain dicts matching ``schemas``)."""

from __future__ import annotations

from motcua.catalog import eform
from motcua.catalog.fees import quote
from motcua.catalog.models import ProcedureVersion
from motcua.dossiers.models import Attachment, Dossier, Rating, Status
from motcua.dossiers.services import DECISION_STATUSES, definition_of
from motcua.dossiers.workflow import RATEABLE, TRANSITIONS, may_stop, may_withdraw
from motcua.portal import selectors as portal
from motcua.portal.selectors import eforms, locked_fields
from motcua.postal import selectors as postal_selectors
from motcua.results.models import ResultDocument


def agency(a) -> dict:
    return {"code": a.code, "name": a.name}


def procedure_summary(version: ProcedureVersion) -> dict:
    return {
        "code": version.procedure.code,
        "name": version.name,
        "sector": {"id": version.sector_id, "name": version.sector.name},
        "level": version.level,
        "level_label": str(version.get_level_display()),
        "service_level": version.service_level,
        "service_level_label": str(version.get_service_level_display()),
        "processing_days": version.processing_days,
        "processing_unit": version.processing_unit,
        "processing_time": version.processing_time_label,
        "offered_online": version.is_offered_online,
    }


def _form_field(path: str, spec: dict) -> dict:
    choices = spec.get("choices")
    return {
        "name": path,
        "label": str(spec.get("label") or spec.get("name")),
        "type": str(spec.get("type", "text")),
        "required": bool(spec.get("required")),
        "choices": [[str(v), str(lbl)] for v, lbl in choices] if choices else None,
        "source": str(spec["source"]) if spec.get("source") else None,
    }


def procedure_detail(version: ProcedureVersion) -> dict:
    fee = quote(version)
    return {
        **procedure_summary(version),
        "version": version.number,
        "description": version.description,
        "authority": version.authority,
        "result_name": version.result_name,
        "fee": {
            "counter_vnd": fee.counter_vnd,
            "online_vnd": fee.online_vnd,
            "policy": fee.policy,
            "policy_label": str(fee.policy_label),
            "legal_basis": fee.legal_basis,
        },
        "components": [
            {
                "id": c.pk,
                "position": c.position,
                "name": c.name,
                "required": c.required,
                "registry": c.registry,
            }
            for c in version.components.all()
        ],
        "form": [
            _form_field(path, spec)
            for path, spec in eform.leaf_fields(eforms.definition(version.form_schema))
        ],
        "agencies": [agency(a) for a in portal.receiving_agencies(version)]
        if version.is_offered_online
        else [],
        "steps": [
            {"position": s.position, "name": s.name, "role": s.role, "days": float(s.days)}
            for s in version.steps.order_by("position")
        ],
    }


def dossier_summary(d: Dossier) -> dict:
    return {
        "id": d.public_id,
        "code": d.code,
        "status": d.status,
        "status_label": str(d.get_status_display()),
        "procedure_code": d.procedure_version.procedure.code,
        "procedure_name": d.procedure_version.name,
        "agency": agency(d.agency),
        "channel": d.channel,
        "created_at": d.created_at,
        "submitted_at": d.submitted_at,
        "received_at": d.received_at,
        "due_date": d.due_date,
    }


def attachment(a: Attachment) -> dict:
    return {
        "id": a.public_id,
        "kind": a.kind,
        "component_id": a.component_id,
        "name": a.original_name,
        "content_type": a.content_type,
        "size": a.size,
        "sha256": a.sha256,
        "uploaded_at": a.uploaded_at,
    }


def attachments(d: Dossier) -> list[dict]:
    return [attachment(a) for a in d.attachments.order_by("uploaded_at", "pk")]


def _attachments(d: Dossier, read: list[Attachment] | None) -> list[dict]:
    return attachments(d) if read is None else [attachment(a) for a in read]


def _rating(d: Dossier) -> dict | None:
    try:
        rating = d.rating
    except Rating.DoesNotExist:
        return None
    return {"score": rating.score, "comment": rating.comment, "rated_at": rating.rated_at}


def result_document(d: Dossier) -> ResultDocument | None:
    """The latest signed result of the dossier, if one was issued electronically."""
    return (
        ResultDocument.objects.select_related("attachment")
        .filter(dossier=d)
        .order_by("-signed_at", "-pk")
        .first()
    )


def result_attachment(d: Dossier) -> Attachment | None:
    """The signed result's file, or else the latest result file attached to the dossier."""
    document = result_document(d)
    if document is not None:
        return document.attachment
    return d.attachments.filter(kind=Attachment.Kind.RESULT).order_by("-uploaded_at").first()


def citizen_actions(d: Dossier, rating: dict | None) -> list[str]:
    actions = []
    if d.status == Status.DRAFT:
        actions += ["edit", "upload", "submit"]
    if d.status == Status.WAITING_SUPPLEMENT:
        actions.append("supplement")
    if may_withdraw(d):
        actions.append("withdraw")
    if may_stop(d):
        actions.append("stop")
    if d.status in RATEABLE and rating is None:
        actions.append("rate")
    if d.status != Status.DRAFT and d.fee_vnd and d.fee_paid_at is None and d.is_open:
        actions.append("pay")
    return actions


# A dossier in these statuses has no rating, no result and no parcel yet: the presenter
# does not ask the database for them (what was just created or submitted is answered
# without re-reading it).
_NOTHING_AFTER_RESULT = {Status.DRAFT, Status.SUBMITTED}


def _timeline(d: Dossier, first_submission: bool) -> list[dict]:
    if first_submission:
        # A draft has no history: the submission just made is all of it.
        entries = [
            portal.TimelineEntry(
                status_label=str(Status.SUBMITTED.label),
                action_label=str(TRANSITIONS["submit"].label),
                at=d.submitted_at,
                note="",
            )
        ]
    else:
        entries = portal.timeline(d)
    return [vars(entry) for entry in entries]


def citizen_detail(
    d: Dossier,
    *,
    new_draft: bool = False,
    first_submission: bool = False,
    attachments: list[Attachment] | None = None,
) -> dict:
    """The citizen's view of ``d``. ``new_draft``: ``d`` was just created in this request
    (no file, no history yet), so nothing else is read. ``first_submission``: ``d`` was a
    draft until this request submitted it, so its history is not read. ``attachments``:
    the dossier's files as this request read them (``portal.attachments_of``)."""
    expected, estimated = portal.expected_result_date(d)
    early = d.status in _NOTHING_AFTER_RESULT
    rating = None if early else _rating(d)
    request = portal.supplement_request(d) if d.status == Status.WAITING_SUPPLEMENT else None
    return {
        **dossier_summary(d),
        "lookup_secret": d.lookup_secret if d.status != Status.DRAFT else None,
        "fee_vnd": d.fee_vnd,
        "fee_paid": d.fee_paid_at is not None,
        "fee_paid_at": d.fee_paid_at,
        "finished_at": d.finished_at,
        "returned_at": d.returned_at,
        "expected_result_date": expected,
        "expected_is_estimate": estimated,
        "form_data": d.form_data,
        "locked_fields": locked_fields(d.form_data, d.prefill_sources),
        "attachments": [] if new_draft else _attachments(d, attachments),
        "timeline": [] if new_draft else _timeline(d, first_submission),
        "supplement_request": request.note if request else None,
        "rating": rating,
        "result_available": d.status in RATEABLE and result_attachment(d) is not None,
        "result_delivery": d.result_delivery,
        "delivery_address": d.delivery_address or {},
        "postage_vnd": d.postage_vnd,
        "shipments": [
            {
                "tracking_number": s.tracking_number,
                "status": s.status,
                "postage_vnd": s.postage_vnd,
                "events": [
                    {"status": e.status, "at": e.at, "note": e.note} for e in s.events.all()
                ],
            }
            for s in ([] if early else postal_selectors.shipments_of(d))
        ],
        "actions": citizen_actions(d, rating),
    }


def _actor_name(user) -> str:
    if user is None:
        return ""
    return user.full_name or user.username


def officer_detail(d: Dossier, actions: list[str]) -> dict:
    history = d.history.select_related("actor").order_by("at", "pk")
    return {
        **dossier_summary(d),
        "applicant": {
            "kind": d.applicant.kind,
            "name": d.applicant.name,
            "masked_identifier": d.applicant.masked_identifier,
        },
        "fee_vnd": d.fee_vnd,
        "fee_paid": d.fee_paid_at is not None,
        "current_step": d.current_step.name if d.current_step_id else None,
        "assignee": d.assignee.username if d.assignee_id else None,
        "step_due_date": d.step_due_date,
        "appointment_date": d.appointment_date,
        "finished_at": d.finished_at,
        "returned_at": d.returned_at,
        "form_data": d.form_data,
        "attachments": attachments(d),
        "history": [
            {
                "action": h.action,
                "action_label": str(TRANSITIONS[h.action].label)
                if h.action in TRANSITIONS
                else h.action,
                "from_status": h.from_status,
                "to_status": h.to_status,
                "actor": _actor_name(h.actor),
                "at": h.at,
                "note": h.note,
            }
            for h in history
        ],
        "actions": actions,
    }


def procedure_form(version: ProcedureVersion) -> dict:
    """The version's e-form for a third-party client: the definition and its JSON Schema."""
    defn = eforms.definition(version.form_schema)
    return {
        "procedure": version.procedure.code,
        "version": version.number,
        "definition": defn,
        "json_schema": eform.json_schema(defn),
    }


def officer_form(d: Dossier) -> dict:
    """The dossier's form for officers: definition, data, their reading, the sources,
    the assessment and the revisions with what each changed."""
    definition = definition_of(d)
    revisions, before = [], None
    for revision in d.form_revisions.select_related("created_by").order_by("created_at", "pk"):
        changes = eform.diff(definition, before.data, revision.data) if before else []
        revisions.append(
            {
                "reason": revision.reason,
                "reason_label": str(revision.get_reason_display()),
                "created_at": revision.created_at,
                "created_by": _actor_name(revision.created_by),
                "changes": changes,
            }
        )
        before = revision
    decision = d.decision_data or {}
    return {
        "definition": definition,
        "data": d.form_data or {},
        "sources": {str(k): str(v) for k, v in (d.prefill_sources or {}).items()},
        "display": eform.display(definition, d.form_data or {}, d.prefill_sources or {}),
        "decision": decision,
        "decision_display": eform.display(definition, decision, None, decision=True)
        if decision and definition.get("decision")
        else [],
        "decision_open": d.status in DECISION_STATUSES and bool(definition.get("decision")),
        "revisions": revisions,
    }
