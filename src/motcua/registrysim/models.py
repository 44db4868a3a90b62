"""The simulator's own data: a small stand-in for the national databases.

The portal never reads these tables; it asks over HTTP like it would ask the
national data-sharing platform. Identity numbers are plain strings here (no links
to ``accounts``): the simulator is a separate system with its own records.
"""

from __future__ import annotations

import hashlib
import re
import secrets

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


def validate_owner_id(value: str) -> None:
    if not (PERSONAL_ID_RE.match(value or "") or TAX_CODE_RE.match(value or "")):
        raise ValidationError(
            _("Chủ sử dụng đất phải có số định danh cá nhân (12 số) hoặc mã số thuế.")
        )


class Registry(models.TextChoices):
    """The national databases the simulator plays (same codes as the catalogue's)."""

    POPULATION = "dan_cu", _("CSDL quốc gia về dân cư")
    CIVIL_STATUS = "ho_tich", _("CSDL hộ tịch điện tử")
    BUSINESS = "dang_ky_kinh_doanh", _("CSDL quốc gia về đăng ký doanh nghiệp")
    LAND = "dat_dai", _("CSDL đất đai")
    INSURANCE = "bao_hiem", _("CSDL bảo hiểm")
    TAX = "thue", _("CSDL thuế")
    HEALTH = "y_te", _("CSDL y tế")
    CUSTOMS = "hai_quan", _("CSDL hải quan")


# Registries whose records are a small set of attributes (RegistryRecord).
SIMPLE_REGISTRIES = (Registry.INSURANCE, Registry.TAX, Registry.HEALTH, Registry.CUSTOMS)


class Gender(models.TextChoices):
    MALE = "nam", _("Nam")
    FEMALE = "nu", _("Nữ")


class Relation(models.TextChoices):
    """A household member's relation to the head of the household (quan hệ với chủ hộ)."""

    HEAD = "chu_ho", _("Chủ hộ")
    WIFE = "vo", _("Vợ")
    HUSBAND = "chong", _("Chồng")
    CHILD = "con", _("Con")
    FATHER = "cha", _("Cha")
    MOTHER = "me", _("Mẹ")
    GRANDCHILD = "chau", _("Cháu")
    OTHER = "khac", _("Khác")


