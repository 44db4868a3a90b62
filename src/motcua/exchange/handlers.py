"""What each exchange message means, and applying it (issue #17; docs/EXCHANGE.md).

The transport (``inbox.receive``) verifies, deduplicates and orders the messages of a
link, then calls ``apply(message)`` inside the transaction that marks the message
applied. ``apply`` returns the ack sent back to the peer; it raises ``InvalidMessage``
(``code``) for a body that can never be applied (422, not retried) and lets any other
exception through (the message stays stored with its error and is applied again).
A change that the local copy cannot follow (the citizen withdrew while the province
acted) is not an error: the ack says ``{"applied": false, "conflict": <code>}``.

Every body carries ``"v": 1`` (its format); dates and times are ISO 8601 with offset;
files are ``{"sha256", "name", "content_type", "size", "kind", "component" (position
of the procedure component, or null), "source", "digitised"}`` and are fetched by
hash only when the receiver does not hold them (``attachments.store``).

National → province (the citizen's side):

``dossier.filed``
    ``front_id`` (the dossier's public id on the portal), ``code`` (the national dossier
    code, kept by the province), ``procedure`` {``code``, ``version``}, ``agency``
    {``code``, ``identifier``} (the settling agency), ``submitted_at``, ``applicant``
    {``kind`` person|business, ``personal_id``, ``tax_code``, ``name``, ``birth_date``,
    ``address``, ``phone``, ``email``}, ``form_data``, ``prefill_sources`` (data path →
    registry), ``identity_assurance``, ``reused_data``, ``attachments`` [file],
    ``fee_vnd`` (frozen at submission), ``result_delivery``, ``delivery_address``.
    Ack: ``{"dossier_id": <public id on the province>, "code"}``. Idempotent by
    ``front_id``.
``dossier.supplement_provided``
    ``at``, ``note``, ``form_data`` (all answers after the correction), ``attachments``
    [file] (the supplement's files).
``dossier.paid``
    ``paid_at``, ``amount_vnd``, ``online``, ``gateway``, ``reference`` (the payment's
    transaction reference), ``gateway_transaction_no``, ``receipt_number``.
``dossier.stop_requested`` / ``dossier.withdrawn``
    ``at``, ``reason``.
``dossier.rated``
    ``at``, ``score`` (1–5), ``comment``.

Province → national (the settling side), each with ``front_id``, ``back_id``, ``code``:

``dossier.status``
    ``action`` (the workflow action: receive, start_processing, assign, give_opinion,
    forward, approve, refuse_intake, refuse, transfer, accept_transfer, return_result,
    provide_supplement, complete_intake, expire_supplement, stop, withdraw), ``from``,
    ``to`` (statuses), ``at``, ``note`` (only a note the applicant reads), ``due_at``,
    ``due_date``, ``appointment_date``; ``agency`` {``code``, ``name``} for a transfer.
``dossier.supplement_requested``
    as ``dossier.status`` with ``action`` request_supplement, plus ``items``
    [{``component`` (position) | null, ``label``, ``reason``}], ``supplement_due_date``,
    ``at_intake``.
``dossier.result``
    as ``dossier.status`` with ``action`` issue_result, plus ``attachments`` [file] (the
    result files) and ``documents`` [{``sha256``, ``number``, ``title``, ``kind``,
    ``token``, ``signed_at``, ``certificate_pem``, ``ca_pem`` (informative: never
    trusted, the CA comes from the catalogue)}] (the signed results'
    records, so the portal shows download and verification; empty for a paper result).
``dossier.apology``
    ``at``, ``reason``, ``new_date`` (form 04, the new appointment date).
``dossier.paid``
    as national → province, when the fee was paid at the province's desk.

Not sent: fee changes after submission (``dossier.fee`` is reserved; the fee is frozen
at submission and the portal's quote uses the province's replicated fee schedule).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from . import back, front, messages
from .messages import InvalidMessage  # noqa: F401 (the transport maps it to 422)
from .models import InMessage, OutMessage, Peer

HANDLERS: dict[str, Callable[[InMessage], dict[str, Any]]] = {
    messages.FILED: back.apply_filed,
    messages.SUPPLEMENT_PROVIDED: back.apply_supplement_provided,
    messages.PAID: back.apply_paid,
    messages.STOP_REQUESTED: back.apply_stop_requested,
    messages.WITHDRAWN: back.apply_withdrawn,
    messages.RATED: back.apply_rated,
    messages.STATUS: front.apply_status,
    messages.SUPPLEMENT_REQUESTED: front.apply_supplement_requested,
    messages.RESULT: front.apply_result,
    messages.APOLOGY: front.apply_apology,
}

# Who may send what (docs/EXCHANGE.md): the portal files and speaks for the citizen; the
# province settles. ``dossier.paid`` goes both ways (gateway on the portal, desk here).
NATIONAL_TO_PROVINCE = frozenset(
    {
        messages.FILED,
        messages.SUPPLEMENT_PROVIDED,
        messages.PAID,
        messages.STOP_REQUESTED,
        messages.WITHDRAWN,
        messages.RATED,
    }
)
PROVINCE_TO_NATIONAL = frozenset(
    {
        messages.STATUS,
        messages.SUPPLEMENT_REQUESTED,
        messages.RESULT,
        messages.APOLOGY,
        messages.PAID,
    }
)


def _check_direction(message: InMessage) -> None:
    """A type is applied only on the side it is meant for and from the peer that may
    send it: national → province types on a province instance from the NATIONAL peer,
    province → national types on the national instance from a PROVINCE peer."""
    role, kind = messages.role(), message.peer.kind
    if role == "province" and kind == Peer.Kind.NATIONAL:
        allowed = NATIONAL_TO_PROVINCE
    elif role == "national" and kind == Peer.Kind.PROVINCE:
        allowed = PROVINCE_TO_NATIONAL
    else:
        allowed = frozenset()
    if message.type not in allowed:
        raise InvalidMessage(
            f"{message.type} is not accepted from a {kind} peer on a {role} instance",
            "wrong_direction",
        )


def apply(message: InMessage) -> dict[str, Any]:
    """Apply one received message; returns the ack. Raises InvalidMessage for a body that
    cannot be applied (unknown type, wrong direction, newer format, missing field, unknown
    dossier)."""
    handler = HANDLERS.get(message.type)
    if handler is None:
        raise InvalidMessage(f"unknown message type {message.type!r}", "unknown_type")
    _check_direction(message)
    if not isinstance(message.body, dict):
        raise InvalidMessage("the body must be a JSON object", "invalid_body")
    if int(message.body.get("v") or messages.PROTOCOL_BODY) > messages.PROTOCOL_BODY:
        raise InvalidMessage("body format newer than this instance reads", "unsupported_version")
    return handler(message)


def acknowledged(message: OutMessage, ack: dict[str, Any]) -> None:
    """The transport calls this when a peer acknowledged ``message`` (delivered): the
    portal learns the province's dossier id from the ack of ``dossier.filed``."""
    front.acknowledged(message, ack or {})
