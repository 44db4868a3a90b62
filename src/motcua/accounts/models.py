"""Users (citizens, business representatives, officers) and applicants."""

import re

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

PERSONAL_ID_RE = re.compile(r"^\d{12}$")
TAX_CODE_RE = re.compile(r"^\d{10}(-\d{3})?$")


def validate_personal_id(value: str) -> None:
    if not PERSONAL_ID_RE.match(value or ""):
        raise ValidationError(_("Số định danh cá nhân phải gồm đúng 12 chữ số."))


def validate_tax_code(value: str) -> None:
    if not TAX_CODE_RE.match(value or ""):
        raise ValidationError(
            _("Mã số thuế phải gồm 10 chữ số (hoặc 13 với chi nhánh: 10 số-3 số).")
        )


def mask_identifier(value: str) -> str:
    """Show only the last 4 characters of an identity number (for logs and lists)."""
    if not value:
        return ""
    return "*" * max(len(value) - 4, 0) + value[-4:]


class User(AbstractUser):
    """A person who signs in: a citizen, a business representative or an officer.

    ``personal_id`` is the 12-digit personal identification number that the
    national e-ID asserts; officers have one too but sign in differently.
    """

    full_name = models.CharField(_("họ và tên"), max_length=200, blank=True)
    personal_id = models.CharField(
        _("số định danh cá nhân"),
        max_length=12,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_personal_id],
    )
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    # The bundled identity provider's data, not the portal's: the e-ID level (Decree
    # 69/2024/NĐ-CP Art. 9; 2 = identity verified in person against the chip ID card)
    # the provider asserts as ``acr`` (``idp/claims.py``) and that its API tokens stand
    # for (``api/auth.py``). The portal never reads it: it keeps the ``acr`` of the sign-in.
    eid_level = models.PositiveSmallIntegerField(
        _("mức định danh điện tử"),
        choices=[(1, _("Mức 1")), (2, _("Mức 2"))],
        default=1,
        db_default=1,
    )

    class Meta:
        verbose_name = _("người dùng")
        verbose_name_plural = _("người dùng")

    def __str__(self) -> str:
        return self.full_name or self.username


class Applicant(models.Model):
    """Who a dossier is filed for: a person, or a business acting through its representative."""

    class Kind(models.TextChoices):
        PERSON = "person", _("Cá nhân")
        BUSINESS = "business", _("Tổ chức, doanh nghiệp")

    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("tên"), max_length=255)
    personal_id = models.CharField(
        _("số định danh cá nhân"),
        max_length=12,
        blank=True,
        validators=[validate_personal_id],
    )
    tax_code = models.CharField(
        _("mã số thuế"), max_length=14, blank=True, validators=[validate_tax_code]
    )
    birth_date = models.DateField(_("ngày sinh"), null=True, blank=True)
    address = models.CharField(_("địa chỉ"), max_length=500, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tài khoản"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applicants",
        help_text=_("Tài khoản nộp hồ sơ trực tuyến (người đại diện với doanh nghiệp)."),
    )
    representative = models.ForeignKey(
        "self",
        verbose_name=_("người đại diện theo pháp luật"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="represented_businesses",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("người nộp hồ sơ")
        verbose_name_plural = _("người nộp hồ sơ")
        constraints = [
            models.UniqueConstraint(
                fields=["personal_id"],
                condition=models.Q(kind="person") & ~models.Q(personal_id=""),
                name="applicant_unique_personal_id",
            ),
            models.UniqueConstraint(
                fields=["tax_code"],
                condition=models.Q(kind="business") & ~models.Q(tax_code=""),
                name="applicant_unique_tax_code",
            ),
            models.CheckConstraint(
                condition=(models.Q(kind="person") & ~models.Q(personal_id=""))
                | (models.Q(kind="business") & ~models.Q(tax_code="")),
                name="applicant_has_identifier",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def identifier(self) -> str:
        return self.personal_id if self.kind == self.Kind.PERSON else self.tax_code

    @property
    def masked_identifier(self) -> str:
        return mask_identifier(self.identifier)
