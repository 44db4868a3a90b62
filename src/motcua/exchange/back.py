"""The province side (the back office): take in a dossier filed on the national portal,
apply what the citizen did there, report every change back.

The dossier filed on the portal becomes a local online dossier with the code the portal
gave it (``dossiers.remote.file_remote_dossier``); the desk receives it in its "new"
queue like any online dossier and the back office never knows it came from elsewhere.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from motcua.accounts.models import Applicant
from motcua.accounts.services import get_or_create_business, get_or_create_person
from motcua.agencies.models import Agency
from motcua.audit.services import record
from motcua.catalog.models import ProcedureVersion
from motcua.dossiers import services as dossier_services
from motcua.dossiers import supplements
from motcua.dossiers.exceptions import DossierError
from motcua.dossiers.models import Attachment, Dossier, SupplementRequest
from motcua.dossiers.remote import apply_remote_change, file_remote_dossier, from_peer
from motcua.dossiers.workflow import TRANSITIONS
from motcua.results.remote import describe as describe_result

from . import attachments, messages
from .front import paid_body
from .messages import InvalidMessage
from .models import InMessage, Link

logger = logging.getLogger(__name__)

# Notes the applicant reads (the others are the officers' own: opinions, assignments).
CITIZEN_NOTES = frozenset(
    {
        "request_supplement",
        "provide_supplement",
        "refuse_intake",
        "refuse",
        "withdraw",
        "stop",
        "expire_supplement",
        "transfer",
    }
)


# --- national → province -------------------------------------------------------------


def _applicant(data: dict[str, Any], peer_code: str) -> Applicant:
    defaults = {
        key: data[key]
        for key in ("name", "address", "phone", "email", "birth_date")
        if data.get(key)
    }
    source = f"exchange:{peer_code}"[:40]
    if data.get("kind") == Applicant.Kind.BUSINESS:
        messages.required(data, "tax_code", "name")
        return get_or_create_business(data["tax_code"], defaults=defaults, source=source)[0]
    messages.required(data, "personal_id", "name")
    return get_or_create_person(data["personal_id"], defaults=defaults, source=source)[0]


def _version(procedure: dict[str, Any]) -> ProcedureVersion:
    versions = ProcedureVersion.objects.filter(procedure__code=procedure.get("code"))
    version = versions.filter(number=procedure.get("version")).first()
    if version is None or version.status == ProcedureVersion.Status.DRAFT:
        version = versions.filter(status=ProcedureVersion.Status.PUBLISHED).first()
    if version is None:
        raise InvalidMessage("no published version of this procedure", "unknown_procedure")
    return version


def _agency(data: dict[str, Any]) -> Agency:
    agency = Agency.objects.filter(code=data.get("code"), home_instance="").first()
    if agency is None and data.get("identifier"):
        agency = Agency.objects.filter(identifier=data["identifier"], home_instance="").first()
    if agency is None:
        raise InvalidMessage("the settling agency is not one of this instance", "unknown_agency")
    return agency


@transaction.atomic
def apply_filed(message: InMessage) -> dict[str, Any]:
    """``dossier.filed``: the local dossier, its link back to the portal, its files."""
    body, peer = message.body, message.peer
    messages.required(body, "front_id", "code", "procedure", "agency", "submitted_at")
    existing = Link.objects.filter(peer=peer, remote_id=body["front_id"]).first()
    if existing is not None:  # the same hand-over sent again under another message id
        return {"dossier_id": str(existing.dossier.public_id), "code": existing.dossier.code}
    applicant = _applicant(body.get("applicant") or {}, peer.code)
    version, agency = _version(body["procedure"]), _agency(body["agency"])
    try:
        with transaction.atomic():  # a savepoint: the failed INSERT leaves the rest usable
            dossier = file_remote_dossier(
                peer=peer.code,
                applicant=applicant,
                version=version,
                agency=agency,
                code=body["code"],
                submitted_at=messages.when(body, "submitted_at"),
                form_data=body.get("form_data") or {},
                prefill_sources=body.get("prefill_sources") or {},
                identity_assurance=body.get("identity_assurance") or "",
                reused_data=bool(body.get("reused_data")),
                result_delivery=body.get("result_delivery") or "",
                delivery_address=body.get("delivery_address") or {},
                fee_vnd=body.get("fee_vnd"),
            )
    except IntegrityError as error:
        # The portal's code is one this instance already gave (a portal without its
        # MOTCUA_SYSTEM_CODE; dossiers.E005): refused for good, not retried forever.
        raise InvalidMessage(
            f"the dossier code {body['code']!r} is already used here", "duplicate_code"
        ) from error
    link = Link.objects.create(
        dossier=dossier,
        peer=peer,
        side=Link.Side.BACK,
        remote_id=body["front_id"],
        last_in_seq=message.seq,
        handed_over_at=timezone.now(),
    )
    message.link = link
    if message.pk:
        InMessage.objects.filter(pk=message.pk).update(link=link)
    attachments.store(dossier, peer, body["front_id"], body.get("attachments") or [])
    return {"dossier_id": str(dossier.public_id), "code": dossier.code}


def _dossier(message: InMessage) -> tuple[Link, Dossier]:
    link = message.link
    if link is None:
        messages.required(message.body, "front_id")
        links = Link.objects.filter(peer=message.peer)
        link = (
            links.filter(side=Link.Side.BACK, remote_id=message.body["front_id"]).first()
            # ``dossier.paid`` also flows back (a fee paid at the province's desk).
            or links.filter(
                side=Link.Side.FRONT, dossier__public_id=message.body["front_id"]
            ).first()
        )
        if link is None:
            raise InvalidMessage("no dossier was filed with this front_id", "unknown_dossier")
    return link, link.dossier


def _conflict(dossier: Dossier, action: str, error: DossierError) -> dict[str, Any]:
    logger.warning("exchange: %s on %s refused here: %s", action, dossier.code, error.code)
    return {"applied": False, "conflict": error.code, "status": dossier.status}


def apply_paid(message: InMessage) -> dict[str, Any]:
    """``dossier.paid``: the fee paid on the portal's gateway (or, the other way, at the
    province's desk) is recorded here once."""
    body = message.body
    messages.required(body, "paid_at")
    _link, dossier = _dossier(message)
    with transaction.atomic(), from_peer(message.peer.code, dossier):
        dossier_services.record_fee_payment(
            dossier, online=bool(body.get("online", True)), at=messages.when(body, "paid_at")
        )
        record(
            "exchange.payment_received",
            obj=dossier,
            data={
                "code": dossier.code,
                "peer": message.peer.code,
                "amount_vnd": body.get("amount_vnd"),
                "gateway": body.get("gateway", ""),
                "reference": body.get("reference", ""),
            },
        )
    return {"applied": True, "fee_paid_at": messages.iso(dossier.fee_paid_at)}


