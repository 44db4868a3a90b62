"""The outbox of dossier events, the systems that subscribe to them, and each delivery.

``OutboxEvent`` is written by the ``dossier_event`` receiver in the transaction that
changed the dossier, so an event exists exactly when its change committed. Its primary
key is the instance's sequence: events of one dossier are written while the dossier row
is locked, so their sequence follows the order of the changes. ``Delivery`` is one
event for one subscriber; ``deliver_events`` works through the pending ones.
"""

from __future__ import annotations

import json
import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier


class EventType(models.TextChoices):
    SUBMITTED = "dossier.submitted", _("Hồ sơ được nộp trực tuyến")
    RECEIVED = "dossier.received", _("Hồ sơ được tiếp nhận")
    STATUS_CHANGED = "dossier.status_changed", _("Hồ sơ chuyển trạng thái")
    STEP_MOVED = "dossier.step_moved", _("Hồ sơ chuyển bước xử lý nội bộ")
    SUPPLEMENT_REQUESTED = "dossier.supplement_requested", _("Yêu cầu bổ sung hồ sơ")
    SUPPLEMENT_PROVIDED = "dossier.supplement_provided", _("Hồ sơ đã được bổ sung")
    SUPPLEMENT_OVERDUE = "dossier.supplement_overdue", _("Quá hạn bổ sung hồ sơ")
    PAID = "dossier.paid", _("Đã nộp phí, lệ phí")
    RESULT_ISSUED = "dossier.result_issued", _("Đã có kết quả giải quyết")
    RETURNED = "dossier.returned", _("Đã trả kết quả")
    RATED = "dossier.rated", _("Người nộp đã đánh giá")
    APOLOGY_SENT = (
        "dossier.apology_sent",
        _("Đã gửi văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết"),
    )
    UPDATED = "dossier.updated", _("Hồ sơ được cập nhật")
    SNAPSHOT = "dossier.snapshot", _("Ảnh chụp hồ sơ (đồng bộ lại)")


# The signal's event (a workflow action or a named event) -> the event type sent.
# A status change without a name of its own is ``dossier.status_changed``; any other
# event the signal may carry one day is ``dossier.updated`` (the action says which).
TYPE_OF_ACTION = {
    "submit": EventType.SUBMITTED,
    "receive": EventType.RECEIVED,
    "assign": EventType.STEP_MOVED,
    "give_opinion": EventType.STEP_MOVED,
    "forward": EventType.STEP_MOVED,
    "request_supplement": EventType.SUPPLEMENT_REQUESTED,
    "provide_supplement": EventType.SUPPLEMENT_PROVIDED,
    "supplement_overdue": EventType.SUPPLEMENT_OVERDUE,
    "fee_paid": EventType.PAID,
    "issue_result": EventType.RESULT_ISSUED,
    "return_result": EventType.RETURNED,
    "rated": EventType.RATED,
    "apology_sent": EventType.APOLOGY_SENT,
    "resync": EventType.SNAPSHOT,  # ``publish_snapshots``: no change, the state again
}


def type_of(action: str, from_status: str, to_status: str) -> str:
    if action in TYPE_OF_ACTION:
        return TYPE_OF_ACTION[action]
    if from_status != to_status:
        return EventType.STATUS_CHANGED
    return EventType.UPDATED


