from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgenciesConfig(AppConfig):
    name = "motcua.agencies"
    verbose_name = _("Cơ quan, đơn vị")

    def ready(self) -> None:
        from motcua.lib import refcache

        from .models import Agency

        # Agencies feed memoised reference data (a version's receiving agencies, the
        # e-form's province and commune lists): any change invalidates it everywhere.
        refcache.watch(Agency)