class Person(models.Model):
    """A citizen as the population registry knows them.

    Relations are personal IDs (``father_id``, ``mother_id``, ``spouse_id``), not
    foreign keys: a relative may be unknown to this registry. People of one household
    share ``household_id`` (the household's number) and each says its
    ``relation_to_head``. ``residence_*`` is the structured place of permanent
    residence (a post-2025 province name, e.g. "Tỉnh Bắc Ninh", and a commune name).
    """

    personal_id = models.CharField(
        _("số định danh cá nhân"), max_length=12, unique=True, validators=[validate_personal_id]
    )
    full_name = models.CharField(_("họ, chữ đệm và tên"), max_length=200)
    birth_date = models.DateField(_("ngày sinh"))
    gender = models.CharField(_("giới tính"), max_length=3, choices=Gender.choices, blank=True)
    nationality = models.CharField(_("quốc tịch"), max_length=100, default="Việt Nam")
    ethnicity = models.CharField(_("dân tộc"), max_length=50, blank=True)
    hometown = models.CharField(_("quê quán"), max_length=300, blank=True)
    permanent_address = models.CharField(_("nơi thường trú"), max_length=300, blank=True)
    current_address = models.CharField(_("nơi ở hiện tại"), max_length=300, blank=True)
    phone = models.CharField(_("số điện thoại"), max_length=20, blank=True)
    residence_province = models.CharField(
        _("nơi thường trú: tỉnh/thành phố"), max_length=100, blank=True
    )
    residence_commune = models.CharField(_("nơi thường trú: xã/phường"), max_length=100, blank=True)
    residence_detail = models.CharField(
        _("nơi thường trú: số nhà, đường, thôn/xóm"), max_length=200, blank=True
    )
    father_id = models.CharField(
        _("số định danh của cha"), max_length=12, blank=True, db_index=True
    )
    mother_id = models.CharField(_("số định danh của mẹ"), max_length=12, blank=True, db_index=True)
    spouse_id = models.CharField(_("số định danh của vợ/chồng"), max_length=12, blank=True)
    household_id = models.CharField(_("số hộ"), max_length=20, blank=True, db_index=True)
    relation_to_head = models.CharField(
        _("quan hệ với chủ hộ"), max_length=12, choices=Relation.choices, blank=True
    )
    deceased_on = models.DateField(_("ngày mất"), null=True, blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("công dân (mô phỏng)")
        verbose_name_plural = _("công dân (mô phỏng)")
        ordering = ["personal_id"]

    def __str__(self) -> str:
        return self.full_name


class CivilStatusEvent(models.Model):
    """One civil-status registration (birth, marriage, divorce, death) of a person."""

    class Kind(models.TextChoices):
        BIRTH = "khai_sinh", _("Khai sinh")
        MARRIAGE = "ket_hon", _("Kết hôn")
        DIVORCE = "ly_hon", _("Ly hôn")
        DEATH = "khai_tu", _("Khai tử")

    person = models.ForeignKey(
        Person, verbose_name=_("công dân"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("loại sự kiện"), max_length=10, choices=Kind.choices)
    event_date = models.DateField(_("ngày đăng ký"))
    reference = models.CharField(_("số đăng ký"), max_length=50)
    authority = models.CharField(_("nơi đăng ký"), max_length=200, blank=True)
    related_personal_id = models.CharField(
        _("số định danh người liên quan"),
        max_length=12,
        blank=True,
        help_text=_("Vợ/chồng khi kết hôn, ly hôn."),
    )

    class Meta:
        verbose_name = _("sự kiện hộ tịch (mô phỏng)")
        verbose_name_plural = _("sự kiện hộ tịch (mô phỏng)")
        ordering = ["event_date", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "reference"], name="registrysim_event_unique_reference"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.reference}"


class Business(models.Model):
    """An enterprise as the business registry knows it."""

    class Status(models.TextChoices):
        ACTIVE = "hoat_dong", _("Đang hoạt động")
        SUSPENDED = "tam_ngung", _("Tạm ngừng kinh doanh")
        DISSOLVED = "giai_the", _("Đã giải thể")

    tax_code = models.CharField(
        _("mã số doanh nghiệp"), max_length=14, unique=True, validators=[validate_tax_code]
    )
    name = models.CharField(_("tên doanh nghiệp"), max_length=255)
    head_office = models.CharField(_("địa chỉ trụ sở chính"), max_length=300)
    representative_personal_id = models.CharField(
        _("số định danh người đại diện theo pháp luật"),
        max_length=12,
        validators=[validate_personal_id],
    )
    business_type = models.CharField(_("loại hình"), max_length=100, blank=True)
    registered_on = models.DateField(_("ngày đăng ký lần đầu"), null=True, blank=True)
    charter_capital_vnd = models.BigIntegerField(_("vốn điều lệ (đồng)"), null=True, blank=True)
    status = models.CharField(
        _("tình trạng"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("doanh nghiệp (mô phỏng)")
        verbose_name_plural = _("doanh nghiệp (mô phỏng)")
        ordering = ["tax_code"]

    def __str__(self) -> str:
        return self.name


class LandParcel(models.Model):
    """A land parcel (thửa đất) and its land-use right holder."""

    owner_id = models.CharField(
        _("số định danh/mã số thuế của chủ sử dụng"),
        max_length=14,
        db_index=True,
        validators=[validate_owner_id],
    )
    map_sheet = models.CharField(_("tờ bản đồ số"), max_length=20)
    parcel_number = models.CharField(_("thửa đất số"), max_length=20)
    address = models.CharField(_("địa chỉ thửa đất"), max_length=300)
    area_m2 = models.DecimalField(_("diện tích (m²)"), max_digits=12, decimal_places=1)
    land_use = models.CharField(_("mục đích sử dụng"), max_length=200, blank=True)
    certificate_number = models.CharField(_("số giấy chứng nhận"), max_length=50, blank=True)
    certificate_issued_on = models.DateField(_("ngày cấp giấy chứng nhận"), null=True, blank=True)

    class Meta:
        verbose_name = _("thửa đất (mô phỏng)")
        verbose_name_plural = _("thửa đất (mô phỏng)")
        # The registry lists a holder's parcels oldest certificate first.
        ordering = ["certificate_issued_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["address", "map_sheet", "parcel_number"],
                name="registrysim_parcel_unique_location",
            )
        ]

    def __str__(self) -> str:
        return f"{self.parcel_number}/{self.map_sheet} – {self.address}"


class RegistryRecord(models.Model):
    """A small record of one of the non-core registries (insurance, tax, health, customs)."""

    registry = models.CharField(
        _("cơ sở dữ liệu"),
        max_length=20,
        choices=[(r.value, r.label) for r in SIMPLE_REGISTRIES],
    )
    subject = models.CharField(
        _("số định danh/mã số thuế"),
        max_length=14,
        help_text=_("Số định danh cá nhân hoặc mã số thuế của người/tổ chức."),
    )
    attributes = models.JSONField(_("thuộc tính"), default=dict, blank=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("bản ghi CSDL khác (mô phỏng)")
        verbose_name_plural = _("bản ghi CSDL khác (mô phỏng)")
        ordering = ["registry", "subject"]
        constraints = [
            models.UniqueConstraint(
                fields=["registry", "subject"], name="registrysim_record_unique_subject"
            )
        ]

    def __str__(self) -> str:
        return f"{self.registry}:{self.subject}"


class Registration(models.Model):
    """One write request (a result written back), kept so a retry returns the same answer.

    ``reference`` is the caller's reference (the dossier code): the same reference,
    action and payload always give the stored ``result``, never a second record; a new
    payload amends the records (same identifiers) and counts in ``amendments``.
    """

    class Action(models.TextChoices):
        BIRTH = "register_birth", _("Đăng ký khai sinh")
        DEATH = "register_death", _("Đăng ký khai tử")
        MARRIAGE = "register_marriage", _("Đăng ký kết hôn")
        HOUSEHOLD_BUSINESS = "register_household_business", _("Đăng ký hộ kinh doanh")

    action = models.CharField(_("nghiệp vụ"), max_length=30, choices=Action.choices)
    reference = models.CharField(_("mã tham chiếu (mã hồ sơ)"), max_length=64)
    registry = models.CharField(_("cơ sở dữ liệu"), max_length=20, choices=Registry.choices)
    payload = models.JSONField(_("dữ liệu gửi đến"), default=dict, blank=True)
    result = models.JSONField(_("kết quả"), default=dict, blank=True)
    amendments = models.PositiveIntegerField(_("số lần sửa đổi"), default=0)
    created_at = models.DateTimeField(_("ghi lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("yêu cầu ghi dữ liệu (mô phỏng)")
        verbose_name_plural = _("yêu cầu ghi dữ liệu (mô phỏng)")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "reference"], name="registrysim_registration_unique_reference"
            )
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.reference}"


class RegistryMode(models.Model):
    """How one simulated registry behaves right now, and how many requests it served."""

    class Mode(models.TextChoices):
        NORMAL = "normal", _("Bình thường")
        SLOW = "slow", _("Chậm")
        DOWN = "down", _("Ngừng hoạt động")
        FLAKY = "flaky", _("Chập chờn")

    registry = models.CharField(
        _("cơ sở dữ liệu"), max_length=20, choices=Registry.choices, unique=True
    )
    mode = models.CharField(_("chế độ"), max_length=10, choices=Mode.choices, default=Mode.NORMAL)
    latency_ms = models.PositiveIntegerField(
        _("độ trễ (ms)"),
        null=True,
        blank=True,
        help_text=_("Để trống: dùng độ trễ mặc định của chế độ (theo cấu hình)."),
    )
    failure_percent = models.PositiveSmallIntegerField(
        _("tỷ lệ lỗi (%)"),
        null=True,
        blank=True,
        help_text=_("Chỉ dùng ở chế độ chập chờn. Để trống: dùng giá trị mặc định."),
    )
    request_count = models.PositiveBigIntegerField(_("số yêu cầu đã nhận"), default=0)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("chế độ mô phỏng")
        verbose_name_plural = _("chế độ mô phỏng")
        ordering = ["registry"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(failure_percent__isnull=True)
                | models.Q(failure_percent__lte=100),
                name="registrysim_mode_failure_percent_max_100",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_registry_display()}: {self.get_mode_display()}"


def hash_api_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


class ApiKey(models.Model):
    """A key a client sends as ``X-API-Key``; only its SHA-256 is stored."""

    name = models.CharField(_("tên bên sử dụng"), max_length=100)
    prefix = models.CharField(_("tiền tố"), max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("đang dùng"), default=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("dùng lần cuối"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("khóa API (mô phỏng)")
        verbose_name_plural = _("khóa API (mô phỏng)")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def set_new_key(self) -> str:
        """Give this row a fresh random key and return it (the only time it is readable)."""
        raw_key = secrets.token_urlsafe(32)
        self.prefix, self.key_hash = raw_key[:8], hash_api_key(raw_key)
        return raw_key
