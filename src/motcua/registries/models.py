"""The lookup log: every registry lookup, who made it, whose data, for which dossier.

Results written back to a registry (``writes.register_result``) are logged here too, with
the purpose ``register:<action>``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import Registry


class LookupLog(models.Model):
    """One lookup in one registry (append-only; read-only in the admin).

    Whose data: the identity number is stored masked (last 4 digits) and as an
    HMAC-SHA256 (``subject_hash``), so an auditor holding the number can find every
    lookup of it (``selectors.lookups_of_subject``) while the table shows no number.
    """

    class Outcome(models.TextChoices):
        FOUND = "found", _("Có dữ liệu")
        NOT_FOUND = "not_found", _("Không có bản ghi")
        UNAVAILABLE = "unavailable", _("Không kết nối được")
        REJECTED = "rejected", _("Bị từ chối (khóa API, mã tra cứu)")
        CIRCUIT_OPEN = "circuit_open", _("Tạm ngắt kết nối (không gọi)")
        WRITTEN = "written", _("Đã ghi kết quả")

    at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tra cứu"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("người tra cứu (tên)"), max_length=300, blank=True)
    registry = models.CharField(_("cơ sở dữ liệu"), max_length=20, choices=Registry.choices)
    subject_masked = models.CharField(_("số định danh/mã số thuế"), max_length=20)
    subject_hash = models.CharField(max_length=64, db_index=True)
    applicant = models.ForeignKey(
        "accounts.Applicant",
        verbose_name=_("người nộp hồ sơ"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    dossier_ref = models.CharField(_("hồ sơ"), max_length=64, blank=True, db_index=True)
    purpose = models.CharField(_("mục đích"), max_length=100, blank=True)
    attributes = models.JSONField(_("thông tin được đọc"), default=list, blank=True)
    outcome = models.CharField(_("kết quả"), max_length=20, choices=Outcome.choices)
    from_cache = models.BooleanField(_("từ bộ nhớ đệm"), default=False)
    attempts = models.PositiveSmallIntegerField(_("số lần gọi"), default=0)
    http_status = models.PositiveSmallIntegerField(_("mã HTTP"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("thời gian (ms)"), default=0)
    connector = models.CharField(_("bộ kết nối"), max_length=200, blank=True)
    request_id = models.CharField(_("mã yêu cầu"), max_length=36, blank=True)
    detail = models.CharField(_("chi tiết kỹ thuật"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("nhật ký tra cứu CSDL")
        verbose_name_plural = _("nhật ký tra cứu CSDL")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["registry", "-at"], name="registries_log_registry_at")]

    def __str__(self) -> str:
        return f"{self.registry} {self.subject_masked} {self.outcome}"
