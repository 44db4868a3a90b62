"""The one-time codes that confirm an assisted filing (docs/ASSISTED.md).

The agent fills the dossier for the citizen; the citizen confirms it with a 6-digit
code sent by SMS to the phone registered in the national population database (or by
signing in to the portal). Only a keyed hash of the code is kept.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Dossier


class ConfirmationCode(models.Model):
    """One code sent to the citizen for one dossier: valid 10 minutes, 5 attempts."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dossier = models.ForeignKey(
        Dossier,
        verbose_name=_("hồ sơ"),
        on_delete=models.CASCADE,
        related_name="confirmation_codes",
    )
    phone_masked = models.CharField(_("số điện thoại (che)"), max_length=20)
    code_hash = models.CharField(_("mã băm"), max_length=64)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người gửi"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("gửi lúc"))
    expires_at = models.DateTimeField(_("hết hạn lúc"))
    attempts = models.PositiveSmallIntegerField(_("số lần nhập sai"), default=0)
    confirmed_at = models.DateTimeField(_("xác nhận lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("mã xác nhận nộp hộ")
        verbose_name_plural = _("mã xác nhận nộp hộ")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["dossier", "created_at"], name="assisted_code_dossier")]

    def __str__(self) -> str:
        return f"{self.phone_masked} ({self.created_at:%d/%m/%Y %H:%M})"