class OutboxEvent(models.Model):
    """One change of one dossier, with the dossier's state right after it (append-only)."""

    # The primary key is the per-instance sequence (``sequence`` in the payload).
    event_id = models.UUIDField(_("mã sự kiện"), default=uuid.uuid4, unique=True, editable=False)
    type = models.CharField(_("loại sự kiện"), max_length=40, choices=EventType.choices)
    action = models.CharField(_("thao tác"), max_length=32)
    instance = models.CharField(_("hệ thống nguồn"), max_length=40)
    dossier = models.ForeignKey(
        Dossier,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    dossier_code = models.CharField(_("mã hồ sơ"), max_length=64, db_index=True)
    from_status = models.CharField(_("từ trạng thái"), max_length=20, blank=True)
    to_status = models.CharField(_("sang trạng thái"), max_length=20)
    occurred_at = models.DateTimeField(_("thời điểm"))
    created_at = models.DateTimeField(_("ngày ghi"), auto_now_add=True)
    payload = models.JSONField(_("ảnh chụp hồ sơ"), default=dict)

    class Meta:
        verbose_name = _("sự kiện")
        verbose_name_plural = _("sự kiện (hộp thư đi)")
        ordering = ["-id"]
        indexes = [models.Index(fields=["dossier", "id"], name="outbox_dossier_seq")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.type} {self.dossier_code}"

    @property
    def sequence(self) -> int:
        return self.pk

    def envelope(self) -> dict:
        """What is sent: the event's identity, its place in the sequence, the snapshot."""
        return {
            "id": str(self.event_id),
            "type": self.type,
            "action": self.action,
            "instance": self.instance,
            "sequence": self.pk,
            "occurred_at": self.occurred_at.isoformat(),
            "from_status": self.from_status,
            "to_status": self.to_status,
            "dossier": self.payload,
        }

    def body(self) -> bytes:
        """The exact bytes POSTed (and signed): compact UTF-8 JSON with sorted keys."""
        return json.dumps(
            self.envelope(), ensure_ascii=False, sort_keys=True, separators=(",", ":")
        ).encode()


class Subscriber(models.Model):
    """A system that receives the events over HTTP (national portal, national measurement…)."""

    class Kind(models.TextChoices):
        PORTAL_SYNC = "portal_sync", _("Đồng bộ trạng thái hồ sơ với Cổng Dịch vụ công quốc gia")
        MEASUREMENT = "measurement", _("Hệ thống đo lường, đánh giá quốc gia")
        OTHER = "other", _("Khác")

    name = models.CharField(_("tên"), max_length=100, unique=True)
    url = models.URLField(_("địa chỉ nhận (URL)"), max_length=500)
    secret = models.CharField(
        _("khóa ký"),
        max_length=200,
        help_text=_("Khóa bí mật dùng chung để ký HMAC-SHA256; bên nhận dùng nó để xác thực."),
    )
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices, default=Kind.OTHER)
    event_types = models.JSONField(
        _("loại sự kiện nhận"),
        default=list,
        blank=True,
        help_text=_("Để trống: nhận mọi loại sự kiện."),
    )
    active = models.BooleanField(_("đang hoạt động"), default=True)
    managed = models.BooleanField(
        _("khai báo trong cấu hình"),
        default=False,
        editable=False,
        help_text=_("Được ghi từ biến MOTCUA_EVENTS_SUBSCRIBERS; sửa trong cấu hình."),
    )
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)

    class Meta:
        verbose_name = _("bên nhận sự kiện")
        verbose_name_plural = _("bên nhận sự kiện")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def wants(self, event_type: str) -> bool:
        return not self.event_types or event_type in self.event_types


class Delivery(models.Model):
    """One event for one subscriber: pending until a 2xx answer, dead after too many tries."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ gửi")
        DELIVERED = "delivered", _("Đã gửi")
        DEAD = "dead", _("Gửi không thành công (đã dừng)")

    event = models.ForeignKey(
        OutboxEvent, verbose_name=_("sự kiện"), on_delete=models.CASCADE, related_name="deliveries"
    )
    subscriber = models.ForeignKey(
        Subscriber,
        verbose_name=_("bên nhận"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    # Copies of the event's dossier and sequence: the per-dossier ordering reads them.
    dossier_id = models.BigIntegerField()
    sequence = models.BigIntegerField(_("số thứ tự"))
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("số lần gửi"), default=0)
    next_attempt_at = models.DateTimeField(_("lần gửi tiếp theo"))
    # The worker holding the delivery until ``next_attempt_at`` (its lease).
    claim = models.UUIDField(null=True, blank=True, editable=False)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("mã HTTP gần nhất"), null=True)
    delivered_at = models.DateTimeField(_("thời điểm gửi được"), null=True, blank=True)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật"), auto_now=True)

    class Meta:
        verbose_name = _("lượt gửi sự kiện")
        verbose_name_plural = _("lượt gửi sự kiện")
        ordering = ["-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["event", "subscriber"], name="delivery_unique"),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due"),
            models.Index(
                fields=["subscriber", "dossier_id", "sequence"],
                name="delivery_pending_dossier",
                condition=models.Q(status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} → {self.subscriber_id}: {self.status}"
