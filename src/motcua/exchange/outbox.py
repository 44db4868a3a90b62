"""The exchange's outbox: messages written with the change, sent after commit, in order.

At least once, in ``seq`` order per dossier (docs/EXCHANGE.md, "Delivery"):

* ``enqueue`` is called **inside** the transaction of the change: it takes the next
  ``seq`` of the dossier's ``Link`` under a row lock and writes an ``OutMessage``; when
  that transaction commits, one try is made at once (``MOTCUA_EXCHANGE_INLINE``) and
  the ``deliver_exchange`` job sends whatever that try did not;
* a worker **claims** due messages in a short transaction (``FOR UPDATE SKIP LOCKED`` on
  PostgreSQL; SQLite serialises writers) by giving them its token and a lease, sends
  them outside any transaction and records each outcome only if the row still carries
  its token; a worker that dies mid-way leaves its messages to be sent again after the
  lease, and the receiver deduplicates them by ``message_id``;
* a message is never claimed while an earlier message of the same link is pending or
  dead: each message is a change to apply after the previous one, so a dead message
  holds the dossier's later ones back until it is replayed;
* a failed try waits base × 2^(n−1) seconds (capped, with jitter) before the next; a
  message refused for good by the peer (422, 409) or failing
  ``MOTCUA_EXCHANGE_MAX_ATTEMPTS`` times is dead, listed in the admin for a replay.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import time
import uuid
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef
from django.utils import timezone

from motcua.audit.services import record

from .models import Link, OutMessage, Peer
from .transport import PROTOCOL, TransportError, get_transport

logger = logging.getLogger(__name__)
BATCH = 100
PENDING, DELIVERED, DEAD = (
    OutMessage.State.PENDING,
    OutMessage.State.DELIVERED,
    OutMessage.State.DEAD,
)


def enqueue(
    peer: Peer,
    type: str,
    body: dict,
    *,
    link: Link | None = None,
    at: dt.datetime | None = None,
) -> OutMessage:
    """Write one message to ``peer`` in the current transaction (see the module docstring).

    With ``link``, the message takes the link's next ``seq`` (the row is locked until the
    transaction ends, so concurrent changes of one dossier get distinct, gapless
    numbers); without, ``seq`` is 0 and the message is not ordered.
    """
    now = timezone.now()
    with transaction.atomic():
        seq = 0
        if link is not None:
            seq = (
                Link.objects.select_for_update()
                .values_list("next_out_seq", flat=True)
                .get(pk=link.pk)
            )
            Link.objects.filter(pk=link.pk).update(next_out_seq=seq + 1)
            link.next_out_seq = seq + 1
        message = OutMessage.objects.create(
            peer=peer,
            link=link,
            type=type,
            seq=seq,
            body=body,
            created_at=at or now,
            next_attempt_at=now,
        )
    if settings.MOTCUA_EXCHANGE_INLINE:
        transaction.on_commit(partial(deliver_inline, peer.pk), robust=True)
    return message


def envelope_of(message: OutMessage, *, sent_at: dt.datetime | None = None) -> dict:
    """The wire form of ``message`` (docs/EXCHANGE.md, "Envelope")."""
    link = None
    if message.link_id is not None:
        link = {
            "sender_id": str(message.link.dossier.public_id),
            "receiver_id": str(message.link.remote_id) if message.link.remote_id else None,
        }
    return {
        "protocol": PROTOCOL,
        "message_id": str(message.message_id),
        "type": message.type,
        "from": settings.MOTCUA_INSTANCE_CODE,
        "link": link,
        "seq": message.seq,
        "created_at": message.created_at.isoformat(),
        "sent_at": (sent_at or timezone.now()).isoformat(),
        "body": message.body,
    }


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the ``attempts``-th failed try (base × 2^(n−1), capped, jittered)."""
    seconds = settings.MOTCUA_EXCHANGE_BACKOFF_S * 2 ** min(max(attempts - 1, 0), 30)
    seconds = min(seconds, settings.MOTCUA_EXCHANGE_BACKOFF_MAX_S)
    return dt.timedelta(seconds=seconds * random.uniform(0.5, 1.0))


