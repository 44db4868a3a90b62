"""The dossier (hồ sơ) that every part of the platform shares, and its history."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Applicant
from motcua.agencies.models import Agency
from motcua.catalog.models import ProcedureVersion


class Status(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    SUBMITTED = "submitted", _("Đã nộp, chờ tiếp nhận")
    RECEIVED = "received", _("Đã tiếp nhận")
    IN_PROCESS = "in_process", _("Đang xử lý")
    WAITING_SUPPLEMENT = "waiting_supplement", _("Chờ bổ sung hồ sơ")
    APPROVED = "approved", _("Đã phê duyệt")
    REFUSED = "refused", _("Từ chối")
    RESULT_ISSUED = "result_issued", _("Đã có kết quả")
    RETURNED = "returned", _("Đã trả kết quả")
    WITHDRAWN = "withdrawn", _("Đã rút hồ sơ")
    TRANSFERRED = "transferred", _("Đã chuyển cơ quan khác")


class Channel(models.TextChoices):
    ONLINE = "online", _("Trực tuyến")
    COUNTER = "counter", _("Trực tiếp")
    POSTAL = "postal", _("Bưu chính")


def new_lookup_secret() -> str:
    # Printed on the receipt; with the code it opens the public look-up.
    return secrets.token_hex(4).upper()


class Dossier(models.Model):
    """One application by one applicant for one procedure version at one agency.

    ``status`` changes only through ``motcua.dossiers.services.transition``.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("mã hồ sơ"), max_length=64, unique=True, null=True, blank=True)
    lookup_secret = models.CharField(
        _("mã tra cứu"), max_length=16, default=new_lookup_secret, editable=False
    )
    applicant = models.ForeignKey(
        Applicant, verbose_name=_("người nộp"), on_delete=models.PROTECT, related_name="dossiers"
    )
    procedure_version = models.ForeignKey(
        ProcedureVersion,
        verbose_name=_("thủ tục (phiên bản)"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan tiếp nhận"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    channel = models.CharField(_("kênh nộp"), max_length=8, choices=Channel.choices)
    status = models.CharField(
        _("trạng thái"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    form_data = models.JSONField(_("dữ liệu tờ khai"), default=dict, blank=True)
    fee_vnd = models.PositiveIntegerField(_("phí, lệ phí phải nộp"), null=True, blank=True)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("ngày nộp"), null=True, blank=True)
    received_at = models.DateTimeField(_("ngày tiếp nhận"), null=True, blank=True)
    due_date = models.DateField(_("ngày hẹn trả kết quả"), null=True, blank=True)
    paused_at = models.DateTimeField(_("tạm dừng tính thời gian từ"), null=True, blank=True)
    finished_at = models.DateTimeField(_("ngày có kết quả"), null=True, blank=True)
    returned_at = models.DateTimeField(_("ngày trả kết quả"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        indexes = [
            models.Index(fields=["agency", "status", "received_at"], name="dossier_agency_status"),
            models.Index(fields=["agency", "due_date"], name="dossier_agency_due"),
            models.Index(fields=["applicant", "created_at"], name="dossier_applicant"),
        ]

    def __str__(self) -> str:
        return self.code or str(self.public_id)

    @property
    def procedure(self):
        return self.procedure_version.procedure

    @property
    def is_open(self) -> bool:
        return self.status not in {
            Status.RETURNED,
            Status.REFUSED,
            Status.WITHDRAWN,
            Status.TRANSFERRED,
        }


class StatusChange(models.Model):
    """One transition of a dossier: who, when, from, to, why. Append-only."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="history")
    action = models.CharField(_("thao tác"), max_length=32)
    from_status = models.CharField(
        _("từ trạng thái"), max_length=20, choices=Status.choices, blank=True
    )
    to_status = models.CharField(_("sang trạng thái"), max_length=20, choices=Status.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("thời điểm"))
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("lịch sử xử lý")
        verbose_name_plural = _("lịch sử xử lý")
        ordering = ["dossier", "at", "pk"]
        indexes = [models.Index(fields=["dossier", "at"], name="status_change_dossier_at")]

    def __str__(self) -> str:
        return f"{self.dossier}: {self.from_status or '∅'} → {self.to_status}"


class CodeCounter(models.Model):
    """The last sequence number used in dossier codes per agency and day."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "day"], name="code_counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.day}: {self.value}"
