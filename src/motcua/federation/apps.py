import logging

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


def _sync_declared_sources(sender, using="default", **kwargs) -> None:
    """After ``migrate``: write the sources declared in MOTCUA_FEDERATION_SOURCES."""
    from django.conf import settings

    from . import services

    if not settings.MOTCUA_FEDERATION_SOURCES.strip() or using != "default":
        return
    try:
        services.sync_sources()
    except ValueError as error:
        logger.error("MOTCUA_FEDERATION_SOURCES not applied: %s", error)


class FederationConfig(AppConfig):
    name = "motcua.federation"
    verbose_name = _("Tổng hợp toàn quốc")

    def ready(self) -> None:
        post_migrate.connect(_sync_declared_sources, sender=self)
