"""Signed electronic results: the keys that sign them, their templates and the record of
every result issued (what the QR code on the document points at)."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.agencies.models import Agency
from motcua.catalog.models import Procedure
from motcua.dossiers.models import Attachment, Dossier


class CertificateAuthority(models.Model):
    """A certification authority whose certificates the platform trusts for its results.

    The demo CA is made by ``setup_pki`` (with its key, to issue agency certificates);
    a real CA (the government's) is imported without a key, as a trust root only.
    """

    name = models.CharField(_("tên"), max_length=255)
    certificate_pem = models.TextField(_("chứng thư số (PEM)"))
    # Encrypted PKCS#8 (MOTCUA_PKI_PASSPHRASE); empty for an imported CA.
    key_pem = models.TextField(blank=True, editable=False)
    serial = models.CharField(_("số hiệu"), max_length=64, unique=True)
    is_demo = models.BooleanField(_("CA thử nghiệm của hệ thống"), default=False)
    # The exchange peer whose catalogue shipped this CA (dossier exchange): it is trusted
    # only for the results of that peer's agencies, and never passed on to another peer.
    # Empty: a CA this instance trusts itself (``setup_pki``, ``import_agency_certificate``).
    peer_code = models.CharField(
        _("hệ thống liên thông cung cấp"), max_length=40, blank=True, default="", db_index=True
    )
    not_before = models.DateTimeField(_("hiệu lực từ"))
    not_after = models.DateTimeField(_("hiệu lực đến"))
    created_at = models.DateTimeField(_("ngày tạo"), default=timezone.now)

    class Meta:
        verbose_name = _("tổ chức chứng thực")
        verbose_name_plural = _("tổ chức chứng thực")
        constraints = [
            models.UniqueConstraint(
                fields=["is_demo"], condition=models.Q(is_demo=True), name="results_one_demo_ca"
            )
        ]

    def __str__(self) -> str:
        return self.name


class AgencyCertificate(models.Model):
    """The certificate (and encrypted key) an agency signs its results with.

    Old certificates stay (inactive) so that results signed with them still verify.
    """

    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="certificates"
    )
    issuer = models.ForeignKey(
        CertificateAuthority,
        verbose_name=_("tổ chức chứng thực"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    subject = models.CharField(_("chủ thể"), max_length=500)
    certificate_pem = models.TextField(_("chứng thư số (PEM)"))
    key_pem = models.TextField(editable=False)  # encrypted PKCS#8
    serial = models.CharField(_("số hiệu"), max_length=64, unique=True)
    not_before = models.DateTimeField(_("hiệu lực từ"))
    not_after = models.DateTimeField(_("hiệu lực đến"))
    active = models.BooleanField(_("đang dùng để ký"), default=True)
    imported = models.BooleanField(_("nhập từ chứng thư thật"), default=False)
    created_at = models.DateTimeField(_("ngày tạo"), default=timezone.now)

    class Meta:
        verbose_name = _("chứng thư số của cơ quan")
        verbose_name_plural = _("chứng thư số của cơ quan")
        constraints = [
            models.UniqueConstraint(
                fields=["agency"],
                condition=models.Q(active=True),
                name="results_one_active_certificate",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.serial})"


class ResultTemplate(models.Model):
    """The body of a procedure's electronic result (Django template syntax).

    The frame around it (national motto, agency, number, title, place and date, signer,
    QR code) is the same for every result; a procedure without a template gets the
    default body (the applicant, the dossier and the key data of its e-form).
    """

    procedure = models.OneToOneField(
        Procedure,
        verbose_name=_("thủ tục"),
        on_delete=models.CASCADE,
        related_name="result_template",
    )
    title = models.CharField(
        _("tên văn bản kết quả"),
        max_length=500,
        blank=True,
        help_text=_("Để trống: dùng “kết quả thực hiện” của phiên bản thủ tục."),
    )
    body = models.TextField(
        _("nội dung (HTML, cú pháp mẫu Django)"),
        help_text=_(
            "Các biến dùng được: {{ applicant.name }}, {{ applicant.identifier }}, "
            "{{ applicant.address }}, {{ dossier.code }}, {{ procedure.code }}, "
            "{{ version.name }}, {{ agency.name }}, {{ data.<tên trường> }} (dữ liệu tờ khai), "
            "{{ decision.<tên trường> }} (dữ liệu quyết định), {{ sections }} (tờ khai theo "
            "phần), {{ issued_on|date:'d/m/Y' }}; {% load eform_tags %} cho các bộ lọc dmy, "
            "long_date, address, vnd, sex, label."
        ),
    )
    signer_title = models.CharField(
        _("chức danh người ký"),
        max_length=200,
        blank=True,
        help_text=_(
            "Mỗi dòng một dòng in trên văn bản, ví dụ “TM. ỦY BAN NHÂN DÂN” rồi “CHỦ TỊCH”. "
            "Để trống: theo loại cơ quan (Ủy ban nhân dân: TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH; "
            "sở, ngành: GIÁM ĐỐC)."
        ),
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("mẫu văn bản kết quả")
        verbose_name_plural = _("mẫu văn bản kết quả")

    def __str__(self) -> str:
        return f"{self.procedure.code} – {self.title or _('theo tên kết quả của thủ tục')}"


class NumberCounter(models.Model):
    """The last document number given per agency and year."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    value = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="results_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.year}: {self.value}"


