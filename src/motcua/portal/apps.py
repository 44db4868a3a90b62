from django.apps import AppConfig
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

    def ready(self):
        use_vietnamese_empty_choice()
