from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "motcua.events"
    verbose_name = _("Sự kiện và webhook")
