"""Measurement: per-dossier facts, daily rollups, targets and agencies' plans.

``DossierFact`` holds what one dossier contributes to the figures (which agency,
which day, which counters); ``DailyRollup`` and ``ProcessingDaysCount`` are the
sums of the facts per day × agency × procedure. Both are derived data: they are
kept up to date from ``dossier_event`` and can always be rebuilt from the dossiers
(``motcua rebuild_rollups``). Their foreign keys have no database constraint so
that a rebuild can write millions of rows quickly; agencies and procedures are
never deleted.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.agencies.models import Agency
from motcua.catalog.models import Procedure
from motcua.dossiers.models import Dossier


class Indicator(models.TextChoices):
    """Every indicator the module computes (formulas in docs/INDICATORS.md)."""

    FULL_ONLINE_PROCEDURES = (
        "full_online_procedures_share",
        _("Tỷ lệ thủ tục cung cấp trực tuyến toàn trình"),
    )
    ELIGIBLE_FULL_ONLINE = (
        "eligible_full_online_share",
        _("Tỷ lệ thủ tục đủ điều kiện được cung cấp trực tuyến toàn trình"),
    )
    ONLINE_SERVICES_USED = (
        "online_services_used_share",
        _("Tỷ lệ dịch vụ công trực tuyến phát sinh hồ sơ trực tuyến"),
    )
    ONLINE_DOSSIERS = "online_dossier_share", _("Tỷ lệ hồ sơ nộp trực tuyến")
    FULLY_ONLINE_DOSSIERS = (
        "fully_online_dossier_share",
        _("Tỷ lệ hồ sơ xử lý trực tuyến toàn trình"),
    )
    ON_TIME = "on_time_rate", _("Tỷ lệ hồ sơ giải quyết đúng hạn")
    AVG_DAYS = "avg_processing_days", _("Thời gian giải quyết trung bình (ngày làm việc)")
    MEDIAN_DAYS = "median_processing_days", _("Thời gian giải quyết trung vị (ngày làm việc)")
    ONLINE_PAYMENT = "online_payment_share", _("Tỷ lệ hồ sơ thanh toán phí trực tuyến")
    E_RESULT = "e_result_share", _("Tỷ lệ kết quả giải quyết điện tử")
    REUSE = "reuse_share", _("Tỷ lệ hồ sơ tái sử dụng dữ liệu")
    AVG_RATING = "avg_rating", _("Điểm hài lòng trung bình (1–5)")
    SATISFIED = "satisfied_share", _("Tỷ lệ đánh giá hài lòng")
    SCORE = "score", _("Điểm chất lượng phục vụ (trên 100)")


class Outcome(models.TextChoices):
    EARLY = "early", _("Trước hạn")
    ON_TIME = "on_time", _("Đúng hạn")
    LATE = "late", _("Quá hạn")


def _ref(model, **kwargs):
    return models.ForeignKey(
        model,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # the composite indexes below serve every lookup
        related_name="+",
        **kwargs,
    )


class DossierFact(models.Model):
    """What one received dossier contributes to the figures (see docs/INDICATORS.md)."""

    dossier = models.OneToOneField(
        Dossier, primary_key=True, on_delete=models.CASCADE, db_constraint=False, related_name="+"
    )
    procedure = _ref(Procedure)
    # Intake: the agency that first received the dossier, on the day it did.
    intake_agency = _ref(Agency)
    intake_day = models.DateField()
    online = models.BooleanField(default=False)
    reused = models.BooleanField(default=False)
    fee_required = models.BooleanField(default=False)
    paid_online = models.BooleanField(default=False)
    # Settlement: the agency responsible when it was decided, on the day it was.
    decide_agency = _ref(Agency)
    finished_day = models.DateField(null=True)
    outcome = models.CharField(max_length=8, choices=Outcome.choices, blank=True)
    processing_days = models.IntegerField(null=True)
    result_issued = models.BooleanField(default=False)
    result_electronic = models.BooleanField(default=False)
    fully_online = models.BooleanField(default=False)
    # Satisfaction: the citizen's rating, on the day it was given.
    rated_day = models.DateField(null=True)
    score = models.SmallIntegerField(null=True)

    class Meta:
        verbose_name = _("số liệu hồ sơ")
        verbose_name_plural = _("số liệu hồ sơ")
        indexes = [
            models.Index(fields=["intake_agency", "intake_day"], name="fact_intake"),
            models.Index(fields=["decide_agency", "finished_day"], name="fact_finished"),
            models.Index(fields=["decide_agency", "rated_day"], name="fact_rated"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.intake_day} {self.outcome}"


COUNTERS = (
    "received",
    "online",
    "reused",
    "fee_required",
    "paid_online",
    "finished",
    "early",
    "on_time",
    "late",
    "days_sum",
    "results",
    "results_electronic",
    "fully_online",
    "ratings",
    "rating_sum",
    "satisfied",
)


class RollupCounters(models.Model):
    """The counters every rollup row carries (sums of ``DossierFact``)."""

    agency = _ref(Agency)
    procedure = _ref(Procedure)
    received = models.IntegerField(default=0)
    online = models.IntegerField(default=0)
    reused = models.IntegerField(default=0)
    fee_required = models.IntegerField(default=0)
    paid_online = models.IntegerField(default=0)
    finished = models.IntegerField(default=0)
    early = models.IntegerField(default=0)
    on_time = models.IntegerField(default=0)
    late = models.IntegerField(default=0)
    days_sum = models.IntegerField(default=0)
    results = models.IntegerField(default=0)
    results_electronic = models.IntegerField(default=0)
    fully_online = models.IntegerField(default=0)
    ratings = models.IntegerField(default=0)
    rating_sum = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.day} {self.agency_id}/{self.procedure_id}"


class DailyRollup(RollupCounters):
    """Counters of one day × agency × procedure."""

    day = models.DateField()

    class Meta:
        verbose_name = _("số liệu tổng hợp theo ngày")
        verbose_name_plural = _("số liệu tổng hợp theo ngày")
        constraints = [
            models.UniqueConstraint(fields=["day", "agency", "procedure"], name="rollup_key"),
        ]


class MonthlyRollup(RollupCounters):
    """Counters of one month × agency × procedure (``day`` is the month's first day).

    The sums of the month's ``DailyRollup`` rows, kept beside them so that a month,
    quarter or year reads a few hundred rows per month instead of a few per day.
    """

    day = models.DateField()

    class Meta:
        verbose_name = _("số liệu tổng hợp theo tháng")
        verbose_name_plural = _("số liệu tổng hợp theo tháng")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "agency", "procedure"], name="monthly_rollup_key"
            ),
        ]


class DaysCounts(models.Model):
    """How many settled dossiers took ``days`` working days (the histogram of the median)."""

    agency = _ref(Agency)
    procedure = _ref(Procedure)
    days = models.IntegerField()
    count = models.IntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.day} {self.agency_id}/{self.procedure_id}: {self.days} → {self.count}"


class ProcessingDaysCount(DaysCounts):
    """Dossiers settled on ``day`` by processing days."""

    day = models.DateField()

    class Meta:
        verbose_name = _("phân bố thời gian giải quyết")
        verbose_name_plural = _("phân bố thời gian giải quyết")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "agency", "procedure", "days"], name="processing_days_key"
            ),
        ]


class MonthlyProcessingDaysCount(DaysCounts):
    """Dossiers settled in the month starting on ``day`` by processing days."""

    day = models.DateField()

    class Meta:
        verbose_name = _("phân bố thời gian giải quyết theo tháng")
        verbose_name_plural = _("phân bố thời gian giải quyết theo tháng")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "agency", "procedure", "days"], name="monthly_processing_days_key"
            ),
        ]


class WorkdayOrdinal(models.Model):
    """Working days up to and including ``day`` (since 1 January 2000): set-based day counts.

    ``working_days_between(a, b) == ordinal(b) - ordinal(a)``; the rebuild refills it
    from ``motcua.workdays.calendar`` so it always follows the calendar in force.
    """

    day = models.DateField(primary_key=True)
    ordinal = models.IntegerField()

    class Meta:
        verbose_name = _("số thứ tự ngày làm việc")
        verbose_name_plural = _("số thứ tự ngày làm việc")

    def __str__(self) -> str:
        return f"{self.day}: {self.ordinal}"


class Target(models.Model):
    """A target for one indicator and year: national (no agency) or for one agency."""

    class AppliesTo(models.TextChoices):
        ALL = "all", _("Tất cả bộ, ngành, địa phương")
        MINISTRY = "ministry", _("Khối bộ, ngành")
        PROVINCE = "province", _("Khối tỉnh, thành phố")

    indicator = models.CharField(_("chỉ số"), max_length=40, choices=Indicator.choices)
    year = models.PositiveSmallIntegerField(
        _("năm"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    value = models.DecimalField(_("chỉ tiêu"), max_digits=6, decimal_places=2)
    applies_to = models.CharField(
        _("áp dụng cho"), max_length=10, choices=AppliesTo.choices, default=AppliesTo.ALL
    )
    agency = models.ForeignKey(
        Agency,
        verbose_name=_("cơ quan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="kpi_targets",
    )
    source = models.CharField(_("căn cứ"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["-year", "indicator", "applies_to"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "applies_to"],
                condition=models.Q(agency__isnull=True),
                name="target_national_unique",
            ),
            models.UniqueConstraint(
                fields=["indicator", "year", "agency"],
                condition=models.Q(agency__isnull=False),
                name="target_agency_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_indicator_display()} {self.year}: {self.value}"


class AgencyPlan(models.Model):
    """An agency's plan to bring its procedures fully online in one year (kế hoạch)."""

    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan"), on_delete=models.PROTECT, related_name="kpi_plans"
    )
    year = models.PositiveSmallIntegerField(
        _("năm"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    document_number = models.CharField(_("số, ký hiệu văn bản"), max_length=100)
    issued_on = models.DateField(_("ngày ban hành"))
    summary = models.TextField(_("nội dung chính"), blank=True)
    filed_at = models.DateTimeField(_("ngày cập nhật"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("kế hoạch")
        verbose_name_plural = _("kế hoạch")
        ordering = ["-year", "agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="plan_agency_year"),
        ]

    def __str__(self) -> str:
        return f"{self.agency} – {self.year}"


class PlanMonthlyTarget(models.Model):
    """The value an agency commits to reach for an indicator by the end of a month."""

    plan = models.ForeignKey(AgencyPlan, on_delete=models.CASCADE, related_name="monthly_targets")
    month = models.PositiveSmallIntegerField(
        _("tháng"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    indicator = models.CharField(_("chỉ số"), max_length=40, choices=Indicator.choices)
    value = models.DecimalField(_("chỉ tiêu"), max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = _("chỉ tiêu theo tháng")
        verbose_name_plural = _("chỉ tiêu theo tháng")
        ordering = ["plan", "indicator", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "month", "indicator"], name="plan_month_indicator"
            ),
            models.CheckConstraint(
                condition=models.Q(month__gte=1, month__lte=12), name="plan_month_1_12"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} T{self.month} {self.indicator}: {self.value}"


class PlanProcedure(models.Model):
    """A procedure in a plan: eligible (with the month it goes fully online) or not, why."""

    plan = models.ForeignKey(AgencyPlan, on_delete=models.CASCADE, related_name="procedures")
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.PROTECT, related_name="+"
    )
    eligible = models.BooleanField(_("đủ điều kiện cung cấp toàn trình"))
    target_month = models.PositiveSmallIntegerField(
        _("tháng hoàn thành"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    reason = models.TextField(_("lý do không đủ điều kiện"), blank=True)

    class Meta:
        verbose_name = _("thủ tục trong kế hoạch")
        verbose_name_plural = _("thủ tục trong kế hoạch")
        ordering = ["plan", "procedure__code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "procedure"], name="plan_procedure_unique"),
            models.CheckConstraint(
                condition=models.Q(eligible=True) | ~models.Q(reason=""),
                name="plan_ineligible_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.procedure_id}"


class ReportDispatch(models.Model):
    """One monthly report sent to one supervisor (so a re-run never sends it twice)."""

    period = models.CharField(_("kỳ báo cáo"), max_length=7)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(_("thời điểm gửi"))

    class Meta:
        verbose_name = _("báo cáo đã gửi")
        verbose_name_plural = _("báo cáo đã gửi")
        constraints = [
            models.UniqueConstraint(fields=["period", "user", "agency"], name="report_once"),
        ]

    def __str__(self) -> str:
        return f"{self.period} → {self.user_id}"


class NationalFigure(models.Model):
    """One sub-indicator of one agency for one month as the National Public Service
    Portal published it (imported from the file a supervisor downloads there, to be
    cross-checked with MotCua's own count; docs/INDICATORS.md, "Cross-check")."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, verbose_name=_("cơ quan"))
    month = models.DateField(_("tháng"), help_text=_("Ngày đầu tháng."))
    indicator = models.CharField(_("mã chỉ số"), max_length=40)
    numerator = models.DecimalField(_("tử số"), max_digits=14, decimal_places=2)
    denominator = models.DecimalField(_("mẫu số"), max_digits=14, decimal_places=2)
    points = models.DecimalField(_("điểm"), max_digits=7, decimal_places=2)
    imported_at = models.DateTimeField(_("nhập lúc"))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người nhập"),
    )
    source_file_sha256 = models.CharField(_("SHA-256 của tệp"), max_length=64)

    class Meta:
        verbose_name = _("số liệu Cổng DVCQG")
        verbose_name_plural = _("số liệu Cổng DVCQG")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "month", "indicator"], name="one_national_figure"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.month:%Y-%m} {self.indicator}"
