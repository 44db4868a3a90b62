"""Writes of the events app: the outbox row of a change, subscribers, replays."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.audit.services import record
from motcua.dossiers.models import Dossier
from motcua.lib import refcache
from motcua.lib.inserts import insert

from .models import Delivery, EventType, OutboxEvent, Subscriber, type_of
from .snapshot import dossier_snapshot


def record_event(
    dossier, action: str, from_status: str, to_status: str, at: dt.datetime | None
) -> OutboxEvent:
    """Write the outbox row of one dossier change and its deliveries (in the caller's
    transaction, which holds the dossier's row lock: the sequence follows the changes)."""
    event = insert(
        OutboxEvent(
            type=type_of(action, from_status, to_status),
            action=action,
            instance=settings.MOTCUA_INSTANCE_CODE,
            dossier_id=dossier.pk,
            dossier_code=dossier.code or "",
            from_status=from_status or "",
            to_status=to_status or "",
            occurred_at=at or timezone.now(),
            payload=dossier_snapshot(dossier.pk, dossier=dossier, from_status=from_status),
        )
    )
    subscribers = [pk for pk, types in active_subscribers() if not types or event.type in types]
    if subscribers:
        now = timezone.now()
        Delivery.objects.bulk_create(
            Delivery(
                event=event,
                subscriber_id=pk,
                dossier_id=dossier.pk,
                sequence=event.pk,
                next_attempt_at=now,
            )
            for pk in subscribers
        )
    return event


def active_subscribers() -> tuple[tuple[int, frozenset[str]], ...]:
    """(id, event types wanted — empty: all) of each active subscriber, by name; kept in a
    per-process memo (``motcua.lib.refcache``) that any change to a subscriber
    invalidates in every process. A subscriber is switched off (``active``), not
    deleted, while dossiers are filed: an event recorded in the instant between its
    deletion's commit and the other processes' next request would name it, and that
    transaction would fail (to be retried), as one racing the deletion always could."""
    return refcache.memoised(
        ("events.active_subscribers",),
        lambda: tuple(
            (pk, frozenset(types or ()))
            for pk, types in Subscriber.objects.filter(active=True)
            .order_by("name")
            .values_list("pk", "event_types")
        ),
    )


def publish_snapshots(dossiers: QuerySet | None = None, *, batch: int = 500) -> int:
    """Write a ``dossier.snapshot`` event with the current state of every dossier that has
    a code (or of ``dossiers``): for a system that connects to an instance with history,
    or dossiers written without the services (bulk-loaded demo data). Each dossier is
    locked while its event is written, so its sequence stays in order with its changes.
    Returns how many events were written.
    """
    dossiers = (dossiers if dossiers is not None else Dossier.objects.all()).exclude(code=None)
    written = last = 0
    while ids := list(
        dossiers.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch]
    ):
        last = ids[-1]
        for pk in ids:
            with transaction.atomic():
                dossier = Dossier.objects.select_for_update().filter(pk=pk).first()
                if dossier is None:
                    continue
                record_event(dossier, "resync", dossier.status, dossier.status, timezone.now())
                written += 1
    return written


# --- Subscribers declared in settings ---------------------------------------------------


@dataclass(frozen=True)
class DeclaredSubscriber:
    name: str
    url: str
    secret: str
    kind: str
    event_types: list[str]


def parse_declared(text: str) -> list[DeclaredSubscriber]:
    """Read ``name|url|secret[|kind[|type;type…]]`` items separated by commas.

    Raises ValueError (with a Vietnamese message) naming the first bad item.
    """
    result = []
    validate_url = URLValidator(schemes=["http", "https"])
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        fields = [f.strip() for f in item.split("|")]
        if len(fields) < 3 or not all(fields[:3]) or len(fields) > 5:
            raise ValueError(
                _("Mục “%(item)s” của MOTCUA_EVENTS_SUBSCRIBERS phải có dạng tên|url|khóa.")
                % {"item": item.split("|")[0]}
            )
        name, url, secret = fields[:3]
        kind = fields[3] if len(fields) > 3 and fields[3] else Subscriber.Kind.OTHER
        types = [t.strip() for t in fields[4].split(";") if t.strip()] if len(fields) > 4 else []
        try:
            validate_url(url)
        except ValidationError:
            raise ValueError(
                _("Địa chỉ của bên nhận “%(name)s” không hợp lệ.") % {"name": name}
            ) from None
        if kind not in Subscriber.Kind.values:
            raise ValueError(
                _("Loại “%(kind)s” của bên nhận “%(name)s” không hợp lệ (%(known)s).")
                % {"kind": kind, "name": name, "known": ", ".join(Subscriber.Kind.values)}
            )
        unknown = set(types) - set(EventType.values)
        if unknown:
            raise ValueError(
                _("Bên nhận “%(name)s” khai báo loại sự kiện không có: %(types)s.")
                % {"name": name, "types": ", ".join(sorted(unknown))}
            )
        result.append(DeclaredSubscriber(name, url, secret, kind, types))
    return result


