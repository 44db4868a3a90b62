"""Writing notifications to the outbox and delivering them.

``notify`` runs inside the transaction of the dossier change (from the signal
receiver); ``process_outbox`` runs in a worker (``send_notifications``, Celery later)
or, in the embedded default, right after the change commits.
"""

from __future__ import annotations

import datetime as dt
import logging
from functools import partial
from typing import Any

from django.core.mail import DNS_NAME, EmailMessage
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from motcua.dossiers.models import Dossier
from motcua.lib.inserts import insert_rows

from . import conf, messages, selectors, sms
from .exceptions import PermanentDeliveryError
from .models import Notification

logger = logging.getLogger(__name__)


def notify(dossier: Dossier, event: str, data: dict[str, Any] | None = None) -> list[Notification]:
    """Put the messages about ``event`` on ``dossier`` in the outbox (email and SMS).

    Call inside the transaction that made the change. Channels without an address for
    the applicant, disabled channels and events citizens are not told about give no
    row. With ``MOTCUA_NOTIFICATIONS_INLINE`` the new rows are sent right after the
    commit, in this process. Raises TemplateDoesNotExist if a template is missing.
    """
    if event not in messages.MESSAGES:
        return []
    addresses = selectors.contacts_of(dossier.applicant)
    wanted = [
        (channel, addresses[channel])
        for channel in (Notification.Channel.EMAIL, Notification.Channel.SMS)
        if channel in conf.channels() and addresses[channel]
    ]
    if not wanted:
        return []
    rendered = messages.render(dossier, event, data or {})
    now = timezone.now()
    # One INSERT for both channels (nothing listens to a notification's post_save); for
    # one, the statement kept (``lib.inserts``).
    created = [
        Notification(
            channel=channel,
            recipient=address,
            subject=rendered.subject if channel == Notification.Channel.EMAIL else "",
            body=rendered.email if channel == Notification.Channel.EMAIL else rendered.sms,
            event=event,
            dossier_code=dossier.code or "",
            dossier_public_id=dossier.public_id,
            created_at=now,
            next_attempt_at=now,
        )
        for channel, address in wanted
    ]
    insert_rows(Notification, created)
    if conf.inline():
        transaction.on_commit(partial(deliver, [n.pk for n in created]), robust=True)
    return created


def send_text(
    phone: str,
    text: str,
    *,
    event: str,
    dossier: Dossier | None = None,
    text_after_send: str = "",
) -> Notification:
    """Put one SMS with ``text`` for ``phone`` in the outbox (a one-time code, say).

    Unlike ``notify`` it is not tied to a dossier event and is written whatever
    ``MOTCUA_NOTIFICATIONS_CHANNELS`` says (the person asked for it). Call inside the
    transaction that needs it; with ``MOTCUA_NOTIFICATIONS_INLINE`` it is sent right
    after the commit. ``event`` names the message's kind (at most 32 characters).
    ``text_after_send``: the text with its secret masked, stored instead of ``text`` once
    the SMS is handed to the sender (or given up).
    """
    now = timezone.now()
    notification = Notification.objects.create(
        channel=Notification.Channel.SMS,
        recipient=phone,
        body=text,
        body_after_send=text_after_send,
        event=event[:32],
        dossier_code=(dossier.code or "") if dossier else "",
        dossier_public_id=dossier.public_id if dossier else None,
        created_at=now,
        next_attempt_at=now,
    )
    if conf.inline():
        transaction.on_commit(partial(deliver, [notification.pk]), robust=True)
    return notification


def backoff(attempts: int) -> dt.timedelta:
    """How long to wait after the ``attempts``-th failed try: base × 2^(attempts−1), capped."""
    seconds = conf.backoff_seconds() * 2 ** max(attempts - 1, 0)
    return dt.timedelta(seconds=min(seconds, conf.backoff_max_seconds()))


def _send(notification: Notification) -> str:
    if notification.channel == Notification.Channel.EMAIL:
        message_id = f"<{notification.public_id}@{DNS_NAME}>"
        EmailMessage(
            subject=notification.subject,
            body=notification.body,
            to=[notification.recipient],
            headers={"Message-ID": message_id},
        ).send(fail_silently=False)
        return message_id
    return sms.get_backend().send_message(notification.recipient, notification.body)


