"""The simulator's own data: the parcels it carries and every status it reported.

MotCua never reads these tables; it speaks to the simulator over HTTP as it would to a
postal operator (docs/POSTAL.md).
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class SimStatus(models.TextChoices):
    CREATED = "created", _("Đã nhận thông tin bưu gửi")
    PICKED_UP = "picked_up", _("Đã nhận bưu gửi")
    IN_TRANSIT = "in_transit", _("Đang vận chuyển")
    DELIVERED = "delivered", _("Đã giao")
    RETURNED = "returned", _("Chuyển hoàn người gửi")


# The order a parcel goes through; delivered and returned end it.
ROUTE = [SimStatus.CREATED, SimStatus.PICKED_UP, SimStatus.IN_TRANSIT]
FINAL = {SimStatus.DELIVERED, SimStatus.RETURNED}


class SimShipment(models.Model):
    """One parcel (bưu gửi) a sender booked, with its tracking number (S10 format)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    tracking_number = models.CharField(_("số hiệu bưu gửi"), max_length=13, unique=True)
    # The sender's idempotency key: the same reference books the same parcel.
    reference = models.CharField(_("mã tham chiếu của người gửi"), max_length=64, unique=True)
    sender = models.CharField(_("người gửi"), max_length=255, blank=True)
    recipient = models.CharField(_("người nhận"), max_length=255)
    phone = models.CharField(_("điện thoại"), max_length=20)
    address = models.JSONField(_("địa chỉ"), default=dict)
    origin_province = models.CharField(_("tỉnh gửi"), max_length=120, blank=True)
    postage_vnd = models.PositiveIntegerField(_("cước (đồng)"))
    callback_url = models.URLField(_("địa chỉ nhận sự kiện"), max_length=500, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=SimStatus.choices, default=SimStatus.CREATED
    )
    created_at = models.DateTimeField(_("ngày nhận"), auto_now_add=True)

    class Meta:
        verbose_name = _("bưu gửi (mô phỏng)")
        verbose_name_plural = _("bưu gửi (mô phỏng)")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.tracking_number

    @property
    def is_final(self) -> bool:
        return self.status in FINAL

    def address_line(self) -> str:
        parts = [self.address.get(k, "") for k in ("street", "commune", "province")]
        return ", ".join(p for p in parts if p)


class SimEvent(models.Model):
    """A status the parcel reached, and what the sender answered when told."""

    event_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    shipment = models.ForeignKey(SimShipment, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("trạng thái"), max_length=12, choices=SimStatus.choices)
    at = models.DateTimeField(_("thời điểm"))
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    # The HTTP status of the last attempt to tell the sender (None: not yet told).
    answer_status = models.PositiveSmallIntegerField(_("mã trả lời"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)

    class Meta:
        verbose_name = _("sự kiện bưu gửi (mô phỏng)")
        verbose_name_plural = _("sự kiện bưu gửi (mô phỏng)")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.event_id}: {self.status}"

    @property
    def acknowledged(self) -> bool:
        return self.answer_status is not None and 200 <= self.answer_status < 300

    def as_message(self) -> dict:
        return {
            "event_id": str(self.event_id),
            "tracking_number": self.shipment.tracking_number,
            "reference": self.shipment.reference,
            "status": self.status,
            "at": self.at.isoformat(),
            "note": self.note,
        }
