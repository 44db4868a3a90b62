"""Results sent by post: the parcel booked for a dossier and what the post reported.

Decree 118/2025/NĐ-CP Art. 15 (the applicant may receive the result through the public
postal service) and Decree 42/2022/NĐ-CP (full-process online services return the
result electronically or by post, as the applicant chose).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier


class ShipmentStatus(models.TextChoices):
    CREATED = "created", _("Đã chuyển cho bưu chính")
    PICKED_UP = "picked_up", _("Bưu chính đã nhận kết quả")
    IN_TRANSIT = "in_transit", _("Đang vận chuyển")
    DELIVERED = "delivered", _("Đã giao")
    RETURNED = "returned", _("Bưu chính trả lại")


FINAL = frozenset({ShipmentStatus.DELIVERED, ShipmentStatus.RETURNED})


class Shipment(models.Model):
    """One parcel carrying a dossier's result. A parcel the post returned may be
    followed by another (the desk resends), so a dossier may have several."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dossier = models.ForeignKey(
        Dossier, verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="shipments"
    )
    tracking_number = models.CharField(_("số hiệu bưu gửi"), max_length=20, unique=True)
    status = models.CharField(
        _("trạng thái"),
        max_length=12,
        choices=ShipmentStatus.choices,
        default=ShipmentStatus.CREATED,
        db_index=True,
    )
    postage_vnd = models.PositiveIntegerField(_("cước bưu chính (đồng)"))
    address = models.JSONField(_("địa chỉ nhận"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người chuyển"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("ngày chuyển"))
    delivered_at = models.DateTimeField(_("ngày giao"), null=True, blank=True)
    returned_at = models.DateTimeField(_("ngày bưu chính trả lại"), null=True, blank=True)

    class Meta:
        verbose_name = _("bưu gửi kết quả")
        verbose_name_plural = _("bưu gửi kết quả")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.tracking_number

    @property
    def is_final(self) -> bool:
        return self.status in FINAL


class ShipmentEvent(models.Model):
    """A status report of the post (by its signed event or by polling), kept once per
    event id whichever way it came first."""

    class Source(models.TextChoices):
        WEBHOOK = "webhook", _("sự kiện gửi đến")
        POLL = "poll", _("hỏi bưu chính")

    shipment = models.ForeignKey(
        Shipment, verbose_name=_("bưu gửi"), on_delete=models.CASCADE, related_name="events"
    )
    event_id = models.CharField(_("mã sự kiện"), max_length=64, unique=True)
    status = models.CharField(_("trạng thái"), max_length=12, choices=ShipmentStatus.choices)
    at = models.DateTimeField(_("thời điểm"))
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    source = models.CharField(_("nguồn"), max_length=8, choices=Source.choices)
    received_at = models.DateTimeField(_("ngày nhận"), auto_now_add=True)

    class Meta:
        verbose_name = _("sự kiện bưu gửi")
        verbose_name_plural = _("sự kiện bưu gửi")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.shipment_id}: {self.status}"
