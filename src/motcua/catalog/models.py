"""The procedure catalogue: procedures, their versions, components and internal process.

A ``Procedure`` is the stable identity (its code); everything an agency can
edit lives on a ``ProcedureVersion``. Editing never changes a published
version: it creates a new one, so dossiers keep the version they were filed under.
"""

from __future__ import annotations

import copy
import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.agencies.models import Agency, Role


class AuthorityLevel(models.TextChoices):
    COMMUNE = "commune", _("Cấp xã")
    PROVINCE = "province", _("Cấp tỉnh")
    MINISTRY = "ministry", _("Cấp bộ")


class ServiceLevel(models.TextChoices):
    FULL = "full", _("Dịch vụ công trực tuyến toàn trình")
    PARTIAL = "partial", _("Dịch vụ công trực tuyến một phần")
    COUNTER = "counter", _("Chỉ tiếp nhận trực tiếp")


class OnlineFeePolicy(models.TextChoices):
    NONE = "none", _("Như nộp trực tiếp")
    PERCENT_DISCOUNT = "percent", _("Giảm theo tỷ lệ khi nộp trực tuyến")
    EXEMPT = "exempt", _("Miễn khi nộp trực tuyến")
    FIXED = "fixed", _("Mức cố định khi nộp trực tuyến")


class Registry(models.TextChoices):
    """National databases that can supply data (the ``reuses`` column)."""

    POPULATION = "dan_cu", _("CSDL quốc gia về dân cư")
    CIVIL_STATUS = "ho_tich", _("CSDL hộ tịch điện tử")
    BUSINESS = "dang_ky_kinh_doanh", _("CSDL quốc gia về đăng ký doanh nghiệp")
    LAND = "dat_dai", _("CSDL đất đai")
    INSURANCE = "bao_hiem", _("CSDL bảo hiểm")
    TAX = "thue", _("CSDL thuế")
    HEALTH = "y_te", _("CSDL y tế")
    CUSTOMS = "hai_quan", _("CSDL hải quan")


