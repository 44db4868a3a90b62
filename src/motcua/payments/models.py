"""Fee payments of dossiers (online through a gateway, or cash at the desk), their
refunds, every message exchanged with the gateway, and the receipt-number counter."""

from __future__ import annotations

import secrets
import string
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier

COUNTER = "counter"  # the gateway name of cash paid at the desk


_REF_CHARS = string.ascii_uppercase + "23456789"


def new_txn_ref() -> str:
    """24 letters and digits, about 120 random bits: the reference travels through the
    browser and must not be guessable. Every sixth character is a letter, so it never holds
    the 12-digit run the audit trail masks as a personal identification number."""
    return "".join(
        secrets.choice(string.ascii_uppercase)
        + "".join(secrets.choice(_REF_CHARS) for _ in range(5))
        for _ in range(4)
    )


class Payment(models.Model):
    """One attempt to pay a dossier's fee; ``status`` changes only in ``services``."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Đang chờ thanh toán")
        PAID = "paid", _("Đã thanh toán")
        FAILED = "failed", _("Không thành công")
        CANCELLED = "cancelled", _("Đã hủy")
        EXPIRED = "expired", _("Hết hạn")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dossier = models.ForeignKey(
        Dossier, verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="payments"
    )
    gateway = models.CharField(_("kênh thanh toán"), max_length=20)
    txn_ref = models.CharField(
        _("mã giao dịch"), max_length=40, unique=True, default=new_txn_ref, editable=False
    )
    amount_vnd = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    online = models.BooleanField(_("trực tuyến"))
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    order_info = models.CharField(_("nội dung thanh toán"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"))
    expires_at = models.DateTimeField(_("hết hạn lúc"), null=True, blank=True)
    paid_at = models.DateTimeField(_("thanh toán lúc"), null=True, blank=True)
    closed_at = models.DateTimeField(_("kết thúc lúc"), null=True, blank=True)
    gateway_transaction_no = models.CharField(_("mã giao dịch tại cổng"), max_length=40, blank=True)
    bank_code = models.CharField(_("ngân hàng"), max_length=20, blank=True)
    receipt_number = models.CharField(
        _("số biên lai"), max_length=20, unique=True, null=True, blank=True
    )
    last_checked_at = models.DateTimeField(_("tra cứu lần cuối"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("khoản thanh toán")
        verbose_name_plural = _("khoản thanh toán")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["dossier", "status"], name="payment_dossier_status"),
            models.Index(
                fields=["created_at"],
                name="payment_pending_created",
                condition=models.Q(status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return self.receipt_number or self.txn_ref

    @property
    def is_paid(self) -> bool:
        return self.status == self.Status.PAID


class Refund(models.Model):
    """Giving a paid fee back: through the gateway, or in cash at the desk."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Đang hoàn tiền")
        DONE = "done", _("Đã hoàn tiền")
        FAILED = "failed", _("Hoàn tiền không thành công")

    class Reason(models.TextChoices):
        REFUSED = "refused", _("Hồ sơ bị từ chối")
        DUPLICATE = "duplicate", _("Nộp phí trùng")
        # Paid after the applicant withdrew the dossier or asked to stop its processing.
        ENDED = "ended", _("Hồ sơ đã rút hoặc đã dừng giải quyết")

    payment = models.OneToOneField(
        Payment, verbose_name=_("khoản thanh toán"), on_delete=models.PROTECT, related_name="refund"
    )
    amount_vnd = models.PositiveBigIntegerField(_("số tiền hoàn (đồng)"))
    reason = models.CharField(_("lý do"), max_length=10, choices=Reason.choices)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    at_counter = models.BooleanField(
        _("hoàn tại bộ phận một cửa"),
        help_text=_("Tiền nộp trực tiếp được trả lại bằng tiền mặt tại bộ phận một cửa."),
    )
    reference = models.CharField(_("mã giao dịch hoàn tiền"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"))
    done_at = models.DateTimeField(_("hoàn lúc"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("số lần thử"), default=0)
    last_attempt_at = models.DateTimeField(_("thử lần cuối"), null=True, blank=True)
    last_error = models.CharField(_("lỗi gần nhất"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người hoàn tiền"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("khoản hoàn tiền")
        verbose_name_plural = _("khoản hoàn tiền")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["created_at"],
                name="refund_pending_created",
                condition=models.Q(status="pending"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.payment} – {self.get_status_display()}"


class PaymentNotice(models.Model):
    """One message exchanged with the gateway (return, IPN, query, refund) and its verdict.

    ``params`` never holds a secret: the gateway's messages carry only a signature.
    """

    class Channel(models.TextChoices):
        RETURN = "return", _("Trình duyệt quay về")
        IPN = "ipn", _("Thông báo IPN")
        QUERY = "query", _("Tra cứu giao dịch")
        REFUND = "refund", _("Hoàn tiền")

    class Verdict(models.TextChoices):
        APPLIED = "applied", _("Đã ghi nhận thanh toán")
        DUPLICATE = "duplicate", _("Trùng, đã ghi nhận trước đó")
        FORGED = "forged", _("Sai chữ ký")
        WRONG_AMOUNT = "wrong_amount", _("Sai số tiền")
        UNKNOWN_ORDER = "unknown_order", _("Không có giao dịch")
        FAILED = "failed", _("Thanh toán không thành công")
        CANCELLED = "cancelled", _("Người nộp hủy giao dịch")
        PENDING = "pending", _("Chưa có kết quả")
        UNCONFIRMED = "unconfirmed", _("Chưa được cổng xác nhận")
        EXPIRED = "expired", _("Hết hạn")
        ERROR = "error", _("Lỗi kết nối hoặc phản hồi không hợp lệ")
        REFUNDED = "refunded", _("Đã hoàn tiền")
        REFUND_FAILED = "refund_failed", _("Hoàn tiền không thành công")

    payment = models.ForeignKey(
        Payment,
        verbose_name=_("khoản thanh toán"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="notices",
    )
    gateway = models.CharField(_("kênh thanh toán"), max_length=20)
    channel = models.CharField(_("loại trao đổi"), max_length=10, choices=Channel.choices)
    txn_ref = models.CharField(_("mã giao dịch"), max_length=100, blank=True)
    received_at = models.DateTimeField(_("thời điểm"))
    params = models.JSONField(_("tham số"), default=dict, blank=True)
    verdict = models.CharField(_("kết luận"), max_length=15, choices=Verdict.choices)
    reason = models.CharField(_("lý do"), max_length=500, blank=True)
    response_code = models.CharField(_("mã phản hồi"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("trao đổi với cổng thanh toán")
        verbose_name_plural = _("trao đổi với cổng thanh toán")
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["txn_ref"], name="payment_notice_txn_ref")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.txn_ref}: {self.get_verdict_display()}"


class ReceiptCounter(models.Model):
    """The last receipt number used in a year (numbers restart each year)."""

    year = models.PositiveSmallIntegerField(unique=True)
    value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("bộ đếm số biên lai")
        verbose_name_plural = _("bộ đếm số biên lai")

    def __str__(self) -> str:
        return f"{self.year}: {self.value}"


class RejectedNotice(models.Model):
    """Notices nobody could vouch for (a wrong signature on the IPN or return URL),
    counted per source address, day, channel and verdict.

    Anyone can send them, so they are not legal events: one row a day per source keeps
    a flood from growing the database or the append-only audit trail, and rows older
    than ``MOTCUA_PAYMENT_REJECTED_KEEP_DAYS`` are deleted by ``prune_rejected_notices``.
    """

    day = models.DateField(_("ngày"))
    source = models.CharField(_("địa chỉ gửi"), max_length=45, blank=True)
    gateway = models.CharField(_("kênh thanh toán"), max_length=20)
    channel = models.CharField(
        _("loại trao đổi"), max_length=10, choices=PaymentNotice.Channel.choices
    )
    verdict = models.CharField(_("kết luận"), max_length=15, choices=PaymentNotice.Verdict.choices)
    count = models.PositiveIntegerField(_("số lần"), default=0)
    first_seen = models.DateTimeField(_("lần đầu"))
    last_seen = models.DateTimeField(_("lần cuối"))
    last_txn_ref = models.CharField(_("mã giao dịch gần nhất"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("thông báo thanh toán bị từ chối")
        verbose_name_plural = _("thông báo thanh toán bị từ chối")
        ordering = ["-day", "-last_seen"]
        constraints = [
            models.UniqueConstraint(
                fields=["day", "source", "gateway", "channel", "verdict"],
                name="rejected_notice_one_row_a_day",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.source or '?'} {self.get_verdict_display()}: {self.count}"
