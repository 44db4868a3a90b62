from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatastoreConfig(AppConfig):
    """Personal data store."""

    name = "motcua.datastore"
    verbose_name = _("Kho dữ liệu cá nhân")

    def ready(self) -> None:
        from . import receivers  # noqa: F401  (connects the signal receivers)
