"""The national aggregator: the instances that send events, the events, and the figures.

``NationalFact`` is one dossier's current contribution (one row per instance and dossier
code, from the newest snapshot received); ``NationalRollup`` and ``NationalDaysCount``
are the sums of the facts per instance × agency × month, kept equal to that sum by
adding the difference between a dossier's old and new fact, as ``monitoring`` does.
Agencies are known by their codes (they live in the instances' databases, not here).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.monitoring.public import COUNTERS, Outcome


class SourceInstance(models.Model):
    """An installation (a province, a ministry) whose events this system accepts.

    ``agency_codes`` binds it to the provinces (ministries) and agencies it may report
    for: an event about an agency outside them is refused (``services.check_reach``),
    so that one province's system cannot add figures under another's name.
    """

    code = models.CharField(
        _("mã hệ thống"),
        max_length=40,
        unique=True,
        help_text=_("Giá trị MOTCUA_INSTANCE_CODE của hệ thống gửi, ví dụ mã tỉnh."),
    )
    name = models.CharField(_("tên"), max_length=255)
    secret = models.CharField(
        _("khóa ký"),
        max_length=200,
        help_text=_("Khóa mà hệ thống gửi dùng để ký sự kiện gửi tới đây."),
    )
    agency_codes = models.CharField(
        _("mã cơ quan được báo cáo"),
        max_length=1000,
        blank=True,
        help_text=_(
            "Mã các tỉnh (bộ, ngành) và cơ quan mà hệ thống này được gửi số liệu, cách nhau "
            "bởi dấu cách. Mã tỉnh bao gồm mọi cơ quan thuộc tỉnh. Để trống: chỉ mã hệ thống."
        ),
    )
    active = models.BooleanField(_("đang nhận sự kiện"), default=True)
    managed = models.BooleanField(
        _("khai báo trong cấu hình"),
        default=False,
        editable=False,
        help_text=_("Được ghi từ biến MOTCUA_FEDERATION_SOURCES; sửa trong cấu hình."),
    )
    last_event_at = models.DateTimeField(_("nhận sự kiện gần nhất"), null=True, blank=True)
    created_at = models.DateTimeField(_("ngày tạo"), auto_now_add=True)

    class Meta:
        verbose_name = _("hệ thống nguồn")
        verbose_name_plural = _("hệ thống nguồn")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    @property
    def reported_codes(self) -> frozenset[str]:
        """The province (ministry) and agency codes this source may report for; its own
        code when none are given (an instance's code is its province's)."""
        return frozenset(self.agency_codes.split()) or frozenset({self.code})


class InboundEvent(models.Model):
    """An event as received (kept once: its id makes a replay harmless)."""

    event_id = models.UUIDField(_("mã sự kiện"), unique=True)
    source = models.ForeignKey(
        SourceInstance, verbose_name=_("hệ thống nguồn"), on_delete=models.PROTECT
    )
    type = models.CharField(_("loại sự kiện"), max_length=40)
    sequence = models.BigIntegerField(_("số thứ tự"))
    dossier_code = models.CharField(_("mã hồ sơ"), max_length=64)
    occurred_at = models.DateTimeField(_("thời điểm"))
    received_at = models.DateTimeField(_("thời điểm nhận"), auto_now_add=True)
    applied = models.BooleanField(
        _("đã áp dụng"),
        default=True,
        help_text=_("Không: đã có ảnh chụp mới hơn của hồ sơ này (sự kiện đến muộn)."),
    )
    payload = models.JSONField(_("nội dung"))

    class Meta:
        verbose_name = _("sự kiện nhận được")
        verbose_name_plural = _("sự kiện nhận được")
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["source", "dossier_code", "sequence"], name="inbound_dossier"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id}#{self.sequence} {self.type} {self.dossier_code}"


class NationalFact(models.Model):
    """One dossier's contribution to the national figures, from its newest snapshot.

    The fields mirror ``motcua.monitoring.facts.Fact`` with agency and procedure codes in
    place of ids; ``counted`` is False while the dossier counts nowhere (not received).
    """

    source = models.ForeignKey(SourceInstance, on_delete=models.PROTECT, related_name="+")
    dossier_code = models.CharField(_("mã hồ sơ"), max_length=64)
    sequence = models.BigIntegerField(_("số thứ tự của ảnh chụp"))
    status = models.CharField(_("trạng thái"), max_length=20)
    updated_at = models.DateTimeField(auto_now=True)
    counted = models.BooleanField(default=False)
    procedure_code = models.CharField(max_length=40, blank=True)
    intake_agency_code = models.CharField(max_length=40, blank=True)
    intake_day = models.DateField(null=True)
    online = models.BooleanField(default=False)
    reused = models.BooleanField(default=False)
    fee_required = models.BooleanField(default=False)
    paid_online = models.BooleanField(default=False)
    decide_agency_code = models.CharField(max_length=40, blank=True)
    finished_day = models.DateField(null=True)
    outcome = models.CharField(max_length=8, choices=Outcome.choices, blank=True)
    processing_days = models.IntegerField(null=True)
    result_issued = models.BooleanField(default=False)
    result_electronic = models.BooleanField(default=False)
    fully_online = models.BooleanField(default=False)
    rated_day = models.DateField(null=True)
    score = models.SmallIntegerField(null=True)

    class Meta:
        verbose_name = _("số liệu hồ sơ (toàn quốc)")
        verbose_name_plural = _("số liệu hồ sơ (toàn quốc)")
        constraints = [
            models.UniqueConstraint(fields=["source", "dossier_code"], name="national_fact_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id}/{self.dossier_code}"


class FederatedAgency(models.Model):
    """An agency of a source instance as its latest snapshot named it."""

    source = models.ForeignKey(SourceInstance, on_delete=models.PROTECT, related_name="agencies")
    code = models.CharField(_("mã cơ quan"), max_length=40)
    name = models.CharField(_("tên cơ quan"), max_length=255)
    kind = models.CharField(_("loại"), max_length=12, blank=True)
    province_code = models.CharField(_("mã tỉnh (bộ, ngành)"), max_length=40)
    province_name = models.CharField(_("tên tỉnh (bộ, ngành)"), max_length=255)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("cơ quan (theo sự kiện)")
        verbose_name_plural = _("cơ quan (theo sự kiện)")
        ordering = ["source", "code"]
        constraints = [
            models.UniqueConstraint(fields=["source", "code"], name="federated_agency_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class NationalRollup(models.Model):
    """The sum of the facts of one agency of one instance over one month (first day)."""

    source = models.ForeignKey(SourceInstance, on_delete=models.PROTECT, related_name="+")
    agency_code = models.CharField(max_length=40)
    month = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "agency_code", "month"], name="national_rollup_unique"
            ),
        ]
        indexes = [models.Index(fields=["month"], name="national_rollup_month")]

    def __str__(self) -> str:
        return f"{self.source_id}/{self.agency_code}/{self.month:%Y-%m}"


# The same counters as monitoring's rollups (``COUNTERS``), so the formulas apply as is.
for _counter in COUNTERS:
    NationalRollup.add_to_class(_counter, models.IntegerField(default=0))


class NationalDaysCount(models.Model):
    """How many settled dossiers took ``days`` working days (for the median), per month."""

    source = models.ForeignKey(SourceInstance, on_delete=models.PROTECT, related_name="+")
    agency_code = models.CharField(max_length=40)
    month = models.DateField()
    days = models.IntegerField()
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["source", "agency_code", "month", "days"], name="national_days_unique"
            ),
        ]
        indexes = [models.Index(fields=["month"], name="national_days_month")]

    def __str__(self) -> str:
        return f"{self.source_id}/{self.agency_code}/{self.month:%Y-%m}: {self.days}"
