"""The exchange's inbox: each message stored once, applied once, in ``seq`` order.

``receive(peer, envelope)`` is called by the signed endpoint (``views.receive_view``)
after the signature was checked (docs/EXCHANGE.md, "Receiving"):

1. the envelope is read (422 ``protocol``, ``envelope``, ``from`` when it cannot be);
2. it is **deduplicated** by ``message_id``: a message already applied answers
   ``duplicate`` with the acknowledgement given the first time (so a sender that lost
   the first answer gets it again); the same id with another content is 409
   ``conflict``;
3. it is **stored** (``InMessage``) and its dossier's ``Link`` is found by
   ``(peer, sender_id)`` — or, for the first message from a settling province, by our
   own ``receiver_id`` — then the dossier's messages are **applied in ``seq`` order**:
   a message whose ``seq`` is not the next one waits (answer ``queued``: the sender
   counts it delivered, it is applied when the gap fills);
4. applying calls ``handlers.apply(message)`` (the domain half, looked up at call time)
   inside a savepoint: on an exception nothing of it stays, the message keeps the
   error and the answer is 503 ``apply_failed`` (the sender tries again later) or,
   when the handler raised ``InvalidMessage``, 422 with its code (the message is dead
   on the sender until someone replays it). A link's later messages wait behind it.

A message without a link (``seq`` 0) is applied at once, in no particular order. The
first message of a dossier (``seq`` 1) may arrive before any ``Link`` exists here: its
handler creates the dossier and either the ``Link`` itself or answers
``{"receiver_id": <the new dossier's public_id>}``, from which the link is made.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from motcua.dossiers.models import Dossier

from .messages import InvalidMessage
from .models import InMessage, Link, Peer
from .transport import PROTOCOL

logger = logging.getLogger(__name__)
MAJOR = PROTOCOL.rsplit("/", 1)[1]  # "1"
APPLY_FAILED = "apply_failed"


class Rejected(Exception):
    """The request is refused: ``status`` is the HTTP status, ``code`` a stable reason."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass(frozen=True)
class Envelope:
    message_id: uuid.UUID
    type: str
    sender: str
    sender_id: uuid.UUID | None
    receiver_id: uuid.UUID | None
    seq: int
    created_at: dt.datetime | None
    sent_at: dt.datetime | None
    body: dict


def _bad(what: str) -> Rejected:
    return Rejected(422, "envelope", f"invalid envelope: {what}")


def _moment(value, what: str) -> dt.datetime | None:
    if value in (None, ""):
        return None
    try:
        moment = dt.datetime.fromisoformat(str(value))
    except ValueError:
        raise _bad(what) from None
    if timezone.is_naive(moment):
        raise _bad(what)
    return moment


def _optional_uuid(value, what: str) -> uuid.UUID | None:
    if value in (None, ""):
        return None
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise _bad(what) from None


def read_envelope(data) -> Envelope:
    """Check the envelope's form (docs/EXCHANGE.md, "Envelope"). Raises Rejected (422)."""
    if not isinstance(data, dict):
        raise _bad("not a JSON object")
    protocol = data.get("protocol")
    if not isinstance(protocol, str) or not protocol.startswith("motcua-exchange/"):
        raise Rejected(422, "protocol", f"unknown protocol {str(protocol)[:40]!r}")
    if protocol.removeprefix("motcua-exchange/").split(".")[0] != MAJOR:
        raise Rejected(422, "protocol", f"unsupported protocol version {protocol[:40]!r}")
    message_id = _optional_uuid(data.get("message_id"), "message_id")
    if message_id is None:
        raise _bad("message_id")
    kind = data.get("type")
    if not isinstance(kind, str) or not kind or len(kind) > 40:
        raise _bad("type")
    sender = data.get("from")
    if not isinstance(sender, str) or not sender:
        raise _bad("from")
    seq = data.get("seq", 0)
    if not isinstance(seq, int) or isinstance(seq, bool) or seq < 0:
        raise _bad("seq")
    link = data.get("link")
    sender_id = receiver_id = None
    if link is not None:
        if not isinstance(link, dict):
            raise _bad("link")
        sender_id = _optional_uuid(link.get("sender_id"), "link.sender_id")
        receiver_id = _optional_uuid(link.get("receiver_id"), "link.receiver_id")
    if seq and sender_id is None:
        raise _bad("an ordered message (seq > 0) needs link.sender_id")
    body = data.get("body", {})
    if not isinstance(body, dict):
        raise _bad("body")
    return Envelope(
        message_id=message_id,
        type=kind,
        sender=sender,
        sender_id=sender_id,
        receiver_id=receiver_id,
        seq=seq,
        created_at=_moment(data.get("created_at"), "created_at"),
        sent_at=_moment(data.get("sent_at"), "sent_at"),
        body=body,
    )


