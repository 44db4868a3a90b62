"""The national side (the front door): hand a dossier to the province that settles it,
tell the province what the citizen did, follow what the province did.

Decree 118/2025/NĐ-CP Art. 17(2): the citizen files and receives the result on the
National Public Service Portal; the competent ministry's or province's system settles
the dossier. The national dossier is a real local dossier (a *mirror*): the citizen's
pages (supplement, payment, result, rating) work on it unchanged, and the province's
changes are applied to it through ``dossiers.remote`` (the state machine, with history).
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.agencies.models import Agency
from motcua.dossiers.exceptions import DossierError
from motcua.dossiers.models import Attachment, Dossier, SupplementRequest
from motcua.dossiers.remote import apply_remote_change, record_remote_apology
from motcua.payments.models import Payment
from motcua.results.remote import record_remote_result

from . import attachments, messages
from .messages import InvalidMessage
from .models import InMessage, Link, OutMessage, Peer

logger = logging.getLogger(__name__)

# The citizen's own actions on the national portal that the province must apply.
CITIZEN_EVENTS = {
    "fee_paid": messages.PAID,
    "provide_supplement": messages.SUPPLEMENT_PROVIDED,
    "complete_intake": messages.SUPPLEMENT_PROVIDED,
    "withdraw": messages.WITHDRAWN,
    "stop": messages.STOP_REQUESTED,
    "rated": messages.RATED,
}


def peer_of(agency: Agency) -> Peer:
    """The active peer that settles ``agency``'s dossiers (its ``home_instance``)."""
    peer = Peer.objects.filter(code=agency.home_instance, active=True).first()
    if peer is None:
        raise DossierError(
            _(
                "Hiện chưa chuyển được hồ sơ đến hệ thống giải quyết của cơ quan “%(agency)s”. "
                "Vui lòng thử lại sau."
            )
            % {"agency": agency.name},
            code="no_peer",
        )
    return peer


# --- national → province -------------------------------------------------------------


def applicant_body(dossier: Dossier) -> dict[str, Any]:
    """Who files: only what the province needs to settle and to reach the applicant."""
    applicant = dossier.applicant
    return {
        "kind": applicant.kind,
        "personal_id": applicant.personal_id or "",
        "tax_code": applicant.tax_code or "",
        "name": applicant.name,
        "birth_date": messages.iso(applicant.birth_date),
        "address": applicant.address,
        "phone": applicant.phone,
        "email": applicant.email,
    }


def filed_body(dossier: Dossier) -> dict[str, Any]:
    version = dossier.procedure_version
    return {
        "front_id": str(dossier.public_id),
        "code": dossier.code,
        "procedure": {"code": version.procedure.code, "version": version.number},
        "agency": {"code": dossier.agency.code, "identifier": dossier.agency.identifier or ""},
        "submitted_at": messages.iso(dossier.submitted_at),
        "applicant": applicant_body(dossier),
        "form_data": dossier.form_data or {},
        "prefill_sources": dossier.prefill_sources or {},
        "identity_assurance": dossier.identity_assurance,
        "reused_data": dossier.reused_data,
        "attachments": [
            attachments.describe(a)
            for a in dossier.attachments.select_related("component").order_by("uploaded_at", "pk")
        ],
        "fee_vnd": dossier.fee_vnd,
        "result_delivery": dossier.result_delivery,
        "delivery_address": dossier.delivery_address or {},
    }


def hand_over(dossier: Dossier, at: dt.datetime) -> OutMessage:
    """On submit: the dossier goes to the province that settles its agency, in the same
    transaction (``dossier.filed``, the first message of a new front link)."""
    peer = peer_of(dossier.agency)
    link = Link.objects.create(dossier=dossier, peer=peer, side=Link.Side.FRONT)
    return messages.enqueue(peer, messages.FILED, filed_body(dossier), link=link, at=at)


def _supplement_body(dossier: Dossier, at: dt.datetime, note: str) -> dict[str, Any]:
    request = SupplementRequest.objects.filter(dossier=dossier).order_by("-number").first()
    files = dossier.attachments.filter(kind=Attachment.Kind.SUPPLEMENT).select_related("component")
    if request is not None:
        files = files.filter(uploaded_at__gte=request.requested_at)
    return {
        "at": messages.iso(at),
        "note": note,
        "form_data": dossier.form_data or {},
        "attachments": [attachments.describe(a) for a in files.order_by("uploaded_at", "pk")],
    }


def paid_body(dossier: Dossier, at: dt.datetime) -> dict[str, Any]:
    payment = (
        Payment.objects.filter(dossier=dossier, status=Payment.Status.PAID)
        .order_by("-paid_at", "-pk")
        .first()
    )
    return {
        "paid_at": messages.iso(dossier.fee_paid_at or at),
        "amount_vnd": payment.amount_vnd if payment else dossier.fee_vnd,
        "online": dossier.fee_paid_online,
        "gateway": payment.gateway if payment else "",
        "reference": payment.txn_ref if payment else "",
        "gateway_transaction_no": payment.gateway_transaction_no if payment else "",
        "receipt_number": payment.receipt_number if payment else "",
    }