class Sector(models.Model):
    """A field of administration (lĩnh vực), e.g. Hộ tịch."""

    name = models.CharField(_("tên lĩnh vực"), max_length=255, unique=True)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Procedure(models.Model):
    """An administrative procedure (TTHC), identified by its code."""

    code = models.CharField(_("mã thủ tục"), max_length=40, unique=True)
    current_version = models.OneToOneField(
        "ProcedureVersion",
        verbose_name=_("phiên bản đang áp dụng"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["code"]

    def __str__(self) -> str:
        name = self.current_version.name if self.current_version_id else ""
        return f"{self.code} {name}".strip()


class ProcessingUnit(models.TextChoices):
    """How a procedure's time limit is stated (Decree 118/2025/NĐ-CP; Circular 03/2025/TT-VPCP)."""

    WORKING_HOURS = "working_hours", _("giờ làm việc")
    WORKING_DAYS = "working_days", _("ngày làm việc")
    CALENDAR_DAYS = "calendar_days", _("ngày")
    MONTHS = "months", _("tháng")


# How a time limit reads, as the law states it ("8 giờ làm việc", "15 ngày làm việc",
# "30 ngày", "3 tháng"): Decree 118/2025/NĐ-CP; Circular 03/2025/TT-VPCP.
PROCESSING_TIME_FORMATS = {
    ProcessingUnit.WORKING_HOURS: _("%(n)s giờ làm việc"),
    ProcessingUnit.WORKING_DAYS: _("%(n)s ngày làm việc"),
    ProcessingUnit.CALENDAR_DAYS: _("%(n)s ngày"),
    ProcessingUnit.MONTHS: _("%(n)s tháng"),
}


def processing_time_label(amount: int, unit: str | None) -> str:
    """A time limit as the law states it, e.g. "15 ngày làm việc" (working days unless said)."""
    pattern = PROCESSING_TIME_FORMATS.get(
        unit or ProcessingUnit.WORKING_DAYS, PROCESSING_TIME_FORMATS[ProcessingUnit.WORKING_DAYS]
    )
    return str(pattern) % {"n": amount}


# What defines a version's content (copied into a new version, compared, audited).
VERSION_FIELDS = (
    "name",
    "description",
    "level",
    "authority",
    "processing_days",
    "processing_unit",
    "fee_vnd",
    "online_fee_policy",
    "online_fee_value",
    "service_level",
    "not_fully_online_reason",
    "result_name",
    "data_sources",
    "supplement_days",
    "close_when_supplement_expires",
    "supplement_requests_allowed",
    "min_assurance",
    "form_schema",
)


class _JsonText(str):
    """A loaded ``form_schema`` kept as its JSON text (see ``_snapshot``)."""


def _snapshot(value):
    """What a loaded ``form_schema`` was, to tell at save whether it was changed, even
    in place: its JSON text (the C encoder: many times cheaper than a deep copy, and a
    version is loaded on every filing while it is almost never saved). A value loaded
    from the database is plain JSON, so decoding the text gives back an equal value; a
    value that does not round-trip (NaN, which is not equal to itself) is deep-copied."""
    try:
        return _JsonText(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError):
        return copy.deepcopy(value)


def _stored_value(snapshot):
    return json.loads(snapshot) if isinstance(snapshot, _JsonText) else snapshot


class ProcedureVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Bản nháp")
        PUBLISHED = "published", _("Đã công bố")
        SUPERSEDED = "superseded", _("Đã thay thế")

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField(_("phiên bản"))
    status = models.CharField(
        _("trạng thái"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    name = models.CharField(_("tên thủ tục"), max_length=500)
    description = models.TextField(_("mô tả"), blank=True)
    sector = models.ForeignKey(Sector, verbose_name=_("lĩnh vực"), on_delete=models.PROTECT)
    level = models.CharField(_("cấp thực hiện"), max_length=10, choices=AuthorityLevel.choices)
    authority = models.CharField(_("cơ quan thực hiện"), max_length=255)
    agencies = models.ManyToManyField(
        Agency, verbose_name=_("cơ quan thực hiện cụ thể"), blank=True, related_name="procedures"
    )
    # The amount of the time limit, in ``processing_unit`` (working days unless stated).
    processing_days = models.PositiveSmallIntegerField(_("thời hạn giải quyết"))
    processing_unit = models.CharField(
        _("đơn vị thời hạn"),
        max_length=16,
        choices=ProcessingUnit.choices,
        default=ProcessingUnit.WORKING_DAYS,
        db_default=ProcessingUnit.WORKING_DAYS,
    )
    fee_vnd = models.PositiveIntegerField(_("phí, lệ phí (đồng)"), default=0)
    online_fee_policy = models.CharField(
        _("chính sách phí khi nộp trực tuyến"),
        max_length=10,
        choices=OnlineFeePolicy.choices,
        default=OnlineFeePolicy.NONE,
    )
    online_fee_value = models.PositiveIntegerField(
        _("giá trị (phần trăm giảm hoặc số tiền)"), default=0
    )
    service_level = models.CharField(
        _("mức độ cung cấp"), max_length=10, choices=ServiceLevel.choices
    )
    not_fully_online_reason = models.CharField(
        _("lý do chưa cung cấp toàn trình"), max_length=500, blank=True
    )
    result_name = models.CharField(_("kết quả thực hiện"), max_length=500)
    data_sources = models.JSONField(
        _("CSDL có thể khai thác"),
        default=list,
        blank=True,
        help_text=_('Danh sách mã CSDL, ví dụ ["dan_cu"].'),
    )
    supplement_days = models.PositiveSmallIntegerField(
        _("thời hạn bổ sung hồ sơ (ngày làm việc)"), default=15
    )
    # Decree 118/2025: one request to complete a dossier, listing everything; a procedure
    # whose own rules allow more says so here (each further request counts as late).
    supplement_requests_allowed = models.PositiveSmallIntegerField(
        _("số lần yêu cầu bổ sung được phép"), default=1, db_default=1
    )
    close_when_supplement_expires = models.BooleanField(
        _("tự động kết thúc khi quá hạn bổ sung"), default=False
    )
    # The e-ID level an online applicant must have signed in with (Decree 69/2024/NĐ-CP
    # Art. 9: level 2 for most procedures); a lower sign-in is refused at submission.
    min_assurance = models.PositiveSmallIntegerField(
        _("mức định danh điện tử tối thiểu khi nộp trực tuyến"),
        choices=[(1, _("Mức 1")), (2, _("Mức 2"))],
        default=1,
        db_default=1,
    )
    form_schema = models.JSONField(
        _("biểu mẫu điện tử"),
        default=dict,
        blank=True,
        help_text=_("Định nghĩa biểu mẫu điện tử (motcua-eform/2, xem docs/EFORMS.md)."),
    )
    published_at = models.DateTimeField(_("ngày công bố"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("phiên bản thủ tục")
        verbose_name_plural = _("phiên bản thủ tục")
        ordering = ["procedure__code", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "number"], name="procedure_version_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(online_fee_policy="percent")
                | models.Q(online_fee_value__lte=100),
                name="procedure_version_discount_max_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number} – {self.name}"

    def save(self, *args, **kwargs):
        """A published (or superseded) version's e-form never changes: a new version does."""
        stored = getattr(self, "_stored_form", None)
        fields = kwargs.get("update_fields")
        if (
            stored is not None
            and stored[0] != self.Status.DRAFT
            and (fields is None or "form_schema" in fields)
            and self.form_schema != _stored_value(stored[1])
        ):
            raise ValidationError(
                _(
                    "Biểu mẫu điện tử của phiên bản đã công bố không được sửa; "
                    "hãy tạo phiên bản mới để chỉnh sửa."
                )
            )
        super().save(*args, **kwargs)
        if "form_schema" in self.__dict__ and "status" in self.__dict__:
            self._stored_form = (self.status, copy.deepcopy(self.form_schema))

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        loaded = instance.__dict__
        if "status" in loaded and "form_schema" in loaded:
            instance._stored_form = (loaded["status"], _snapshot(loaded["form_schema"]))
        return instance

    @classmethod
    def from_memo(cls, db, field_names, values, texts: dict[str, str]):
        """``from_db`` for a row of the reference memo (``lib.refcache.instance``), whose
        JSON columns come with their text: that text is the snapshot."""
        instance = models.Model.from_db.__func__(cls, db, field_names, values)
        loaded = instance.__dict__
        if "status" in loaded and "form_schema" in texts:
            instance._stored_form = (loaded["status"], _JsonText(texts["form_schema"]))
        return instance

    @property
    def processing_time_label(self) -> str:
        """The time limit as the law states it: "8 giờ làm việc", "30 ngày", "3 tháng"…"""
        return processing_time_label(self.processing_days, self.processing_unit)

    @property
    def is_fully_online(self) -> bool:
        return self.service_level == ServiceLevel.FULL

    @property
    def is_offered_online(self) -> bool:
        return self.service_level in (ServiceLevel.FULL, ServiceLevel.PARTIAL)

    @property
    def online_fee_vnd(self) -> int:
        """The version's own fee when filed online, after its online policy.

        A dated ``FeeRule`` may override it: ``catalog.fees.quote`` is what dossiers use.
        """
        return online_amount(self.fee_vnd, self.online_fee_policy, self.online_fee_value)


def online_amount(fee_vnd: int, policy: str, value: int) -> int:
    """``fee_vnd`` after an online policy: a percentage off, exemption, or a fixed amount.

    A fixed online amount never exceeds the counter fee; discounts round down to the dong.
    """
    if policy == OnlineFeePolicy.EXEMPT:
        return 0
    if policy == OnlineFeePolicy.FIXED:
        return min(value, fee_vnd)
    if policy == OnlineFeePolicy.PERCENT_DISCOUNT:
        return fee_vnd * (100 - min(value, 100)) // 100
    return fee_vnd


class FeeRule(models.Model):
    """A dated entry of a procedure's fee schedule (biểu phí, lệ phí).

    The fee at the counter and the online policy in force from ``valid_from`` to
    ``valid_until`` (inclusive; empty = until further notice), for every agency or,
    where the amount differs, for one agency and the units under it. Where no rule is
    in force the procedure version's own fee applies (see ``catalog.fees.quote``).
    """

    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.CASCADE, related_name="fee_rules"
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("áp dụng riêng cho cơ quan"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Để trống nếu áp dụng cho mọi cơ quan thực hiện."),
    )
    fee_vnd = models.PositiveIntegerField(_("phí, lệ phí nộp trực tiếp (đồng)"))
    online_policy = models.CharField(
        _("chính sách khi nộp trực tuyến"),
        max_length=10,
        choices=OnlineFeePolicy.choices,
        default=OnlineFeePolicy.NONE,
    )
    online_value = models.PositiveIntegerField(
        _("giá trị (phần trăm giảm hoặc số tiền)"), default=0
    )
    valid_from = models.DateField(_("áp dụng từ ngày"))
    valid_until = models.DateField(_("áp dụng đến hết ngày"), null=True, blank=True)
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mức phí, lệ phí")
        verbose_name_plural = _("biểu phí, lệ phí")
        ordering = ["procedure", "-valid_from"]
        indexes = [models.Index(fields=["procedure", "valid_from"], name="fee_rule_procedure")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(online_policy="percent") | models.Q(online_value__lte=100),
                name="fee_rule_discount_max_100",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="fee_rule_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} {self.fee_vnd} ({self.valid_from})"

    def clean(self):
        errors = {}
        if self.online_policy == OnlineFeePolicy.PERCENT_DISCOUNT and self.online_value > 100:
            errors["online_value"] = _("Tỷ lệ giảm không được vượt quá 100%.")
        if self.valid_until and self.valid_from and self.valid_until < self.valid_from:
            errors["valid_until"] = _("Ngày kết thúc phải sau ngày bắt đầu áp dụng.")
        if errors:
            raise ValidationError(errors)

    @property
    def online_fee_vnd(self) -> int:
        return online_amount(self.fee_vnd, self.online_policy, self.online_value)


class ProcedureComponent(models.Model):
    """A document the applicant must provide (thành phần hồ sơ)."""

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="components"
    )
    position = models.PositiveSmallIntegerField(_("thứ tự"))
    name = models.CharField(_("tên giấy tờ"), max_length=500)
    required = models.BooleanField(_("bắt buộc"), default=True)
    registry = models.CharField(
        _("CSDL cung cấp thay thế"), max_length=24, choices=Registry.choices, blank=True
    )

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="component_position"),
        ]

    def __str__(self) -> str:
        return self.name


class ProcessStep(models.Model):
    """A step of the internal process (quy trình nội bộ): who does it and in how many days."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("thứ tự"))
    name = models.CharField(_("tên bước"), max_length=255)
    role = models.CharField(_("vai trò thực hiện"), max_length=16, choices=Role.choices)
    unit_name = models.CharField(_("đơn vị thực hiện"), max_length=255, blank=True)
    days = models.DecimalField(_("thời gian (ngày làm việc)"), max_digits=5, decimal_places=1)

    class Meta:
        verbose_name = _("bước xử lý")
        verbose_name_plural = _("quy trình nội bộ")
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="step_position"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"


class DatedRule(models.Model):
    """A line of a list an administrator keeps (online-only procedures, the "phi địa
    giới" list): in force from a date, until another or for good, with its legal basis
    and who added it. Saved and removed through ``catalog.dated_rules`` (audited)."""

    valid_from = models.DateField(_("áp dụng từ ngày"))
    valid_until = models.DateField(_("áp dụng đến ngày"), null=True, blank=True)
    note = models.CharField(_("căn cứ, ghi chú"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        abstract = True


class OnlineOnlyRule(DatedRule):
    """A procedure received online only (for one agency and the units below it, or
    everywhere), from a date: the counter refuses it except through assisted filing."""

    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("thủ tục"),
        on_delete=models.CASCADE,
        related_name="online_only_rules",
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan, địa bàn áp dụng"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Để trống: áp dụng ở mọi cơ quan."),
    )

    class Meta:
        verbose_name = _("thủ tục chỉ tiếp nhận trực tuyến")
        verbose_name_plural = _("thủ tục chỉ tiếp nhận trực tuyến")
        ordering = ["procedure__code", "valid_from"]

    def __str__(self) -> str:
        return f"{self.procedure.code} ({self.valid_from})"


class CrossBoundaryIntake(DatedRule):
    """One line of the province's "phi địa giới" list (Decree 118/2025/NĐ-CP, Art. 14):
    a desk (a provincial or commune service centre, or a unit below it) receives paper
    dossiers of a procedure settled by another agency and routes them to it.

    ``procedure`` empty: every procedure the settling agency settles; ``settling_agency``
    empty: any agency of the desk's province that settles the procedure. Maintained by an
    administrator in the admin (audited), never in code.
    """

    desk = models.ForeignKey(
        Agency,
        verbose_name=_("bộ phận tiếp nhận"),
        on_delete=models.CASCADE,
        related_name="cross_boundary_intakes",
    )
    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("thủ tục"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="cross_boundary_intakes",
        help_text=_("Để trống: mọi thủ tục của cơ quan giải quyết."),
    )
    settling_agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan giải quyết"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Để trống: mọi cơ quan trong tỉnh giải quyết thủ tục."),
    )

    class Meta:
        verbose_name = _("tiếp nhận không phụ thuộc địa giới hành chính")
        verbose_name_plural = _("danh mục tiếp nhận không phụ thuộc địa giới hành chính")
        ordering = ["desk__name", "valid_from"]

    def __str__(self) -> str:
        what = self.procedure.code if self.procedure_id else "*"
        return f"{self.desk} ← {what}"
