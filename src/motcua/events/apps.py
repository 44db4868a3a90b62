import logging

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


def _sync_declared_subscribers(sender, using="default", **kwargs) -> None:
    """After ``migrate``: write the subscribers declared in MOTCUA_EVENTS_SUBSCRIBERS."""
    from django.conf import settings

    from . import services

    if not settings.MOTCUA_EVENTS_SUBSCRIBERS.strip() or using != "default":
        return
    try:
        services.sync_subscribers()
    except ValueError as error:
        logger.error("MOTCUA_EVENTS_SUBSCRIBERS not applied: %s", error)


class EventsConfig(AppConfig):
    name = "motcua.events"
    verbose_name = _("Sự kiện và webhook")

    def ready(self) -> None:
        from motcua.lib import refcache

        from . import receivers  # noqa: F401  (connects the dossier_event receiver)
        from .models import Subscriber

        # The active subscribers are memoised per process (services.active_subscribers).
        refcache.watch(Subscriber)

        post_migrate.connect(_sync_declared_subscribers, sender=self)
