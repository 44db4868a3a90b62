from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistrysimConfig(AppConfig):
    """Registry simulator."""

    name = "motcua.registrysim"
    verbose_name = _("Mô phỏng cơ sở dữ liệu quốc gia")
