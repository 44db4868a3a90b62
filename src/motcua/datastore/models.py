"""The personal data store (kho dữ liệu cá nhân): a person's own documents and results.

Two kinds of documents live here:

* **uploads** the person added themselves (a scan of a certificate, a photo). The
  person may delete them at any time; deletion is real (row and file), audited with
  the file's fingerprint only.
* **results** an agency issued on one of the person's dossiers (a copy of the
  dossier's result file, made when the result is issued). They are the person's copy
  of a legal decision: the person cannot delete or hide them (the agency keeps its own
  copy in the dossier either way).
* **digitised components**: a paper the person handed in at the one-stop desk, scanned
  and checked against the original there ("Đã số hóa, đối chiếu bản chính", Decree
  118/2025/NĐ-CP Art. 17(1)(c), Circular 03/2025/TT-VPCP Art. 5). Like results, they are
  the agency's certified copy and stay in the store.

Results and digitised components carry ``digitised_at`` and the name of what they are
(``component_name``: the dossier component, or the procedure's result), so that a later
dossier asking for a component of that name offers them ("Dùng giấy tờ đã số hóa").

Each document is an independent copy: attaching it to a dossier copies the file, so
deleting an upload never changes a dossier that used it.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.models import Attachment

EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


def document_path(document: Document, filename: str) -> str:
    # Stored under a random name: the person's file name says nothing on disk.
    extension = EXTENSIONS.get(document.content_type, "")
    return timezone.now().strftime(f"datastore/%Y/%m/{document.public_id}{extension}")


class Document(models.Model):
    """One file in a person's data store."""

    class Kind(models.TextChoices):
        UPLOAD = "upload", _("Tự tải lên")
        RESULT = "result", _("Kết quả do cơ quan trả")
        DIGITISED = "digitised", _("Bản số hóa tại Bộ phận một cửa")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chủ sở hữu"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    name = models.CharField(_("tên giấy tờ"), max_length=255)
    kind = models.CharField(_("loại"), max_length=16, choices=Kind.choices)
    file = models.FileField(_("tệp"), upload_to=document_path, max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("ngày lưu"), default=timezone.now)
    # Results only: the dossier and its result file this copy came from.
    source_dossier_code = models.CharField(_("mã hồ sơ"), max_length=64, blank=True)
    source_attachment = models.ForeignKey(
        Attachment,
        verbose_name=_("tệp kết quả gốc"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Results only: the result as data ("only once"): {"procedure": code, "form": the
    # dossier's form data, "decision": its decision data}, so later procedures reuse it.
    data = models.JSONField(_("dữ liệu có cấu trúc"), default=dict, blank=True)
    # Results and digitised components: when the copy was digitised (checked against the
    # original, or issued electronically) and what it is, for reuse in later dossiers.
    digitised_at = models.DateTimeField(_("thời điểm số hóa"), null=True, blank=True)
    component_name = models.CharField(_("là giấy tờ"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("giấy tờ trong kho dữ liệu")
        verbose_name_plural = _("giấy tờ trong kho dữ liệu")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["owner", "-created_at"], name="datastore_owner_created"),
        ]
        constraints = [
            # A result (or digitised) file lands in a person's store once, however often
            # it is offered.
            models.UniqueConstraint(
                fields=["owner", "source_attachment"],
                condition=models.Q(source_attachment__isnull=False),
                name="datastore_result_once",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def extension(self) -> str:
        return EXTENSIONS.get(self.content_type, "")

    @property
    def download_name(self) -> str:
        """The file name offered on download: the document's name and its real type."""
        return f"{get_valid_filename(self.name) or 'tep'}{self.extension}"

    @property
    def opens_inline(self) -> bool:
        """A PDF result was signed by the agency's platform: the browser may show it."""
        return self.kind == self.Kind.RESULT and self.content_type == "application/pdf"

    @property
    def deletable(self) -> bool:
        return self.kind == self.Kind.UPLOAD
