"""Yearly changes to the working-day calendar that the government decides each year."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarOverride(models.Model):
    """A date an administrator turns into a day off or a (make-up) working day.

    The statutory holidays (including Tết and Hùng Kings' day from the Vietnamese
    lunar calendar) come from the ``holidays`` library; these rows sit on top of it.
    """

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Ngày nghỉ")
        WORKING_DAY = "working_day", _("Ngày làm việc bù")

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=12, choices=Kind.choices)
    reason = models.CharField(_("căn cứ, lý do"), max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ngày nghỉ/làm bù theo quyết định")
        verbose_name_plural = _("ngày nghỉ/làm bù theo quyết định")
        ordering = ["date"]
        # The calendar is nationwide: every deadline moves with it. Only the national
        # calendar managers (workdays.services.calendar_manager_group) hold this.
        permissions = [("manage_calendar", _("Quản lý lịch ngày làm việc toàn quốc"))]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} – {self.get_kind_display()}"
