"""Sending the outbox: claim due deliveries, POST them signed, record what happened.

At least once, in order per dossier:

* a worker **claims** a batch in a short transaction (``FOR UPDATE SKIP LOCKED`` on
  PostgreSQL, so concurrent workers take disjoint rows; SQLite's settings open every
  transaction with ``BEGIN IMMEDIATE``, so claims are serialised there anyway) by giving
  the rows its token and a lease (``next_attempt_at`` = now + ``MOTCUA_EVENTS_LEASE_S``);
* it sends them **outside** any transaction and records each outcome only if the row
  still carries its token. A worker killed mid-way leaves its rows pending: when the
  lease ends another worker (or the same one restarted) sends them again, so a receiver
  may see an event twice and must deduplicate by event id (docs/EVENTS.md);
* deliveries to an inactive subscriber wait (deactivating one pauses it);
* a delivery is never claimed while an earlier delivery of the same dossier to the same
  subscriber is pending (being sent or waiting for a retry), so each subscriber receives
  a dossier's events in sequence order. A dead earlier delivery does not hold the later
  ones back: every event carries the dossier's whole state.
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import time
import uuid
from dataclasses import dataclass

import requests
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from motcua.lib.signing import sign

from .models import Delivery

logger = logging.getLogger(__name__)
USER_AGENT = "MotCua-Events/1"


def headers_for(delivery: Delivery, body: bytes, timestamp: str) -> dict[str, str]:
    event = delivery.event
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-MotCua-Event-Id": str(event.event_id),
        "X-MotCua-Event-Type": event.type,
        "X-MotCua-Instance": event.instance,
        "X-MotCua-Sequence": str(event.pk),
        "X-MotCua-Timestamp": timestamp,
        "X-MotCua-Signature": f"v1={sign(delivery.subscriber.secret, timestamp, body)}",
    }


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the ``attempts``-th failed try: base × 2^(attempts−1), capped, with
    a random factor in [0.5, 1] so that retries of many deliveries do not come in waves."""
    seconds = settings.MOTCUA_EVENTS_BACKOFF_S * 2 ** max(attempts - 1, 0)
    seconds = min(seconds, settings.MOTCUA_EVENTS_BACKOFF_MAX_S)
    return dt.timedelta(seconds=seconds * random.uniform(0.5, 1.0))


@dataclass
class Outcome:
    delivered: int = 0
    failed: int = 0  # will be retried
    dead: int = 0
    released: int = 0  # claimed but handed back unsent (lease about to end)

    def __iadd__(self, other: Outcome) -> Outcome:
        self.delivered += other.delivered
        self.failed += other.failed
        self.dead += other.dead
        self.released += other.released
        return self

    @property
    def attempted(self) -> int:
        return self.delivered + self.failed + self.dead


def claim(limit: int, *, now: dt.datetime | None = None) -> tuple[uuid.UUID, list[Delivery]]:
    """Reserve up to ``limit`` due deliveries for this worker (see the module docstring)."""
    now = now or timezone.now()
    token = uuid.uuid4()
    earlier_pending = Delivery.objects.filter(
        subscriber=OuterRef("subscriber"),
        dossier_id=OuterRef("dossier_id"),
        status=Delivery.Status.PENDING,
        sequence__lt=OuterRef("sequence"),
    )
    with transaction.atomic():
        due = (
            Delivery.objects.filter(
                status=Delivery.Status.PENDING, next_attempt_at__lte=now, subscriber__active=True
            )
            .exclude(Exists(earlier_pending))
            .order_by("sequence")
        )
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True, of=("self",))
        ids = list(due.values_list("pk", flat=True)[:limit])
        if ids:
            lease = dt.timedelta(seconds=settings.MOTCUA_EVENTS_LEASE_S)
            Delivery.objects.filter(
                pk__in=ids, status=Delivery.Status.PENDING, next_attempt_at__lte=now
            ).update(
                claim=token,
                next_attempt_at=timezone.now() + lease,
                attempts=F("attempts") + 1,
            )
    claimed = list(
        Delivery.objects.filter(claim=token, status=Delivery.Status.PENDING)
        .select_related("event", "subscriber")
        .order_by("sequence")
    )
    return token, claimed


