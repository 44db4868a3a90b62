from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistriesConfig(AppConfig):
    """Registry connectors."""

    name = "motcua.registries"
    verbose_name = _("Kết nối cơ sở dữ liệu quốc gia")