def apply_supplement_provided(message: InMessage) -> dict[str, Any]:
    """``dossier.supplement_provided``: the files and corrected answers; the dossier goes
    back to processing (or to the desk, for a request made at receipt)."""
    body = message.body
    messages.required(body, "at")
    link, dossier = _dossier(message)
    with transaction.atomic():
        attachments.store(
            dossier,
            message.peer,
            str(link.remote_id),
            body.get("attachments") or [],
            kind=Attachment.Kind.SUPPLEMENT,
        )
        action = supplements.completion_action(dossier)
        changes = {}
        if "form_data" in body and body["form_data"] != dossier.form_data:
            changes["form_data"] = body["form_data"]
        try:
            apply_remote_change(
                dossier,
                action,
                peer=message.peer.code,
                at=messages.when(body),
                note=str(body.get("note") or ""),
                **changes,
            )
        except DossierError as error:
            return _conflict(dossier, action, error)
    return {"applied": True, "status": dossier.status}


def _applicant_action(message: InMessage, action: str) -> dict[str, Any]:
    body = message.body
    messages.required(body, "at")
    _link, dossier = _dossier(message)
    try:
        apply_remote_change(
            dossier,
            action,
            peer=message.peer.code,
            at=messages.when(body),
            note=str(body.get("reason") or "").strip()[:2000] or "—",
        )
    except DossierError as error:
        return _conflict(dossier, action, error)
    return {"applied": True, "status": dossier.status}


