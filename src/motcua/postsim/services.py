"""What the simulated postal operator does: price a parcel, book it, report its journey.

Postage is a two-row table (inside the sender's province, elsewhere; both configurable).
Every status a parcel reaches is an event with its own id, sent to the sender's
callback URL as a signed JSON POST; an event the sender did not acknowledge (no 2xx) is
sent again by ``postsim_deliver``. The sender may also ask (``track``) at any time.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets

import requests
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import signing
from .models import FINAL, ROUTE, SimEvent, SimShipment, SimStatus

logger = logging.getLogger(__name__)

NOTES = {
    SimStatus.CREATED: "Bưu điện đã nhận thông tin bưu gửi",
    SimStatus.PICKED_UP: "Bưu tá đã nhận bưu gửi tại cơ quan",
    SimStatus.IN_TRANSIT: "Bưu gửi đang được vận chuyển",
    SimStatus.DELIVERED: "Đã phát thành công cho người nhận",
    SimStatus.RETURNED: "Không phát được, chuyển hoàn người gửi",
}
S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


class SimRequestError(Exception):
    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def s10_check_digit(serial: str) -> int:
    """The check digit of an 8-digit serial (UPU standard S10)."""
    rest = 11 - sum(int(d) * w for d, w in zip(serial, S10_WEIGHTS, strict=True)) % 11
    return {10: 0, 11: 5}.get(rest, rest)


def new_tracking_number() -> str:
    serial = f"{secrets.randbelow(10**8):08d}"
    return f"EB{serial}{s10_check_digit(serial)}VN"


def postage(origin_province: str, address: dict) -> tuple[int, str]:
    """(postage in đồng, zone) for a parcel from ``origin_province`` to ``address``."""
    province = str(address.get("province") or "").strip()
    if not province:
        raise SimRequestError("address", "Thiếu tỉnh, thành phố của địa chỉ nhận.")
    if origin_province and province == origin_province.strip():
        return settings.MOTCUA_POSTSIM_IN_PROVINCE_VND, "noi_tinh"
    return settings.MOTCUA_POSTSIM_OTHER_VND, "lien_tinh"


def _text(body: dict, name: str, limit: int) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value.strip():
        raise SimRequestError(name, f"Thiếu trường {name}.")
    return value.strip()[:limit]


def book(body: dict) -> tuple[SimShipment, bool]:
    """Book a parcel (idempotent by ``reference``); returns it and whether it is new."""
    reference = _text(body, "reference", 64)
    existing = SimShipment.objects.filter(reference=reference).first()
    if existing is not None:
        return existing, False
    address = body.get("address")
    if not isinstance(address, dict):
        raise SimRequestError("address", "Thiếu địa chỉ nhận.")
    origin = str(body.get("origin_province") or "")[:120]
    amount, _zone = postage(origin, address)
    fields = {
        "reference": reference,
        "sender": str(body.get("sender") or "")[:255],
        "recipient": _text(body, "recipient", 255),
        "phone": _text(body, "phone", 20),
        "address": {k: str(address.get(k) or "")[:255] for k in ("street", "commune", "province")},
        "origin_province": origin,
        "postage_vnd": amount,
        "callback_url": str(body.get("callback_url") or "")[:500],
    }
    for _attempt in range(5):  # a tracking number already taken: draw another
        try:
            with transaction.atomic():
                shipment = SimShipment.objects.create(
                    tracking_number=new_tracking_number(), **fields
                )
                SimEvent.objects.create(
                    shipment=shipment,
                    status=SimStatus.CREATED,
                    at=timezone.now(),
                    note=NOTES[SimStatus.CREATED],
                )
            return shipment, True
        except IntegrityError:
            existing = SimShipment.objects.filter(reference=reference).first()
            if existing is not None:
                return existing, False
    raise SimRequestError("busy", "Không cấp được số hiệu bưu gửi, hãy thử lại.", status=503)


def journey(shipment: SimShipment) -> dict:
    return {
        "tracking_number": shipment.tracking_number,
        "reference": shipment.reference,
        "status": shipment.status,
        "postage_vnd": shipment.postage_vnd,
        "events": [event.as_message() for event in shipment.events.all()],
    }


def advance(shipment: SimShipment, target: str, *, note: str = "", at=None) -> list[SimEvent]:
    """Move the parcel to ``target`` through the statuses it has not been through yet,
    one event each, and tell the sender. A parcel already delivered or returned stays.
    """
    if target not in SimStatus.values:
        raise SimRequestError("status", "Trạng thái không hợp lệ.")
    with transaction.atomic():
        shipment = SimShipment.objects.select_for_update().get(pk=shipment.pk)
        if shipment.status in FINAL or target == shipment.status:
            return []
        here = ROUTE.index(shipment.status)
        if target in FINAL:
            steps = [*ROUTE[here + 1 :], target]
        elif ROUTE.index(target) > here:
            steps = ROUTE[here + 1 : ROUTE.index(target) + 1]
        else:
            return []
        now = at or timezone.now()
        events = [
            SimEvent.objects.create(
                shipment=shipment,
                status=status,
                at=now + dt.timedelta(microseconds=i),
                note=(note if status == target and note else NOTES[status]),
            )
            for i, status in enumerate(steps)
        ]
        shipment.status = target
        shipment.save(update_fields=["status"])
    for event in events:
        notify(event)
    return events


def notify(event: SimEvent) -> bool:
    """Send one event to the sender's callback URL, signed; True when acknowledged."""
    url = event.shipment.callback_url
    if not url:
        return False
    body = signing.dumps(event.as_message())
    status = 0
    try:
        response = requests.post(
            url,
            data=body,
            headers=signing.signed_headers(settings.MOTCUA_POSTSIM_KEY, body),
            timeout=settings.MOTCUA_POSTSIM_WEBHOOK_TIMEOUT_S,
            allow_redirects=False,
        )
        status = response.status_code
    except requests.RequestException as exc:
        logger.warning("postsim event %s not delivered: %s", event.event_id, type(exc).__name__)
    SimEvent.objects.filter(pk=event.pk).update(
        answer_status=status or None, attempts=event.attempts + 1
    )
    return 200 <= status < 300


def deliver_due(*, outcome: str = SimStatus.DELIVERED, now=None) -> tuple[int, int]:
    """Send again the events the sender did not acknowledge, then bring every parcel
    booked at least ``MOTCUA_POSTSIM_TRANSIT_S`` seconds ago to ``outcome``.
    Returns (events resent, parcels finished)."""
    now = now or timezone.now()
    resent = 0
    pending = SimEvent.objects.select_related("shipment").exclude(answer_status__range=(200, 299))
    for event in pending.exclude(shipment__callback_url=""):
        resent += notify(event)
    due = SimShipment.objects.exclude(status__in=FINAL).filter(
        created_at__lte=now - dt.timedelta(seconds=settings.MOTCUA_POSTSIM_TRANSIT_S)
    )
    finished = sum(1 for shipment in due if advance(shipment, outcome))
    return resent, finished
