from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistedConfig(AppConfig):
    """Assisted filing: agents file online dossiers for citizens (docs/ASSISTED.md)."""

    name = "motcua.assisted"
    verbose_name = _("Hỗ trợ nộp hồ sơ")