@dataclass
class Outcome:
    delivered: int = 0
    failed: int = 0  # will be retried
    dead: int = 0

    def __iadd__(self, other: Outcome) -> Outcome:
        self.delivered += other.delivered
        self.failed += other.failed
        self.dead += other.dead
        return self

    @property
    def attempted(self) -> int:
        return self.delivered + self.failed + self.dead


def claim(
    limit: int, *, now: dt.datetime | None = None, peer: Peer | None = None
) -> tuple[uuid.UUID, list[OutMessage]]:
    """Reserve up to ``limit`` due messages for this worker, the first due of each link."""
    now = now or timezone.now()
    token = uuid.uuid4()
    earlier = OutMessage.objects.filter(
        link=OuterRef("link"), seq__lt=OuterRef("seq"), state__in=(PENDING, DEAD)
    )
    with transaction.atomic():
        due = (
            OutMessage.objects.filter(state=PENDING, next_attempt_at__lte=now, peer__active=True)
            .exclude(Exists(earlier))
            .order_by("id")
        )
        if peer is not None:
            due = due.filter(peer=peer)
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True, of=("self",))
        ids = list(due.values_list("pk", flat=True)[:limit])
        if ids:
            lease = dt.timedelta(seconds=settings.MOTCUA_EXCHANGE_LEASE_S)
            OutMessage.objects.filter(pk__in=ids, state=PENDING).update(
                claim=token, next_attempt_at=timezone.now() + lease, attempts=F("attempts") + 1
            )
    claimed = list(
        OutMessage.objects.filter(claim=token, state=PENDING)
        .select_related("peer", "link__dossier")
        .order_by("id")
    )
    return token, claimed


def _delivered(message: OutMessage, token: uuid.UUID, answer: dict) -> None:
    now = timezone.now()
    ack = answer.get("ack") if isinstance(answer.get("ack"), dict) else {}
    with transaction.atomic():
        done = OutMessage.objects.filter(pk=message.pk, claim=token, state=PENDING).update(
            state=DELIVERED,
            delivered_at=now,
            ack=ack,
            last_error="",
            last_status_code=200,
            claim=None,
        )
        if not done or message.link_id is None:
            return
        link = Link.objects.select_for_update().get(pk=message.link_id)
        link.last_synced_at = now
        fields = ["last_synced_at"]
        remote = _uuid(ack.get("receiver_id"))
        taken = Link.objects.filter(peer=link.peer_id, remote_id=remote).exists()
        if link.remote_id is None and remote is not None and not taken:
            link.remote_id = remote
            fields.append("remote_id")
        if link.handed_over_at is None and answer.get("status") in ("applied", "duplicate"):
            link.handed_over_at = now
            fields.append("handed_over_at")
        link.save(update_fields=fields)


def _failed(message: OutMessage, token: uuid.UUID, error: TransportError) -> str:
    mine = OutMessage.objects.filter(pk=message.pk, claim=token, state=PENDING)
    text = str(error)[:2000]
    if not error.retry or message.attempts >= settings.MOTCUA_EXCHANGE_MAX_ATTEMPTS:
        mine.update(state=DEAD, last_error=text, last_status_code=error.status, claim=None)
        logger.warning(
            "exchange message %s (%s #%d to %s) dead after %d attempts: %s",
            message.message_id,
            message.type,
            message.seq,
            message.peer.code,
            message.attempts,
            text[:200],
        )
        return "dead"
    mine.update(
        next_attempt_at=timezone.now() + backoff(message.attempts),
        last_error=text,
        last_status_code=error.status,
        claim=None,
    )
    logger.info(
        "exchange message %s attempt %d failed: %s", message.message_id, message.attempts, text
    )
    return "failed"


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


