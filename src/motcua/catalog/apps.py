from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _catalogue_migrated(sender, **kwargs) -> None:
    """A migration may rewrite catalogue rows with ``.update()``: forget the memo."""
    from motcua.lib import refcache

    refcache.bump()


class CatalogConfig(AppConfig):
    name = "motcua.catalog"
    verbose_name = _("Danh mục thủ tục hành chính")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from motcua.lib import refcache

        from .models import FeeRule, Procedure, ProcedureComponent, ProcedureVersion, Sector

        # The per-process memo of procedures, versions (and their receiving agencies),
        # components, sectors and fee rules (catalog.selectors, catalog.fees) is
        # invalidated in every process by any change to these rows.
        refcache.watch(Procedure, ProcedureVersion, ProcedureComponent, FeeRule, Sector)
        post_migrate.connect(_catalogue_migrated, sender=self, dispatch_uid="catalog:refcache")
