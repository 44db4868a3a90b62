"""The agency hierarchy and the officers who work in it."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .identifiers import identifier_problem


class Agency(models.Model):
    """A ministry, province, commune, department or unit, valid over a period.

    Reorganisations never delete an agency: it gets ``valid_until`` and a
    ``successor``, so that its dossiers and figures roll up to the agency that
    took over (``Agency.current_successor``).

    Two kinds of "below" exist. A *unit* (``Kind.UNIT``: the one-stop desk, the
    specialists' office, the leadership) is a part of the agency above it and works
    for it (``home_agency``). Any other kind placed under an agency (a ward's police
    under the ward, a department under its province) is a separate agency: the one
    above may see its dossiers, but only its own officers act on them.
    """

    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("Bộ, cơ quan ngang bộ")
        PROVINCE = "province", _("Tỉnh")
        CITY = "city", _("Thành phố trực thuộc trung ương")
        COMMUNE = "commune", _("Xã, phường, đặc khu")
        DEPARTMENT = "department", _("Sở, ban, ngành")
        UNIT = "unit", _("Phòng, bộ phận")

    code = models.CharField(_("mã"), max_length=40, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan cấp trên"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_until = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("cơ quan kế thừa"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )
    # Dossiers received after this hour count from the next working day (unset: the
    # setting MOTCUA_INTAKE_CUTOFF, if any, else no cut-off).
    intake_cutoff = models.TimeField(_("giờ tiếp nhận cuối ngày"), null=True, blank=True)
    # The official electronic identifier (mã định danh điện tử, Decision 20/2020/QĐ-TTg),
    # the agency part of the national dossier code; validated in ``identifiers.py``.
    identifier = models.CharField(
        _("mã định danh điện tử"), max_length=20, unique=True, null=True, blank=True
    )
    # The MotCua instance that settles this agency's dossiers (its exchange peer code,
    # docs/EXCHANGE.md); blank: this instance. Set on agencies replicated from a province.
    home_instance = models.CharField(
        _("hệ thống giải quyết"), max_length=40, blank=True, default="", db_default=""
    )

    class Meta:
        verbose_name = _("cơ quan")
        verbose_name_plural = _("cơ quan")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="agency_valid_period",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.successor_id and self.successor_id == self.pk:
            raise ValidationError({"successor": _("Một cơ quan không thể kế thừa chính nó.")})
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("Một cơ quan không thể trực thuộc chính nó.")})
        if self.kind == self.Kind.UNIT and not self.parent_id:
            raise ValidationError(
                {"parent": _("Phòng, bộ phận phải thuộc một cơ quan: hãy chọn cơ quan cấp trên.")}
            )
        if self.identifier == "":
            self.identifier = None  # unique: several agencies may have none
        if self.identifier:
            problem = identifier_problem(self.identifier)
            if problem:
                raise ValidationError({"identifier": problem})

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )

    @property
    def is_unit(self) -> bool:
        return self.kind == self.Kind.UNIT

    @property
    def home_agency(self) -> Agency:
        """The agency this one works for: itself, or for a unit the nearest agency above
        it that is not a unit (a desk inside a desk still works for the department)."""
        agency, seen = self, {self.pk}
        while agency.is_unit and agency.parent_id and agency.parent_id not in seen:
            seen.add(agency.parent_id)
            agency = agency.parent
        return agency

    @property
    def current_successor(self) -> Agency:
        """The agency that carries this one's work today (itself if it still exists)."""
        agency, seen = self, {self.pk}
        while agency.successor_id and agency.successor_id not in seen:
            seen.add(agency.successor_id)
            agency = agency.successor
        return agency


class Role(models.TextChoices):
    DESK_OFFICER = "desk_officer", _("Cán bộ một cửa")
    SPECIALIST = "specialist", _("Chuyên viên")
    LEADER = "leader", _("Lãnh đạo")
    AGENCY_ADMIN = "agency_admin", _("Quản trị cơ quan")
    SUPERVISOR = "supervisor", _("Giám sát")
    # A post-office public-service agent or a community digital team member authorised
    # by the agency to file dossiers on behalf of citizens (assisted filing).
    AGENT = "agent", _("Nhân viên hỗ trợ nộp hồ sơ")


class Membership(models.Model):
    """An officer's role in a unit or agency."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    agency = models.ForeignKey(
        Agency, verbose_name=_("cơ quan, đơn vị"), on_delete=models.PROTECT, related_name="members"
    )
    role = models.CharField(_("vai trò"), max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phân công cán bộ")
        verbose_name_plural = _("phân công cán bộ")
        constraints = [
            models.UniqueConstraint(fields=["user", "agency", "role"], name="membership_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.agency}"
