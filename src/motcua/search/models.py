"""The search lexicon: everyday words and abbreviations mapped to official terms."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class LexiconEntry(models.Model):
    """An everyday phrase ("sổ đỏ", "cccd") and the official terms it stands for.

    Matching is on the folded phrase (no diacritics, lowercase), so one entry
    covers "sổ đỏ", "so do" and "SỔ ĐỎ".
    """

    phrase = models.CharField(_("cách nói thường dùng"), max_length=120, unique=True)
    expansion = models.CharField(_("thuật ngữ chính thức"), max_length=255)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("từ điển tìm kiếm")
        verbose_name_plural = _("từ điển tìm kiếm")
        ordering = ["phrase"]

    def __str__(self) -> str:
        return f"{self.phrase} → {self.expansion}"
