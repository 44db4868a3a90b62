from django.apps import AppConfig, apps
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

# The empty choice of every select list, instead of Django's "---------".
EMPTY_CHOICE_LABEL = _("— Chọn —")


def use_vietnamese_empty_choice() -> None:
    """Replace Django's "---------" placeholder by "— Chọn —" in every select list: the
    blank choice of model fields with choices (``BLANK_CHOICE_DASH``, a list shared by
    reference) and the default ``empty_label`` of ``ModelChoiceField`` (foreign keys in
    model forms and the admin). Forms that give their own label keep it."""
    from django.db.models import fields
    from django.forms import models as form_models

    fields.BLANK_CHOICE_DASH[:] = [("", EMPTY_CHOICE_LABEL)]
    defaults = form_models.ModelChoiceField.__init__.__kwdefaults__
    if defaults and defaults.get("empty_label") == "---------":
        defaults["empty_label"] = EMPTY_CHOICE_LABEL


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
        use_vietnamese_empty_choice()
