"""Results by post: the applicant's choice, the desk's hand-over, the post's reports.

Legal basis: Decree 118/2025/NĐ-CP Art. 15 (the result is returned at the one-stop desk,
electronically, or through the public postal service at the applicant's request) and
Decree 42/2022/NĐ-CP Art. 11 (full-process online services: the result is returned
electronically or by post). Postage is paid by the applicant: it is shown before the
dossier is submitted and kept with it.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.audit.services import record
from motcua.dossiers import services as dossier_services
from motcua.dossiers.exceptions import DossierError
from motcua.dossiers.models import Dossier, ResultDelivery, Status
from motcua.notifications import services as notification_services

from .addresses import AddressInvalid, address_line, clean_address, province_of
from .connector import Parcel, PostalError, TrackedEvent, get_service
from .models import FINAL, Shipment, ShipmentEvent, ShipmentStatus

logger = logging.getLogger(__name__)

# Until the result is issued the applicant (or the desk, for them) may change the choice.
CHOICE_OPEN = frozenset(
    {
        Status.DRAFT,
        Status.SUBMITTED,
        Status.RECEIVED,
        Status.IN_PROCESS,
        Status.WAITING_SUPPLEMENT,
        Status.APPROVED,
        Status.TRANSFERRED,
    }
)
ORDER = {
    ShipmentStatus.CREATED: 0,
    ShipmentStatus.PICKED_UP: 1,
    ShipmentStatus.IN_TRANSIT: 2,
    ShipmentStatus.DELIVERED: 3,
    ShipmentStatus.RETURNED: 3,
}

__all__ = ["AddressInvalid", "PostalError", "UnknownShipment"]


class UnknownShipment(PostalError):
    """An event names a tracking number no shipment of ours has."""


def quote(dossier: Dossier, address: dict) -> int:
    """The postage of ``dossier``'s result to ``address`` (checked first), from the
    agency's province. Raises AddressInvalid, PostalError."""
    cleaned = clean_address(address)
    return get_service().quote(cleaned, origin_province=province_of(dossier.agency))


def choose_delivery(
    dossier: Dossier, *, delivery: str, address: dict | None = None, by=None
) -> Dossier:
    """Record how the applicant receives the result: at the desk, by post to ``address``
    (checked, postage quoted by the postal service and kept) or electronically only.

    Allowed until the result is issued; a change after submission is audited.
    Raises AddressInvalid (per-field messages), PostalError (no quote), DossierError.
    """
    if delivery not in ResultDelivery.values:
        raise DossierError(_("Hình thức nhận kết quả không hợp lệ."), code="result_delivery")
    cleaned, postage = {}, None
    if delivery == ResultDelivery.POST:
        cleaned = clean_address(address or {})
        postage = get_service().quote(cleaned, origin_province=province_of(dossier.agency))
    with transaction.atomic():
        locked = Dossier.objects.select_for_update(of=("self",)).get(pk=dossier.pk)
        if locked.status not in CHOICE_OPEN:
            raise DossierError(
                _("Kết quả đã được ban hành, không đổi được hình thức nhận kết quả."),
                code="result_delivery_closed",
            )
        locked.result_delivery = delivery
        locked.delivery_address = cleaned
        locked.postage_vnd = postage
        locked.save(update_fields=["result_delivery", "delivery_address", "postage_vnd"])
        if locked.status != Status.DRAFT:
            record(
                "dossier.result_delivery",
                actor=by,
                obj=locked,
                data={"delivery": delivery, "postage_vnd": postage},
            )
    for name in ("result_delivery", "delivery_address", "postage_vnd"):
        setattr(dossier, name, getattr(locked, name))
    return locked


def can_send(dossier: Dossier) -> bool:
    """Whether the desk may hand the result to the post now: issued, to be posted, and
    no parcel on its way or delivered (after a return to sender it may be resent)."""
    if dossier.status != Status.RESULT_ISSUED or dossier.result_delivery != ResultDelivery.POST:
        return False
    latest = dossier.shipments.order_by("-created_at", "-id").first()
    return latest is None or latest.status == ShipmentStatus.RETURNED


def _not_for_post() -> DossierError:
    return DossierError(_("Hồ sơ này không có kết quả chờ gửi qua bưu chính."), code="not_for_post")