def find_link(peer: Peer, sender_id, receiver_id=None) -> Link | None:
    """This side's link of the dossier the peer calls ``sender_id``; a link of ours
    named by ``receiver_id`` that does not know the peer's id yet learns it here."""
    if sender_id is None:
        return None
    link = Link.objects.filter(peer=peer, remote_id=sender_id).first()
    if link is None and receiver_id is not None:
        link = Link.objects.filter(
            peer=peer, dossier__public_id=receiver_id, remote_id__isnull=True
        ).first()
        if link is not None:
            Link.objects.filter(pk=link.pk, remote_id__isnull=True).update(remote_id=sender_id)
            link.remote_id = sender_id
    return link


def _store(peer: Peer, envelope: Envelope) -> InMessage:
    existing = InMessage.objects.filter(message_id=envelope.message_id).first()
    if existing is None:
        try:
            with transaction.atomic():
                return InMessage.objects.create(
                    message_id=envelope.message_id,
                    peer=peer,
                    type=envelope.type,
                    seq=envelope.seq,
                    body=envelope.body,
                    sender_id=envelope.sender_id,
                    created_at=envelope.created_at,
                    sent_at=envelope.sent_at,
                    received_at=timezone.now(),
                )
        except IntegrityError:  # the same message arrived twice at once
            existing = InMessage.objects.get(message_id=envelope.message_id)
    same = (
        existing.peer_id == peer.pk
        and existing.type == envelope.type
        and existing.seq == envelope.seq
        and existing.sender_id == envelope.sender_id
    )
    if not same:
        raise Rejected(409, "conflict", "message_id already used for another message")
    return existing


SEQ_CONFLICT = "seq_conflict"


def _dead(message: InMessage, text: str) -> None:
    """Refuse ``message`` for good: kept with its error, never retried automatically."""
    InMessage.objects.filter(pk=message.pk).update(
        error=text, dead_at=timezone.now(), attempts=F("attempts") + 1
    )
    logger.error(
        "exchange message %s (%s #%d from %s) is dead, the dossier's later messages wait: %s",
        message.message_id,
        message.type,
        message.seq,
        message.peer.code,
        text[:300],
    )


def _apply(message: InMessage, link: Link | None) -> bool:
    """Apply one message in a savepoint; True when it is applied (now or before)."""
    from motcua.exchange import handlers  # the domain half, looked up at call time

    peer = message.peer
    try:
        with transaction.atomic():
            locked = InMessage.objects.select_for_update().get(pk=message.pk)
            if locked.applied_at is not None:
                return True
            if locked.dead_at is not None:
                return False
            if link is not None:
                link = Link.objects.select_for_update().select_related("dossier").get(pk=link.pk)
                # Re-checked under the link's lock: another message of the same seq may
                # have been applied since the caller chose this one.
                if locked.seq and locked.seq != link.last_in_seq + 1:
                    if locked.seq <= link.last_in_seq:
                        _dead(locked, f"{SEQ_CONFLICT}: seq already applied with another id")
                    return False
            locked.link = link
            ack = dict(handlers.apply(locked) or {})
            if link is None and locked.sender_id is not None:
                link = Link.objects.filter(peer=peer, remote_id=locked.sender_id).first()
                if link is None and ack.get("receiver_id"):
                    link = Link.objects.create(
                        dossier=Dossier.objects.get(public_id=ack["receiver_id"]),
                        peer=peer,
                        side=Link.Side.BACK if peer.kind == Peer.Kind.NATIONAL else Link.Side.FRONT,
                        remote_id=locked.sender_id,
                    )
            now = timezone.now()
            if link is not None:
                fields = ["last_synced_at"]
                link.last_synced_at = now
                if locked.seq:
                    link.last_in_seq = locked.seq
                    fields.append("last_in_seq")
                link.save(update_fields=fields)
                ack.setdefault("receiver_id", str(link.dossier.public_id))
            locked.link = link
            locked.applied_at = now
            locked.ack = ack
            locked.error = ""
            locked.attempts = F("attempts") + 1
            locked.save(update_fields=["link", "applied_at", "ack", "error", "attempts"])
        return True
    except InvalidMessage as exc:
        _dead(message, f"{exc.code}: {type(exc).__name__}: {exc}"[:2000])
        return False
    except Exception as exc:
        text = f"{APPLY_FAILED}: {type(exc).__name__}: {exc}"[:2000]
        InMessage.objects.filter(pk=message.pk).update(error=text, attempts=F("attempts") + 1)
        logger.warning(
            "exchange message %s (%s #%d from %s) not applied: %s",
            message.message_id,
            message.type,
            message.seq,
            peer.code,
            text[:300],
        )
        return False


