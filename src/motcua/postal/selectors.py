"""Reads about results by post: a dossier's parcels, the panels, and the count the
national measurement uses (results returned by post, Decision 766/QĐ-TTg's indicator
on the return of results)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from motcua.dossiers.models import Dossier, ResultDelivery

from .addresses import address_line
from .models import Shipment, ShipmentStatus


def shipments_of(dossier: Dossier) -> QuerySet[Shipment]:
    """The dossier's parcels, newest first, with their events."""
    return dossier.shipments.order_by("-created_at", "-id").prefetch_related("events")


def delivered_by_post(agency_ids, start: dt.date, end: dt.date) -> int:
    """How many dossiers of ``agency_ids`` had their result delivered by post between
    ``start`` and ``end`` (both included, local dates)."""
    tz = timezone.get_current_timezone()
    since = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return (
        Shipment.objects.filter(
            status=ShipmentStatus.DELIVERED,
            delivered_at__gte=since,
            delivered_at__lt=until,
            dossier__agency_id__in=list(agency_ids),
        )
        .values("dossier_id")
        .distinct()
        .count()
    )


@dataclass
class DeliveryPanel:
    """What a dossier page shows about how the result reaches the applicant."""

    delivery: str
    delivery_label: str
    address_line: str = ""
    recipient: str = ""
    phone: str = ""
    postage_vnd: int | None = None
    shipments: list[Shipment] = field(default_factory=list)
    can_send: bool = False

    @property
    def by_post(self) -> bool:
        return self.delivery == ResultDelivery.POST

    @property
    def latest(self) -> Shipment | None:
        return self.shipments[0] if self.shipments else None

    @property
    def returned_to_sender(self) -> bool:
        return self.latest is not None and self.latest.status == ShipmentStatus.RETURNED


def delivery_panel(dossier: Dossier, *, may_send: bool = False) -> DeliveryPanel:
    """The delivery choice and the parcels of ``dossier``; ``can_send`` when the viewer
    ``may_send`` (the desk) and the result is waiting for the post."""
    from .services import can_send

    address = dossier.delivery_address or {}
    return DeliveryPanel(
        delivery=dossier.result_delivery,
        delivery_label=dossier.get_result_delivery_display(),
        address_line=address_line(address),
        recipient=address.get("recipient", ""),
        phone=address.get("phone", ""),
        postage_vnd=dossier.postage_vnd,
        shipments=list(shipments_of(dossier)),
        can_send=may_send and can_send(dossier),
    )
