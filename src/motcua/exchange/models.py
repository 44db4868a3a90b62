"""Dossier exchange between MotCua instances (Decree 118/2025/NĐ-CP, Art. 17(2)).

A national instance is the citizen's front door; a provincial instance settles the
dossier in its back office. Each side keeps the other as a ``Peer``. A dossier handed
between them has one ``Link`` on each side; every change travels as an ``OutMessage``
(signed, at least once, in ``seq`` order per link) and is applied once on arrival as an
``InMessage`` (deduplicated by ``message_id``, applied in ``seq`` order). The protocol
is written down in docs/EXCHANGE.md; the transport sits behind ``transport.Transport``.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier


class Peer(models.Model):
    """Another MotCua instance (or the real national portal, through an adapter)."""

    class Kind(models.TextChoices):
        NATIONAL = "national", _("Cổng Dịch vụ công quốc gia")
        PROVINCE = "province", _("Hệ thống giải quyết TTHC cấp tỉnh, bộ")

    code = models.CharField(_("mã hệ thống"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices)
    base_url = models.URLField(_("địa chỉ"), max_length=500)
    # The shared HMAC key of the channel (both directions), never shown after saving.
    secret = models.CharField(_("khóa ký"), max_length=200)
    # Which transport adapter carries the messages (``transport.get_transport``).
    adapter = models.CharField(_("bộ chuyển đổi"), max_length=40, default="motcua-http")
    # The agencies (codes, space-separated) whose dossiers this peer settles (a province).
    agency_codes = models.TextField(_("mã các cơ quan"), blank=True)
    active = models.BooleanField(_("đang hoạt động"), default=True)
    managed = models.BooleanField(_("khai báo trong cấu hình"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hệ thống liên kết")
        verbose_name_plural = _("hệ thống liên kết")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class Link(models.Model):
    """One dossier exchanged with one peer, on this side."""

    class Side(models.TextChoices):
        FRONT = "front", _("Tiếp nhận (cổng quốc gia)")
        BACK = "back", _("Giải quyết (hệ thống tỉnh)")

    dossier = models.OneToOneField(Dossier, on_delete=models.CASCADE, related_name="exchange_link")
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="links")
    side = models.CharField(_("vai trò"), max_length=8, choices=Side.choices)
    # The dossier's ``public_id`` on the other side.
    remote_id = models.UUIDField(_("mã hồ sơ bên kia"), null=True, blank=True)
    next_out_seq = models.PositiveIntegerField(default=1)
    last_in_seq = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the other side acknowledged the hand-over (``dossier.filed``).
    handed_over_at = models.DateTimeField(_("thời điểm chuyển giao"), null=True, blank=True)
    last_synced_at = models.DateTimeField(_("đồng bộ gần nhất"), null=True, blank=True)

    class Meta:
        verbose_name = _("hồ sơ trao đổi")
        verbose_name_plural = _("hồ sơ trao đổi")
        constraints = [
            models.UniqueConstraint(fields=["peer", "remote_id"], name="exchange_link_remote")
        ]

    def __str__(self) -> str:
        return f"{self.peer.code}: {self.dossier_id} ({self.side})"


class OutMessage(models.Model):
    """One message to a peer, written in the transaction of the change it carries."""

    class State(models.TextChoices):
        PENDING = "pending", _("Chờ gửi")
        DELIVERED = "delivered", _("Đã gửi")
        DEAD = "dead", _("Gửi lỗi (cần xử lý)")

    message_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="out_messages")
    link = models.ForeignKey(
        Link, null=True, blank=True, on_delete=models.CASCADE, related_name="out_messages"
    )
    type = models.CharField(_("loại"), max_length=40)
    seq = models.PositiveIntegerField(_("số thứ tự trong hồ sơ"), default=0)
    body = models.JSONField(default=dict)
    created_at = models.DateTimeField(_("ngày tạo"))
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    # What the peer answered (e.g. the code it gave the dossier).
    ack = models.JSONField(default=dict, blank=True)
    # The HTTP status of the last try (None: no answer) and the worker holding the
    # message while it is being sent (``outbox.claim``).
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    claim = models.UUIDField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("thông điệp gửi")
        verbose_name_plural = _("thông điệp gửi")
        ordering = ["id"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="exch_out_due")]
        constraints = [
            models.UniqueConstraint(
                fields=["link", "seq"],
                condition=models.Q(link__isnull=False),
                name="exchange_out_link_seq",
            )
        ]

    def __str__(self) -> str:
        return f"→ {self.peer.code} {self.type} #{self.seq}"


class InMessage(models.Model):
    """One message received from a peer: stored once, applied once, in ``seq`` order."""

    message_id = models.UUIDField(unique=True)
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="in_messages")
    link = models.ForeignKey(
        Link, null=True, blank=True, on_delete=models.CASCADE, related_name="in_messages"
    )
    type = models.CharField(_("loại"), max_length=40)
    seq = models.PositiveIntegerField(default=0)
    body = models.JSONField(default=dict)
    sent_at = models.DateTimeField(_("thời điểm gửi"), null=True, blank=True)
    received_at = models.DateTimeField(_("thời điểm nhận"))
    applied_at = models.DateTimeField(_("thời điểm áp dụng"), null=True, blank=True)
    error = models.TextField(blank=True)
    # The dossier's ``public_id`` on the sender (``link.sender_id`` of the envelope): the
    # key that orders messages that arrive before their link exists here.
    sender_id = models.UUIDField(null=True, blank=True, db_index=True)
    # When the change happened on the sender (the envelope's ``created_at``).
    created_at = models.DateTimeField(_("thời điểm phát sinh"), null=True, blank=True)
    # What this side answered once the message was applied (sent again to a duplicate).
    ack = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveIntegerField(_("số lần áp dụng"), default=0)
    # Refused for good when its turn came (InvalidMessage, or a seq already applied): it
    # is not retried and the dossier's later messages wait until an operator resolves it
    # (docs/EXCHANGE.md "A dead received message").
    dead_at = models.DateTimeField(_("thời điểm bị loại"), null=True, blank=True)

    class Meta:
        verbose_name = _("thông điệp nhận")
        verbose_name_plural = _("thông điệp nhận")
        ordering = ["id"]
        indexes = [models.Index(fields=["applied_at", "link", "seq"], name="exch_in_pending")]

    def __str__(self) -> str:
        return f"← {self.peer.code} {self.type} #{self.seq}"
