from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """Notifications."""

    name = "motcua.notifications"
    verbose_name = _("Thông báo")

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (connects the signal receivers)