def send_result(dossier: Dossier, *, by, callback_url: str) -> Shipment:
    """Hand the issued result to the post: book a parcel to the applicant's address and
    keep its tracking number. The post's events arrive at ``callback_url``.

    Raises DossierError when the result is not ready for the post (or already on its
    way), PostalError when the post could not book it (nothing is kept).
    """
    dossier = Dossier.objects.select_related("agency").get(pk=dossier.pk)
    if not can_send(dossier):
        raise _not_for_post()
    # The booking is made before any row is written (the post is called outside the
    # transaction) and is idempotent by reference: the n-th parcel of a dossier always
    # has the same reference, so two desks pressing at once book one parcel.
    attempt = dossier.shipments.count() + 1
    address = dict(dossier.delivery_address or {})
    booked = get_service().create_shipment(
        Parcel(
            reference=f"{dossier.public_id}-{attempt}",
            recipient=address.get("recipient", ""),
            phone=address.get("phone", ""),
            address=address,
            origin_province=province_of(dossier.agency),
            sender=dossier.agency.name,
            callback_url=callback_url,
        )
    )
    with transaction.atomic():
        locked = Dossier.objects.select_for_update(of=("self",)).get(pk=dossier.pk)
        if not can_send(locked) or locked.shipments.count() + 1 != attempt:
            raise _not_for_post()
        now = timezone.now()
        shipment = Shipment.objects.create(
            dossier=locked,
            tracking_number=booked.tracking_number,
            status=ShipmentStatus.CREATED,
            postage_vnd=booked.postage_vnd,
            address=address,
            created_by=by,
            created_at=now,
        )
        notification_services.notify(locked, "postal_sent", {"tracking": shipment.tracking_number})
        record(
            "postal.shipment_created",
            actor=by,
            obj=locked,
            data={
                "code": locked.code,
                "tracking_number": shipment.tracking_number,
                "postage_vnd": shipment.postage_vnd,
                "to": address_line(address),
            },
        )
    return shipment


def record_event(event: TrackedEvent, *, source: str) -> tuple[ShipmentEvent, bool]:
    """Keep one status report of the post, once per event id; returns it and whether it
    is new. A delivery returns the dossier's result (``return_result`` by the system,
    at the delivery time) once; a return to sender tells the applicant and the desk,
    and the dossier stays ``result_issued`` (the desk resends or hands it over).

    Raises UnknownShipment, PostalError for a status we do not know.
    """
    if event.status not in ShipmentStatus.values:
        raise PostalError(_("Trạng thái bưu gửi không hợp lệ."), code="status")
    with transaction.atomic():
        shipment = (
            Shipment.objects.select_for_update(of=("self",))
            .filter(tracking_number=event.tracking_number)
            .first()
        )
        if shipment is None:
            raise UnknownShipment(_("Không có bưu gửi này."), code="unknown_shipment")
        existing = ShipmentEvent.objects.filter(event_id=event.event_id).first()
        if existing is not None:
            return existing, False
        kept = ShipmentEvent.objects.create(
            shipment=shipment,
            event_id=event.event_id,
            status=event.status,
            at=event.at,
            note=event.note,
            source=source,
        )
        if shipment.status in FINAL or ORDER[event.status] < ORDER[shipment.status]:
            return kept, True  # late news of an earlier stage: kept, status unchanged
        shipment.status = event.status
        fields = ["status"]
        if event.status == ShipmentStatus.DELIVERED:
            shipment.delivered_at = event.at
            fields.append("delivered_at")
        elif event.status == ShipmentStatus.RETURNED:
            shipment.returned_at = event.at
            fields.append("returned_at")
        shipment.save(update_fields=fields)
        if event.status == ShipmentStatus.DELIVERED:
            _returned(shipment, event)
        elif event.status == ShipmentStatus.RETURNED:
            _returned_to_sender(shipment, event)
    return kept, True


def _returned(shipment: Shipment, event: TrackedEvent) -> None:
    dossier = shipment.dossier
    if dossier.status != Status.RESULT_ISSUED:
        return  # handed over at the desk meanwhile: the parcel changes nothing
    dossier_services.transition(
        dossier,
        "return_result",
        by=None,
        at=min(event.at, timezone.now()),
        note=_("Bưu chính đã giao kết quả (số hiệu bưu gửi %(number)s).")
        % {"number": shipment.tracking_number},
    )


def _returned_to_sender(shipment: Shipment, event: TrackedEvent) -> None:
    dossier = shipment.dossier
    notification_services.notify(
        dossier,
        "postal_returned",
        {"tracking": shipment.tracking_number, "reason": event.note},
    )
    record(
        "postal.returned_to_sender",
        obj=dossier,
        data={"code": dossier.code, "tracking_number": shipment.tracking_number},
        actor_label="bưu chính",
    )


def poll(shipment: Shipment) -> int:
    """Ask the post for the journey of ``shipment`` and keep what is new; returns how
    many events were new. Raises PostalError."""
    journey = get_service().track(shipment.tracking_number)
    new = 0
    for event in journey.events:
        if event.tracking_number and event.tracking_number != shipment.tracking_number:
            continue
        tracked = TrackedEvent(
            event.event_id, shipment.tracking_number, event.status, event.at, event.note
        )
        new += record_event(tracked, source=ShipmentEvent.Source.POLL)[1]
    return new


def poll_open(*, older_than: dt.timedelta = dt.timedelta(0)) -> tuple[int, int, int]:
    """Poll every parcel still on its way; returns (parcels asked, new events, failures)."""
    cutoff = timezone.now() - older_than
    asked = new = failed = 0
    for shipment in Shipment.objects.exclude(status__in=FINAL).filter(created_at__lte=cutoff):
        asked += 1
        try:
            new += poll(shipment)
        except PostalError as error:
            failed += 1
            logger.warning("poll of shipment %s failed: %s", shipment.public_id, error.code)
    return asked, new, failed
