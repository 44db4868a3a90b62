"""What the domain side of the exchange shares: the message type names, writing a
message in the change's transaction, reading a body's dates, refusing a bad body."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from .models import Link, OutMessage, Peer

PROTOCOL_BODY = 1  # the body format; a receiver refuses a higher one (docs/EXCHANGE.md)

# national → province
FILED = "dossier.filed"
SUPPLEMENT_PROVIDED = "dossier.supplement_provided"
PAID = "dossier.paid"
STOP_REQUESTED = "dossier.stop_requested"
WITHDRAWN = "dossier.withdrawn"
RATED = "dossier.rated"
# province → national
STATUS = "dossier.status"
SUPPLEMENT_REQUESTED = "dossier.supplement_requested"
APOLOGY = "dossier.apology"
RESULT = "dossier.result"

TO_PROVINCE = (FILED, SUPPLEMENT_PROVIDED, PAID, STOP_REQUESTED, WITHDRAWN, RATED)
TO_NATIONAL = (STATUS, SUPPLEMENT_REQUESTED, APOLOGY, RESULT)


class InvalidMessage(Exception):
    """The body cannot be applied, now or ever (unknown type, missing field, unknown
    procedure or agency): the transport answers 422 with ``code`` and does not retry."""

    def __init__(self, message: str, code: str = "invalid_body"):
        super().__init__(message)
        self.code = code


def role() -> str:
    """``MOTCUA_EXCHANGE_ROLE``: off, national or province."""
    return getattr(settings, "MOTCUA_EXCHANGE_ROLE", "off") or "off"


def enqueue(
    peer: Peer, type_: str, body: dict[str, Any], *, link: Link, at: dt.datetime | None = None
) -> OutMessage:
    """Write the message in the current transaction (the transport's outbox sends it
    after commit, in ``seq`` order per link)."""
    from . import outbox  # the transport layer: signing, delivery, retries

    return outbox.enqueue(peer, type_, {"v": PROTOCOL_BODY, **body}, link=link, at=at)


def iso(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def when(body: dict[str, Any], key: str = "at") -> dt.datetime:
    """The body's moment ``key``; refuses a missing or unreadable one."""
    value = body.get(key)
    parsed = parse_datetime(value) if isinstance(value, str) else None
    if parsed is None:
        raise InvalidMessage(f"{key}: an ISO 8601 date and time is required", "bad_time")
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, dt.UTC)
    return parsed


def day(body: dict[str, Any], key: str) -> dt.date | None:
    value = body.get(key)
    return parse_date(value) if isinstance(value, str) and value else None


def required(body: dict[str, Any], *keys: str) -> None:
    missing = [key for key in keys if body.get(key) in (None, "")]
    if missing:
        raise InvalidMessage("missing: " + ", ".join(missing), "missing_field")