@transaction.atomic
def sync_subscribers(text: str | None = None) -> tuple[int, int]:
    """Make the declared subscribers (``MOTCUA_EVENTS_SUBSCRIBERS``) exist and be active;
    deactivate declared ones no longer listed. Returns (created or updated, deactivated).

    Raises ValueError when the setting cannot be read (nothing is changed then).
    """
    declared = parse_declared(settings.MOTCUA_EVENTS_SUBSCRIBERS if text is None else text)
    changed = 0
    for item in declared:
        values = {
            "url": item.url,
            "secret": item.secret,
            "kind": item.kind,
            "event_types": item.event_types,
            "active": True,
            "managed": True,
        }
        subscriber, created = Subscriber.objects.get_or_create(name=item.name, defaults=values)
        if created or any(getattr(subscriber, k) != v for k, v in values.items()):
            Subscriber.objects.filter(pk=subscriber.pk).update(**values)
            refcache.bump()
            changed += 1
    gone = (
        Subscriber.objects.filter(managed=True, active=True)
        .exclude(name__in=[d.name for d in declared])
        .update(active=False)
    )
    if gone:
        refcache.bump()
    if changed or gone:
        record(
            "events.subscribers_synced",
            object_type="events.subscriber",
            data={"names": sorted(d.name for d in declared), "deactivated": gone},
        )
    return changed, gone


# --- Operators' actions ------------------------------------------------------------------


@transaction.atomic
def replay(deliveries: QuerySet[Delivery], *, by=None) -> int:
    """Put dead (or delivered) deliveries back in the queue with a fresh set of tries.

    Receivers deduplicate by event id, so replaying a delivered event is harmless.
    Returns how many were queued; the replay is recorded in the audit trail.
    """
    ids = list(
        deliveries.exclude(status=Delivery.Status.PENDING)
        .order_by("sequence")
        .values_list("pk", flat=True)
    )
    if not ids:
        return 0
    Delivery.objects.filter(pk__in=ids).update(
        status=Delivery.Status.PENDING,
        attempts=0,
        next_attempt_at=timezone.now(),
        claim=None,
        last_error="",
    )
    record(
        "events.delivery_replayed",
        actor=by,
        object_type="events.delivery",
        data={"count": len(ids), "ids": ids[:200]},
    )
    return len(ids)


@transaction.atomic
def backfill(subscriber: Subscriber, *, by=None) -> int:
    """Queue, for ``subscriber``, every past event it wants and has not been sent yet
    (a system that joins late gets the history). Returns how many were queued."""
    have = Delivery.objects.filter(subscriber=subscriber).values("event_id")
    events = OutboxEvent.objects.exclude(pk__in=have).order_by("pk")
    if subscriber.event_types:
        events = events.filter(type__in=subscriber.event_types)
    now = timezone.now()
    created = last = 0
    while rows := list(events.filter(pk__gt=last).values_list("pk", "dossier_id")[:1000]):
        last = rows[-1][0]
        made = Delivery.objects.bulk_create(
            [
                Delivery(
                    event_id=pk,
                    subscriber=subscriber,
                    dossier_id=dossier_id,
                    sequence=pk,
                    next_attempt_at=now,
                )
                for pk, dossier_id in rows
            ],
            ignore_conflicts=True,
        )
        created += len(made)
    record(
        "events.subscriber_backfilled",
        actor=by,
        obj=subscriber,
        data={"name": subscriber.name, "count": created},
    )
    return created
