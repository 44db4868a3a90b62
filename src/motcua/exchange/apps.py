from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "motcua.exchange"
    verbose_name = _("Trao đổi hồ sơ giữa các hệ thống")

    def ready(self) -> None:
        from . import (
            receivers,  # noqa: F401 (connects the dossier_event listener)
            sync,
        )

        sync.connect_signals(self)  # the peers declared in the settings, after migrate