def send_claimed(token: uuid.UUID, claimed: list[OutMessage]) -> Outcome:
    outcome = Outcome()
    stop_at = (
        time.monotonic()
        + settings.MOTCUA_EXCHANGE_LEASE_S
        - (settings.MOTCUA_EXCHANGE_TIMEOUT_S * 2 + 1)
    )
    for index, message in enumerate(claimed):
        if index and time.monotonic() > stop_at:  # hand the rest back before the lease ends
            OutMessage.objects.filter(
                pk__in=[m.pk for m in claimed[index:]], claim=token, state=PENDING
            ).update(claim=None, next_attempt_at=timezone.now(), attempts=F("attempts") - 1)
            break
        try:
            answer = get_transport(message.peer).send(message.peer, envelope_of(message))
        except TransportError as error:
            result = _failed(message, token, error)
        else:
            _delivered(message, token, answer)
            result = "delivered"
        setattr(outcome, result, getattr(outcome, result) + 1)
    return outcome


def deliver(
    peer: Peer | None = None, limit: int | None = None, *, now: dt.datetime | None = None
) -> Outcome:
    """Send every message due at ``now`` (default: when the run starts), batch after
    batch, each link's in ``seq`` order; at most ``limit`` tries. A message that fails is
    retried by a later run, after its backoff."""
    start = now or timezone.now()
    total = Outcome()
    while limit is None or total.attempted < limit:
        size = BATCH if limit is None else min(BATCH, limit - total.attempted)
        token, claimed = claim(size, now=start, peer=peer)
        if not claimed:
            break
        total += send_claimed(token, claimed)
    return total


def deliver_pending(peer: Peer | None = None, limit: int | None = None) -> int:
    """``deliver`` and return how many messages were delivered."""
    return deliver(peer, limit).delivered


def peer_is_down(peer_id: int, now: dt.datetime | None = None) -> bool:
    """A message to this peer failed recently and waits for its retry: the peer is
    taken as down until then (an inline try would only wait for a timeout)."""
    now = now or timezone.now()
    return OutMessage.objects.filter(
        peer_id=peer_id, state=PENDING, attempts__gt=0, claim=None, next_attempt_at__gt=now
    ).exists()


def deliver_inline(peer_id: int) -> None:
    """The try made right after a change commits (``MOTCUA_EXCHANGE_INLINE``)."""
    try:
        peer = Peer.objects.filter(pk=peer_id, active=True).first()
        if peer is None or peer_is_down(peer_id):
            return
        deliver(peer, BATCH)
    except Exception:  # the job sends it later; the request that made the change succeeded
        logger.exception("inline exchange delivery to peer %s failed", peer_id)


def replay(messages, *, by=None) -> int:
    """Put dead (or delivered) messages back in the queue with a fresh set of tries.

    The receiver deduplicates by ``message_id``: replaying a delivered message is
    harmless. Returns how many were queued; the replay is recorded in the audit trail.
    """
    with transaction.atomic():
        ids = list(messages.exclude(state=PENDING).order_by("id").values_list("pk", flat=True))
        if not ids:
            return 0
        OutMessage.objects.filter(pk__in=ids).update(
            state=PENDING, attempts=0, next_attempt_at=timezone.now(), claim=None
        )
        record(
            "exchange.message_replayed",
            actor=by,
            object_type="exchange.outmessage",
            data={"count": len(ids), "ids": ids[:200]},
        )
    return len(ids)


def counts_by_peer() -> dict[int, dict[str, int]]:
    """{peer id: {state: number of messages}} for ``exchange_status``."""
    found: dict[int, dict[str, int]] = {}
    rows = OutMessage.objects.values("peer_id", "state").order_by().annotate(n=Count("id"))
    for row in rows:
        found.setdefault(row["peer_id"], {})[row["state"]] = row["n"]
    return found
