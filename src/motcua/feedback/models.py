"""Phản ánh, kiến nghị (PAKN): feedback and petitions of people and businesses.

Decree 20/2008/NĐ-CP on receiving and handling feedback and petitions of individuals
and organisations on administrative regulations (amended by Decree 92/2017/NĐ-CP):
a PAKN names who sends it and how to reach them (art. 7: name, address, phone or
e-mail; an unsigned PAKN without a contact is not handled), goes to the agency
responsible for the regulation or procedure it concerns, is answered within a time
limit, and its result may be made public. See docs/PAKN.md.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.accounts.models import Applicant
from motcua.agencies.models import Agency
from motcua.catalog.models import Procedure
from motcua.dossiers.models import Dossier, new_lookup_secret


class Kind(models.TextChoices):
    FEEDBACK = "feedback", _("Phản ánh")
    PETITION = "petition", _("Kiến nghị")


class Subject(models.TextChoices):
    DOSSIER = "dossier", _("Một hồ sơ đã nộp")
    PROCEDURE = "procedure", _("Một thủ tục hành chính")
    AGENCY = "agency", _("Một cơ quan, cán bộ")


class Status(models.TextChoices):
    RECEIVED = "received", _("Đang xử lý")
    ANSWERED = "answered", _("Đã trả lời")


class Feedback(models.Model):
    """One PAKN: who sent it, about what, to which agency, its answer and its rating."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("mã phản ánh"), max_length=32, unique=True)
    lookup_secret = models.CharField(
        _("mã tra cứu"), max_length=16, default=new_lookup_secret, editable=False
    )
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    subject = models.CharField(_("về"), max_length=10, choices=Subject.choices)
    dossier = models.ForeignKey(
        Dossier,
        verbose_name=_("hồ sơ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="feedback",
    )
    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("thủ tục"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="feedback",
    )
    # The agency responsible for answering (routing; changes when reassigned).
    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan xử lý"), on_delete=models.PROTECT, related_name="feedback"
    )
    title = models.CharField(_("tiêu đề"), max_length=200)
    content = models.TextField(_("nội dung"))
    # Signed in: the applicant the citizen acted as. Anonymous: the contact below only.
    applicant = models.ForeignKey(
        Applicant,
        verbose_name=_("người gửi"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="feedback",
    )
    contact_name = models.CharField(_("họ và tên"), max_length=200)
    contact_phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    contact_email = models.EmailField(_("thư điện tử"), blank=True)
    contact_address = models.CharField(_("địa chỉ"), max_length=300, blank=True)
    received_at = models.DateTimeField(_("thời điểm tiếp nhận"))
    due_date = models.DateField(_("hạn trả lời"))
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=Status.choices, default=Status.RECEIVED
    )
    answer = models.TextField(_("nội dung trả lời"), blank=True)
    answered_at = models.DateTimeField(_("thời điểm trả lời"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người trả lời"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Published on the portal: the texts as published, personal data masked.
    published_at = models.DateTimeField(_("thời điểm công khai"), null=True, blank=True)
    published_title = models.CharField(_("tiêu đề công khai"), max_length=200, blank=True)
    published_question = models.TextField(_("nội dung công khai"), blank=True)
    published_answer = models.TextField(_("trả lời công khai"), blank=True)
    satisfied = models.BooleanField(_("hài lòng"), null=True, blank=True)
    rated_at = models.DateTimeField(_("thời điểm đánh giá"), null=True, blank=True)

    class Meta:
        verbose_name = _("phản ánh, kiến nghị")
        verbose_name_plural = _("phản ánh, kiến nghị")
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["agency", "status", "due_date"], name="feedback_queue"),
            models.Index(fields=["published_at"], name="feedback_published"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(contact_phone="", contact_email="")
                | models.Q(applicant__isnull=False),
                name="feedback_contact_or_applicant",
            ),
            models.CheckConstraint(
                condition=models.Q(satisfied__isnull=True) | models.Q(status="answered"),
                name="feedback_rated_after_answer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def is_answered(self) -> bool:
        return self.status == Status.ANSWERED

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class FeedbackAttachment(models.Model):
    """A file sent with the PAKN (by its sender) or with the answer (by the officer)."""

    class Part(models.TextChoices):
        QUESTION = "question", _("Kèm phản ánh")
        ANSWER = "answer", _("Kèm trả lời")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    feedback = models.ForeignKey(Feedback, on_delete=models.CASCADE, related_name="attachments")
    part = models.CharField(_("phần"), max_length=10, choices=Part.choices)
    file = models.FileField(_("tệp"), upload_to="pakn/%Y/%m/", max_length=255)
    original_name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(_("thời điểm tải lên"))

    class Meta:
        verbose_name = _("tệp kèm phản ánh")
        verbose_name_plural = _("tệp kèm phản ánh")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name


class FeedbackCounter(models.Model):
    """The last number given to a PAKN code on one day (``PAKN-<yymmdd>-<nnnn>``)."""

    day = models.DateField(unique=True)
    value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("bộ đếm mã phản ánh")
        verbose_name_plural = _("bộ đếm mã phản ánh")

    def __str__(self) -> str:
        return f"{self.day}: {self.value}"
