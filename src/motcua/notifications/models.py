"""The notification outbox: one row per message to send, written with the change it reports.

A receiver of ``dossier_event`` writes the rows inside the transaction that changed the
dossier, so a notification exists exactly when its change does. ``process_outbox``
sends them later (or right after the commit, in the embedded default) and keeps
retrying with a growing delay until they are sent or given up.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One email or SMS to one recipient about one dossier event."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("Thư điện tử")
        SMS = "sms", _("Tin nhắn SMS")

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ gửi")
        SENT = "sent", _("Đã gửi")
        FAILED = "failed", _("Gửi không thành công")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    channel = models.CharField(_("kênh"), max_length=8, choices=Channel.choices)
    recipient = models.CharField(_("người nhận"), max_length=254)
    subject = models.CharField(_("tiêu đề"), max_length=255, blank=True)
    body = models.TextField(_("nội dung"))
    # The body with its secret masked (a one-time code, say): it replaces ``body`` once
    # the message has been handed to the backend or given up, so the stored text does
    # not keep the secret. Empty: the body is kept as it is.
    body_after_send = models.TextField(_("nội dung sau khi gửi"), blank=True, editable=False)
    event = models.CharField(_("sự kiện"), max_length=32)
    # A reference, not a foreign key: the outbox can be archived apart from the dossiers.
    dossier_code = models.CharField(_("mã hồ sơ"), max_length=64, blank=True)
    dossier_public_id = models.UUIDField(null=True, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    next_attempt_at = models.DateTimeField(_("gửi lần tới lúc"), default=timezone.now)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    # What the email or SMS backend calls the message (Message-ID, provider id).
    external_id = models.CharField(_("mã tin đã gửi"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("thời điểm tạo"), default=timezone.now)
    sent_at = models.DateTimeField(_("thời điểm gửi"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="notification_due",
            ),
            models.Index(fields=["dossier_public_id", "created_at"], name="notification_dossier"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.event} {self.dossier_code}"