def _post(session: requests.Session, delivery: Delivery) -> tuple[int | None, str]:
    """POST one delivery; (HTTP status or None, error text or "")."""
    body = delivery.event.body()
    timestamp = str(int(time.time()))
    timeout = settings.MOTCUA_EVENTS_TIMEOUT_S
    try:
        response = session.post(
            delivery.subscriber.url,
            data=body,
            headers=headers_for(delivery, body, timestamp),
            timeout=(timeout, timeout),
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        return None, f"{type(exc).__name__}: {exc}"[:2000]
    if 200 <= response.status_code < 300:
        return response.status_code, ""
    return response.status_code, f"HTTP {response.status_code}: {response.text[:500]}"


def _record(delivery: Delivery, token: uuid.UUID, status_code: int | None, error: str) -> str:
    """Save the outcome of one try, unless another worker took the row over meanwhile."""
    mine = Delivery.objects.filter(pk=delivery.pk, claim=token, status=Delivery.Status.PENDING)
    now = timezone.now()
    if not error:
        mine.update(
            status=Delivery.Status.DELIVERED,
            delivered_at=now,
            last_status_code=status_code,
            last_error="",
            claim=None,
        )
        return "delivered"
    if delivery.attempts >= settings.MOTCUA_EVENTS_MAX_ATTEMPTS:
        mine.update(
            status=Delivery.Status.DEAD, last_status_code=status_code, last_error=error, claim=None
        )
        logger.warning(
            "event delivery %s (event %s, subscriber %s) dead after %d attempts: %s",
            delivery.pk,
            delivery.event.event_id,
            delivery.subscriber_id,
            delivery.attempts,
            error[:200],
        )
        return "dead"
    mine.update(
        next_attempt_at=now + backoff(delivery.attempts),
        last_status_code=status_code,
        last_error=error,
        claim=None,
    )
    logger.info(
        "event delivery %s (event %s) attempt %d failed: %s",
        delivery.pk,
        delivery.event.event_id,
        delivery.attempts,
        error[:200],
    )
    return "failed"


def _release(ids: list[int], token: uuid.UUID) -> int:
    """Hand claimed, unsent deliveries back (the try did not happen: it is not counted)."""
    return Delivery.objects.filter(pk__in=ids, claim=token, status=Delivery.Status.PENDING).update(
        claim=None, next_attempt_at=timezone.now(), attempts=F("attempts") - 1
    )


def deliver_batch(
    limit: int | None = None,
    *,
    now: dt.datetime | None = None,
    session: requests.Session | None = None,
) -> Outcome:
    """Claim one batch of due deliveries and send them, in sequence order."""
    limit = limit or settings.MOTCUA_EVENTS_BATCH_SIZE
    token, claimed = claim(limit, now=now)
    outcome = Outcome()
    if not claimed:
        return outcome
    # Stop early enough that no row's lease ends while it is still being sent.
    margin = settings.MOTCUA_EVENTS_TIMEOUT_S + 1
    stop_at = time.monotonic() + settings.MOTCUA_EVENTS_LEASE_S - margin
    own_session = session is None
    session = session or requests.Session()
    try:
        for index, delivery in enumerate(claimed):
            if time.monotonic() > stop_at:
                outcome.released += _release([d.pk for d in claimed[index:]], token)
                break
            status_code, error = _post(session, delivery)
            result = _record(delivery, token, status_code, error)
            setattr(outcome, result, getattr(outcome, result) + 1)
    finally:
        if own_session:
            session.close()
    return outcome


def deliver_due(limit: int | None = None) -> Outcome:
    """Send everything due now, batch after batch; a delivery that fails is retried by a
    later run (after its backoff), not by this one."""
    start = timezone.now()
    total = Outcome()
    with requests.Session() as session:
        while True:
            outcome = deliver_batch(limit, now=start, session=session)
            total += outcome
            if not outcome.attempted and not outcome.released:
                return total
