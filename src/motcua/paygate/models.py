"""The simulator's own data: merchants and the transactions they sent their customers to pay.

The platform never reads these tables; it speaks the VNPay protocol over HTTP like it
would with the real gateway. Amounts are kept as VNPay sends them (VND × 100).
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.lib.formatting import format_number


class Merchant(models.Model):
    """A merchant terminal (``vnp_TmnCode``) and the secret its requests are signed with."""

    tmn_code = models.CharField(_("mã website (TmnCode)"), max_length=20, unique=True)
    name = models.CharField(_("tên đơn vị"), max_length=200)
    hash_secret = models.CharField(_("chuỗi bí mật"), max_length=128)
    ipn_url = models.URLField(
        _("địa chỉ nhận IPN"),
        max_length=500,
        blank=True,
        help_text=_(
            "Để trống: gửi IPN tới gốc của địa chỉ trả về (vnp_ReturnUrl) + đường dẫn IPN "
            "theo cấu hình."
        ),
    )
    is_active = models.BooleanField(_("đang hoạt động"), default=True)

    class Meta:
        verbose_name = _("đơn vị chấp nhận thanh toán (mô phỏng)")
        verbose_name_plural = _("đơn vị chấp nhận thanh toán (mô phỏng)")
        ordering = ["tmn_code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.tmn_code})"


class Scenario(models.TextChoices):
    """How the simulator tells the merchant about the outcome (IPN)."""

    NORMAL = "normal", _("Bình thường: gửi IPN trước khi chuyển trình duyệt về")
    TWICE = "twice", _("Gửi IPN hai lần")
    LATE = "late", _("IPN đến muộn: chuyển trình duyệt về trước, gửi IPN sau")
    NEVER = "never", _("Không gửi IPN (chỉ tra cứu giao dịch mới biết)")


class SimTransaction(models.Model):
    """One payment the merchant sent a customer to make, and what became of it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Chờ thanh toán")
        PAID = "paid", _("Thành công")
        CANCELLED = "cancelled", _("Khách hàng hủy")
        REFUNDED = "refunded", _("Đã hoàn tiền")

    class IpnStatus(models.TextChoices):
        NONE = "none", _("Chưa gửi")
        QUEUED = "queued", _("Chờ gửi")
        SENT = "sent", _("Đã gửi, đơn vị đã xác nhận")
        FAILED = "failed", _("Gửi không thành công")
        SKIPPED = "skipped", _("Không gửi (theo kịch bản)")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    merchant = models.ForeignKey(
        Merchant, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="transactions"
    )
    txn_ref = models.CharField(_("mã tham chiếu của đơn vị (vnp_TxnRef)"), max_length=100)
    amount_x100 = models.PositiveBigIntegerField(_("số tiền × 100 (vnp_Amount)"))
    order_info = models.CharField(_("nội dung thanh toán"), max_length=255)
    order_type = models.CharField(_("loại hàng hóa"), max_length=100, blank=True)
    locale = models.CharField(_("ngôn ngữ"), max_length=5, blank=True)
    return_url = models.URLField(_("địa chỉ trả về"), max_length=1000)
    ip_addr = models.CharField(_("địa chỉ IP khách hàng"), max_length=45, blank=True)
    create_date = models.CharField(_("thời điểm tạo (vnp_CreateDate)"), max_length=14)
    expire_date = models.CharField(_("hạn thanh toán (vnp_ExpireDate)"), max_length=14, blank=True)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    response_code = models.CharField(_("mã phản hồi"), max_length=2, blank=True)
    transaction_no = models.CharField(_("mã giao dịch tại cổng"), max_length=20, blank=True)
    bank_code = models.CharField(_("ngân hàng"), max_length=20, blank=True)
    bank_tran_no = models.CharField(_("mã giao dịch tại ngân hàng"), max_length=50, blank=True)
    pay_date = models.CharField(_("thời điểm thanh toán (vnp_PayDate)"), max_length=14, blank=True)
    scenario = models.CharField(
        _("kịch bản IPN"), max_length=10, choices=Scenario.choices, blank=True
    )
    ipn_status = models.CharField(
        _("tình trạng IPN"), max_length=10, choices=IpnStatus.choices, default=IpnStatus.NONE
    )
    ipn_answers = models.JSONField(_("phản hồi IPN của đơn vị"), default=list, blank=True)
    refunded_x100 = models.PositiveBigIntegerField(_("đã hoàn × 100"), default=0)
    refund_transaction_no = models.CharField(_("mã giao dịch hoàn tiền"), max_length=20, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("giao dịch (mô phỏng)")
        verbose_name_plural = _("giao dịch (mô phỏng)")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "txn_ref"], name="paygate_txn_unique_merchant_ref"
            )
        ]
        indexes = [models.Index(fields=["ipn_status"], name="paygate_txn_ipn_status")]

    def __str__(self) -> str:
        return f"{self.merchant.tmn_code}/{self.txn_ref}"

    @property
    def amount_vnd(self) -> int:
        return self.amount_x100 // 100

    @property
    def amount_display(self) -> str:
        """20000 → "20.000" (Vietnamese groups thousands with dots)."""
        return format_number(self.amount_vnd)
