from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdpConfig(AppConfig):
    """Demo identity provider."""

    name = "motcua.idp"
    verbose_name = _("Nhà cung cấp định danh (mô phỏng)")