def drain(peer: Peer, sender_id) -> int:
    """Apply the dossier's waiting messages that are next in order; how many were."""
    applied = 0
    while True:
        link = find_link(peer, sender_id)
        expected = (link.last_in_seq if link else 0) + 1
        following = (
            InMessage.objects.filter(
                peer=peer,
                sender_id=sender_id,
                seq=expected,
                applied_at__isnull=True,
                dead_at__isnull=True,
            )
            .select_related("peer")
            .order_by("id")
            .first()
        )
        if following is None or not _apply(following, link):
            return applied
        applied += 1


def error_code(message: InMessage) -> str:
    return message.error.split(":", 1)[0] if message.error else ""


def receive(peer: Peer, envelope: dict) -> dict:
    """Store and apply one message from ``peer`` (see the module docstring); the answer
    ``{"status": "applied" | "duplicate" | "queued", "ack": {...}}``. Raises Rejected."""
    found = read_envelope(envelope)
    if found.sender != peer.code:
        raise Rejected(422, "from", "the envelope's from is not the signing peer")
    message = _store(peer, found)
    if message.applied_at is not None:
        return {"status": "duplicate", "ack": message.ack}
    link = find_link(peer, found.sender_id, found.receiver_id)
    if found.seq == 0:
        _apply(message, link)
    else:
        if link is not None and found.seq <= link.last_in_seq:
            InMessage.objects.filter(pk=message.pk).update(
                error=f"{SEQ_CONFLICT}: seq already applied with another message_id",
                dead_at=timezone.now(),
            )
            raise Rejected(409, "seq_conflict", "seq already applied with another message_id")
        drain(peer, found.sender_id)
    message.refresh_from_db()
    if message.applied_at is not None:
        return {"status": "applied", "ack": message.ack}
    if message.error:
        code = error_code(message)
        status = {APPLY_FAILED: 503, SEQ_CONFLICT: 409}.get(code, 422)
        raise Rejected(status, code, message.error)
    link = find_link(peer, found.sender_id)
    return {"status": "queued", "ack": {"waiting_for": (link.last_in_seq if link else 0) + 1}}


def retry_waiting(messages=None) -> int:
    """Try again the messages not applied yet (all, or those of ``messages``): each
    dossier's in order. Returns how many were applied. A dead message is tried again
    only when named in ``messages`` (an operator fixed its cause)."""
    if messages is not None:
        InMessage.objects.filter(
            pk__in=messages.values("pk"), applied_at__isnull=True, dead_at__isnull=False
        ).update(dead_at=None)
    waiting = InMessage.objects.filter(applied_at__isnull=True, dead_at__isnull=True)
    if messages is not None:
        waiting = waiting.filter(pk__in=messages.values("pk"))
    applied = 0
    keys = set(
        waiting.exclude(sender_id=None).values_list("peer_id", "sender_id").order_by().distinct()
    )
    peers = {peer.pk: peer for peer in Peer.objects.filter(pk__in={k[0] for k in keys})}
    for peer_id, sender_id in sorted(keys, key=str):
        applied += drain(peers[peer_id], sender_id)
    for message in waiting.filter(sender_id=None).select_related("peer").order_by("id"):
        applied += _apply(message, None)
    return applied


def skip_dead(messages) -> int:
    """The operator skips the dead messages of ``messages`` (they stay dead, marked
    skipped): each dossier's later messages are applied as if it had been. Returns how
    many later messages were applied."""
    applied = 0
    for message in messages.filter(applied_at__isnull=True, dead_at__isnull=False).select_related(
        "peer"
    ):
        with transaction.atomic():
            link = find_link(message.peer, message.sender_id)
            if link is None or not message.seq:
                continue
            link = Link.objects.select_for_update().get(pk=link.pk)
            if message.seq != link.last_in_seq + 1:
                continue
            link.last_in_seq = message.seq
            link.save(update_fields=["last_in_seq"])
            InMessage.objects.filter(pk=message.pk).update(error=f"skipped: {message.error}"[:2000])
            logger.warning(
                "exchange message %s (%s #%d from %s) skipped by an operator",
                message.message_id,
                message.type,
                message.seq,
                message.peer.code,
            )
        applied += drain(message.peer, message.sender_id)
    return applied


def dead_by_peer() -> dict[int, int]:
    """{peer id: number of received messages refused for good, not skipped}."""
    found: dict[int, int] = {}
    dead = InMessage.objects.filter(applied_at__isnull=True, dead_at__isnull=False).exclude(
        error__startswith="skipped:"
    )
    for peer_id in dead.values_list("peer_id", flat=True):
        found[peer_id] = found.get(peer_id, 0) + 1
    return found


def waiting_by_peer() -> dict[int, int]:
    """{peer id: number of received messages not applied yet}."""
    found: dict[int, int] = {}
    for peer_id in InMessage.objects.filter(
        applied_at__isnull=True, dead_at__isnull=True
    ).values_list("peer_id", flat=True):
        found[peer_id] = found.get(peer_id, 0) + 1
    return found
