from importlib.util import find_spec

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "motcua.exchange"
    verbose_name = _("Trao đổi hồ sơ giữa các hệ thống")

    def ready(self) -> None:
        # Minimal ready() of the transport half; the domain half (helper "xdom") owns it.
        from . import sync

        sync.connect_signals(self)
        if find_spec("motcua.exchange.receivers") is not None:
            from . import receivers  # noqa: F401  (connects the dossier_event receiver)