def new_token() -> str:
    # Printed in the QR code: unguessable, so the verification page is not an index.
    return secrets.token_urlsafe(24)


class ResultDocument(models.Model):
    """One signed result issued on a dossier: the file, its hash, who signed and when."""

    class Kind(models.TextChoices):
        GENERATED = "generated", _("Tạo từ mẫu")
        UPLOADED = "uploaded", _("Tệp cán bộ tải lên")

    dossier = models.ForeignKey(
        Dossier, verbose_name=_("hồ sơ"), on_delete=models.CASCADE, related_name="results"
    )
    attachment = models.OneToOneField(
        Attachment, verbose_name=_("tệp"), on_delete=models.CASCADE, related_name="result_document"
    )
    kind = models.CharField(_("hình thức"), max_length=10, choices=Kind.choices)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    number = models.CharField(_("số văn bản"), max_length=100)
    title = models.CharField(_("tên văn bản"), max_length=500)
    sha256 = models.CharField(max_length=64, db_index=True)
    certificate = models.ForeignKey(
        AgencyCertificate,
        verbose_name=_("chứng thư số đã ký"),
        on_delete=models.PROTECT,
        related_name="results",
    )
    signer_serial = models.CharField(_("số hiệu chứng thư số"), max_length=64)
    signed_at = models.DateTimeField(_("thời điểm ký"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ban hành"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("kết quả điện tử đã ký số")
        verbose_name_plural = _("kết quả điện tử đã ký số")
        ordering = ["-signed_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.number} – {self.dossier}"


class ResultDraft(models.Model):
    """The result document as the officer previewed it: the exact bytes that will be signed.

    One per dossier (a new preview replaces it), with the document number and
    verification token it reserved. The PDF is kept in the database (not in the files
    storage): it is small, short-lived (deleted when the result is issued) and must
    appear and disappear with the transaction that made it, leaving no orphan file.
    ``fingerprint`` is the hash of what the document was made from (form data,
    decision data, signer): signing refuses a draft whose data changed since.
    """

    dossier = models.OneToOneField(
        Dossier, verbose_name=_("hồ sơ"), on_delete=models.CASCADE, related_name="result_draft"
    )
    number = models.CharField(_("số văn bản"), max_length=100)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    title = models.CharField(_("tên văn bản"), max_length=500)
    pdf = models.BinaryField(_("tệp PDF"), editable=False)
    sha256 = models.CharField(max_length=64)
    fingerprint = models.CharField(max_length=64)
    issued_on = models.DateField(_("ngày ghi trên văn bản"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo bản xem trước"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("bản xem trước kết quả")
        verbose_name_plural = _("bản xem trước kết quả")

    def __str__(self) -> str:
        return f"{self.number} – {self.dossier_id}"