def apply_stop_requested(message: InMessage) -> dict[str, Any]:
    return _applicant_action(message, "stop")


def apply_withdrawn(message: InMessage) -> dict[str, Any]:
    return _applicant_action(message, "withdraw")


def apply_rated(message: InMessage) -> dict[str, Any]:
    body = message.body
    messages.required(body, "score")
    _link, dossier = _dossier(message)
    try:
        with transaction.atomic(), from_peer(message.peer.code, dossier):
            dossier_services.rate(
                dossier, score=int(body["score"]), comment=str(body.get("comment") or "")
            )
    except DossierError as error:
        return _conflict(dossier, "rate", error)
    return {"applied": True}


# --- province → national -------------------------------------------------------------


def _status_body(link: Link, dossier: Dossier, event: str, from_status: str, at, data) -> dict:
    note = str(data.get("note") or "") if event in CITIZEN_NOTES else ""
    body = {
        "front_id": str(link.remote_id),
        "back_id": str(dossier.public_id),
        "action": event,
        "from": from_status,
        "to": dossier.status,
        "at": messages.iso(at),
        "note": note,
        "code": dossier.code,
        "due_at": messages.iso(dossier.due_at),
        "due_date": messages.iso(dossier.due_date),
        "appointment_date": messages.iso(dossier.appointment_date),
    }
    if event in ("transfer", "accept_transfer"):
        body["agency"] = {"code": dossier.agency.code, "name": dossier.agency.name}
    return body


def _supplement_items(dossier: Dossier) -> tuple[list[dict], SupplementRequest | None]:
    request = SupplementRequest.objects.filter(dossier=dossier).order_by("-number").first()
    if request is None:
        return [], None
    positions = dict(dossier.procedure_version.components.values_list("pk", "position"))
    items = [
        {
            "component": positions.get(item.get("component")),
            "label": item.get("label", ""),
            "reason": item.get("reason", ""),
        }
        for item in request.items
    ]
    return items, request


def report(
    link: Link, dossier: Dossier, event: str, from_status: str, at: dt.datetime, data: dict
) -> None:
    """Every change of a dossier settled here for the portal, in the order it happened."""
    if event == "apology_sent":
        body = {
            "front_id": str(link.remote_id),
            "back_id": str(dossier.public_id),
            "at": messages.iso(at),
            "new_date": data.get("new_date") or messages.iso(dossier.appointment_date),
            "reason": str(data.get("reason") or ""),
        }
        messages.enqueue(link.peer, messages.APOLOGY, body, link=link, at=at)
        return
    if event == "fee_paid":  # paid at the desk here: the portal stops asking for it
        body = {"front_id": str(link.remote_id), "back_id": str(dossier.public_id)}
        body.update(paid_body(dossier, at))
        messages.enqueue(link.peer, messages.PAID, body, link=link, at=at)
        return
    if event not in TRANSITIONS:
        return  # decisions recorded, digitised copies, ratings: nothing for the portal
    body = _status_body(link, dossier, event, from_status, at, data)
    type_ = messages.STATUS
    if event == "request_supplement":
        type_ = messages.SUPPLEMENT_REQUESTED
        items, request = _supplement_items(dossier)
        body["items"] = items
        body["supplement_due_date"] = messages.iso(request.due_date) if request else None
        body["at_intake"] = bool(request and request.at_intake)
    elif event == "issue_result":
        type_ = messages.RESULT
        results = list(
            dossier.attachments.filter(kind=Attachment.Kind.RESULT)
            .select_related("component")
            .order_by("uploaded_at", "pk")
        )
        body["attachments"] = [attachments.describe(a) for a in results]
        body["documents"] = [d for d in (describe_result(a) for a in results) if d]
    messages.enqueue(link.peer, type_, body, link=link, at=at)