def _attempt(notification: Notification, now: dt.datetime) -> bool:
    """Try to send one claimed notification and record the outcome (on the locked row)."""
    notification.attempts += 1
    try:
        external_id = _send(notification)
    except Exception as exc:  # any backend failure is recorded, never raised
        permanent = isinstance(exc, PermanentDeliveryError)
        notification.last_error = f"{type(exc).__name__}: {exc}"[:2000]
        if permanent or notification.attempts >= conf.max_attempts():
            notification.status = Notification.Status.FAILED
            logger.warning(
                "notification %s (%s) given up after %d attempts: %s",
                notification.public_id,
                notification.channel,
                notification.attempts,
                type(exc).__name__,
            )
        else:
            notification.next_attempt_at = now + backoff(notification.attempts)
            logger.info(
                "notification %s (%s) attempt %d failed (%s); next at %s",
                notification.public_id,
                notification.channel,
                notification.attempts,
                type(exc).__name__,
                notification.next_attempt_at.isoformat(),
            )
        fields = ["attempts", "last_error", "status", "next_attempt_at"]
        if notification.status == Notification.Status.FAILED:
            fields += _forget_secret(notification)
        notification.save(update_fields=fields)
        return False
    notification.status = Notification.Status.SENT
    notification.sent_at = timezone.now()
    notification.external_id = str(external_id or "")[:255]
    notification.last_error = ""
    fields = ["attempts", "status", "sent_at", "external_id", "last_error"]
    notification.save(update_fields=fields + _forget_secret(notification))
    return True


def _forget_secret(notification: Notification) -> list[str]:
    """Replace the body by its masked form, if any (the fields changed)."""
    if not notification.body_after_send:
        return []
    notification.body = notification.body_after_send
    notification.body_after_send = ""
    return ["body", "body_after_send"]


def _send_next(now: dt.datetime, among: list[int] | None = None) -> bool | None:
    """Claim the next due notification, try it; None when none is due.

    The row stays locked (FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite takes its one
    write lock at BEGIN) until its outcome is saved, so two workers never send the
    same notification, and a worker that dies mid-way leaves it pending.
    """
    with transaction.atomic():
        due = Notification.objects.select_for_update(skip_locked=True).filter(
            status=Notification.Status.PENDING, next_attempt_at__lte=now
        )
        if among is not None:
            due = due.filter(pk__in=among)
        notification = due.order_by("next_attempt_at", "pk").first()
        if notification is None:
            return None
        return _attempt(notification, now)


def process_outbox(limit: int = 100, *, now: dt.datetime | None = None) -> int:
    """Send up to ``limit`` pending notifications that are due; return how many were sent.

    A failure is recorded on the row (``last_error``) and retried after ``backoff``;
    after ``MOTCUA_NOTIFICATIONS_MAX_ATTEMPTS`` tries (or a PermanentDeliveryError) the
    notification is marked failed. Safe to run in several processes at once.
    """
    sent = 0
    for _ in range(limit):
        outcome = _send_next(now or timezone.now())
        if outcome is None:
            break
        sent += outcome
    return sent


def deliver(ids: list[int]) -> int:
    """Send the notifications ``ids`` if still pending and due (the inline path)."""
    sent = 0
    for _ in ids:
        outcome = _send_next(timezone.now(), among=ids)
        if outcome is None:
            break
        sent += outcome
    return sent


def retry(notifications: QuerySet[Notification]) -> int:
    """Put failed notifications back in the outbox with a fresh set of attempts."""
    return notifications.filter(status=Notification.Status.FAILED).update(
        status=Notification.Status.PENDING, attempts=0, next_attempt_at=timezone.now()
    )


def notify_contact(
    *,
    email: str,
    phone: str,
    event: str,
    subject: str,
    body: str,
    sms: str,
    reference: str = "",
) -> list[Notification]:
    """Put a message that is not about a dossier (a PAKN's answer) in the outbox.

    ``email``/``phone``: the addresses given by the person (either may be empty);
    ``reference``: the code the message is about, kept in ``dossier_code`` (a reference
    only). Call inside the transaction of the change; the enabled channels with an
    address get a row each, sent as ``notify``'s rows are.
    """
    wanted = [
        (channel, address.strip())
        for channel, address in (
            (Notification.Channel.EMAIL, email or ""),
            (Notification.Channel.SMS, phone or ""),
        )
        if channel in conf.channels() and (address or "").strip()
    ]
    now = timezone.now()
    # One INSERT for both channels (nothing listens to a notification's post_save); for
    # one, the statement kept (``lib.inserts``).
    created = [
        Notification(
            channel=channel,
            recipient=address,
            subject=subject[:255] if channel == Notification.Channel.EMAIL else "",
            body=body if channel == Notification.Channel.EMAIL else sms,
            event=event[:32],
            dossier_code=reference[:64],
            created_at=now,
            next_attempt_at=now,
        )
        for channel, address in wanted
    ]
    insert_rows(Notification, created)
    if created and conf.inline():
        transaction.on_commit(partial(deliver, [n.pk for n in created]), robust=True)
    return created