def forward(link: Link, dossier: Dossier, event: str, at: dt.datetime, data: dict) -> None:
    """What the citizen did on the national portal, for the province to apply."""
    type_ = CITIZEN_EVENTS.get(event)
    if type_ is None:
        return
    note = str(data.get("note") or "")
    if type_ == messages.PAID:
        body = paid_body(dossier, at)
    elif type_ == messages.SUPPLEMENT_PROVIDED:
        body = _supplement_body(dossier, at, note)
    elif type_ == messages.RATED:
        rating = dossier.rating
        body = {"at": messages.iso(rating.rated_at), "score": rating.score}
        body["comment"] = rating.comment
    else:  # withdrawn, stop_requested: the applicant's reason
        body = {"at": messages.iso(at), "reason": note}
    messages.enqueue(link.peer, type_, body, link=link, at=at)


def acknowledged(message: OutMessage, ack: dict[str, Any]) -> None:
    """The province answered ``dossier.filed``: remember its dossier (``remote_id``)."""
    if message.type != messages.FILED or message.link_id is None:
        return
    remote_id = ack.get("dossier_id")
    Link.objects.filter(pk=message.link_id, remote_id__isnull=True).update(
        remote_id=remote_id, handed_over_at=timezone.now()
    )


# --- province → national -------------------------------------------------------------


def mirror_of(message: InMessage) -> tuple[Link, Dossier]:
    """The front link and national dossier a province message is about (by the link the
    transport found, else by the ``front_id`` the body carries)."""
    link = message.link
    if link is None:
        messages.required(message.body, "front_id")
        link = (
            Link.objects.select_related("dossier")
            .filter(
                peer=message.peer, side=Link.Side.FRONT, dossier__public_id=message.body["front_id"]
            )
            .first()
        )
        if link is None:
            raise InvalidMessage("no dossier was handed over with this front_id", "unknown_dossier")
    if link.remote_id is None and message.body.get("back_id"):
        # The province writes back before its ack of the hand-over reached us.
        Link.objects.filter(pk=link.pk).update(
            remote_id=message.body["back_id"], handed_over_at=timezone.now()
        )
        link.refresh_from_db()
    return link, link.dossier


def _synced(body: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if body.get("due_at"):
        values["due_at"] = messages.when(body, "due_at")
    for key in ("due_date", "appointment_date"):
        if key in body:
            values[key] = messages.day(body, key)
    return values


def _changes(message: InMessage, dossier: Dossier, body: dict[str, Any]) -> dict[str, Any]:
    action = body["action"]
    if action == "transfer":
        # Only to an agency the sending province settles for (its catalogue's).
        agency = Agency.objects.filter(
            code=(body.get("agency") or {}).get("code"), home_instance=message.peer.code
        ).first()
        if agency is None:
            raise InvalidMessage("transfer to an agency not in the catalogue", "unknown_agency")
        return {"agency": agency}
    if action == "assign":
        return {"assignee": None}  # the province's officers are not known here
    return {}


def _apply(message: InMessage, dossier: Dossier, action: str, **changes) -> dict[str, Any]:
    body = message.body
    try:
        apply_remote_change(
            dossier,
            action,
            peer=message.peer.code,
            at=messages.when(body),
            note=str(body.get("note") or ""),
            synced=_synced(body),
            **changes,
        )
    except DossierError as error:
        # The mirror cannot follow (the citizen withdrew here while the province acted):
        # the change is reported, not retried forever; the link keeps flowing.
        logger.warning(
            "exchange: %s on %s not applied to the mirror: %s", action, dossier.code, error.code
        )
        return {"applied": False, "conflict": error.code, "status": dossier.status}
    return {"applied": True, "status": dossier.status}


def apply_status(message: InMessage) -> dict[str, Any]:
    messages.required(message.body, "action", "at")
    _link, dossier = mirror_of(message)
    return _apply(
        message, dossier, message.body["action"], **_changes(message, dossier, message.body)
    )


def apply_supplement_requested(message: InMessage) -> dict[str, Any]:
    """The province's request (form 02): the items name components by position."""
    body = message.body
    messages.required(body, "at")
    _link, dossier = mirror_of(message)
    by_position = dict(dossier.procedure_version.components.values_list("position", "pk"))
    items = []
    for item in body.get("items") or []:
        component = by_position.get(item.get("component"))
        items.append(
            {
                "component": component,
                "label": item.get("label") or "",
                "reason": item.get("reason") or "",
            }
        )
    return _apply(message, dossier, "request_supplement", supplement_items=items)


def apply_result(message: InMessage) -> dict[str, Any]:
    """The signed result: the PDF (fetched by hash) becomes the mirror's RESULT
    attachment with its record, so the citizen downloads and verifies it here."""
    body = message.body
    messages.required(body, "at")
    link, dossier = mirror_of(message)
    sender = str(link.remote_id or body.get("back_id") or "")
    with transaction.atomic():
        stored = attachments.store(
            dossier,
            message.peer,
            sender,
            body.get("attachments") or [],
            kind=Attachment.Kind.RESULT,
        )
        documents = {d["sha256"]: d for d in body.get("documents") or []}
        for attachment in stored:
            info = documents.get(attachment.sha256)
            if info is not None:
                try:
                    record_remote_result(attachment, info, peer_code=message.peer.code)
                except ValueError as error:
                    raise InvalidMessage(str(error), "bad_result") from None
        return _apply(message, dossier, "issue_result")


def apply_apology(message: InMessage) -> dict[str, Any]:
    body = message.body
    messages.required(body, "at", "new_date", "reason")
    _link, dossier = mirror_of(message)
    record_remote_apology(
        dossier,
        peer=message.peer.code,
        reason=str(body["reason"]),
        new_date=messages.day(body, "new_date"),
        at=messages.when(body),
    )
    return {"applied": True, "appointment_date": body["new_date"]}
