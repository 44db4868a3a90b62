from django.apps import AppConfig, apps
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "motcua.portal"
    verbose_name = _("Cổng dịch vụ công")

    def ready(self) -> None:
        from motcua.dossiers.signals import dossier_event

        from .lookup_cache import forget
        from .page_cache import catalogue_changed

        # The cached look-up answer goes when its dossier changes.
        dossier_event.connect(forget, dispatch_uid="portal.lookup_cache.forget")
        # The cached procedure pages go when anything in the catalogue is written.
        for model in apps.get_app_config("catalog").get_models():
            uid = f"portal.page_cache.{model._meta.label_lower}"
            post_save.connect(catalogue_changed, sender=model, dispatch_uid=uid + ".save")
            post_delete.connect(catalogue_changed, sender=model, dispatch_uid=uid + ".delete")
