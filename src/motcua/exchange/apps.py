from importlib import util

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "motcua.exchange"
    verbose_name = _("Trao đổi hồ sơ giữa các hệ thống")

    def ready(self):
        from . import receivers  # noqa: F401 (connects the dossier_event listener)

        # The peers declared in the settings (the transport's sync module), if present.
        if util.find_spec("motcua.exchange.sync") is not None:
            from . import sync

            connect = getattr(sync, "connect_signals", None)
            if connect is not None:
                connect(self)
