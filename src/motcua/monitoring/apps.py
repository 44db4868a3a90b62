from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    """Monitoring."""

    name = "motcua.monitoring"
    verbose_name = _("Đo lường, đánh giá")

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (connects the dossier_event receiver)
