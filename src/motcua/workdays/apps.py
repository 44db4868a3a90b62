from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkdaysConfig(AppConfig):
    name = "motcua.workdays"
    verbose_name = _("Lịch ngày làm việc")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed

        from . import signals

        m2m_changed.connect(
            signals.record_calendar_managers,
            sender=get_user_model().groups.through,
            dispatch_uid="workdays.record_calendar_managers",
        )
