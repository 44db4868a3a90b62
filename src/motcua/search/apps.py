from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "motcua.search"
    verbose_name = _("Tìm kiếm thủ tục")

    def ready(self) -> None:
        from . import signals

        signals.connect()
        signals.connect_situations()
