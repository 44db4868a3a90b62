"""The search lexicon: everyday words and abbreviations mapped to official terms."""

from __future__ import annotations

import uuid

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


class Situation(models.Model):
    """A life or business event ("sinh con", "mở quán karaoke") and the procedures it needs.

    ``phrases`` are the words people use for it, one per line, with or without
    diacritics; the assistant matches a question against them. Questions an
    officer attaches to the situation are appended here.
    """

    name = models.CharField(_("tên tình huống"), max_length=160)
    slug = models.SlugField(_("mã tình huống"), max_length=80, unique=True)
    description = models.TextField(_("mô tả"), blank=True)
    phrases = models.TextField(
        _("cách nói thường dùng"),
        blank=True,
        help_text=_("Mỗi dòng một cách nói, ví dụ “vợ mới sinh”, “làm giấy khai sinh cho con”."),
    )
    ordered = models.BooleanField(
        _("làm lần lượt"),
        default=True,
        help_text=_(
            "Bật: mọi bước đều cần, theo đúng thứ tự. Tắt: các bước là những việc thường gặp, "
            "người hỏi chọn việc của mình (bước được nhắc trong câu hỏi đứng trước)."
        ),
    )
    active = models.BooleanField(_("đang dùng"), default=True)
    order = models.PositiveIntegerField(_("thứ tự"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tình huống")
        verbose_name_plural = _("tình huống")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def phrase_list(self) -> list[str]:
        return [line.strip() for line in self.phrases.splitlines() if line.strip()]


class SituationStep(models.Model):
    """One procedure of a situation's plan, in order, with why and what it gives the next."""

    situation = models.ForeignKey(
        Situation, on_delete=models.CASCADE, related_name="steps", verbose_name=_("tình huống")
    )
    # A code rather than a foreign key: situations ship before the catalogue is
    # imported, and a step whose procedure is not published is simply skipped.
    procedure_code = models.CharField(_("mã thủ tục"), max_length=40)
    order = models.PositiveIntegerField(_("thứ tự"), default=0)
    why = models.CharField(_("vì sao cần"), max_length=300, blank=True)
    produces = models.CharField(_("kết quả dùng cho bước sau"), max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("bước")
        verbose_name_plural = _("các bước")
        ordering = ["situation", "order", "id"]

    def __str__(self) -> str:
        return f"{self.situation_id}#{self.order} {self.procedure_code}"


class AssistantQuestion(models.Model):
    """A question asked to the assistant (personal numbers masked) and how it went.

    Officers review the ones not understood or rated unhelpful and attach the
    right procedure or situation; that becomes a lexicon entry or a phrase of
    the situation, so later answers improve.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    text = models.TextField(_("câu hỏi"))
    kind = models.CharField(_("loại trả lời"), max_length=20)
    confidence = models.FloatField(_("độ tin cậy"), default=0.0)
    answer_codes = models.CharField(_("thủ tục đã gợi ý"), max_length=255, blank=True)
    answer_situation = models.CharField(_("tình huống đã gợi ý"), max_length=80, blank=True)
    helpful = models.BooleanField(_("có ích"), null=True, blank=True)
    referred = models.BooleanField(
        _("gửi cán bộ"), default=False, help_text=_("Người hỏi muốn cán bộ trả lời.")
    )
    resolved_procedure = models.ForeignKey(
        "catalog.Procedure",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("thủ tục đúng"),
    )
    resolved_situation = models.ForeignKey(
        Situation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tình huống đúng"),
    )
    learned = models.BooleanField(_("đã học"), default=False)
    created_at = models.DateTimeField(_("thời điểm hỏi"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("câu hỏi trợ lý ảo")
        verbose_name_plural = _("câu hỏi trợ lý ảo")
        ordering = ["-created_at"]
        permissions = [("review_assistantquestion", _("Xem và gắn thủ tục cho câu hỏi trợ lý ảo"))]

    def __str__(self) -> str:
        return self.text[:80]
