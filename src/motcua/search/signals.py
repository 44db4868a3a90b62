"""Drop the search index in this process as soon as the catalogue or the lexicon changes."""

from django.db.models.signals import m2m_changed, post_delete, post_save

from motcua.catalog.models import Procedure, ProcedureComponent, ProcedureVersion, Sector

from .models import LexiconEntry
from .selectors import invalidate


def _changed(sender, **kwargs):
    invalidate()


def connect() -> None:
    for model in (Procedure, ProcedureVersion, ProcedureComponent, Sector, LexiconEntry):
        post_save.connect(_changed, sender=model, dispatch_uid=f"search-{model.__name__}-save")
        post_delete.connect(_changed, sender=model, dispatch_uid=f"search-{model.__name__}-del")
    m2m_changed.connect(
        _changed, sender=ProcedureVersion.agencies.through, dispatch_uid="search-agencies"
    )


def _situations_changed(sender, **kwargs):
    from . import situations

    situations.invalidate()


def connect_situations() -> None:
    from .models import Situation, SituationStep

    for model in (Situation, SituationStep, LexiconEntry):
        post_save.connect(
            _situations_changed, sender=model, dispatch_uid=f"situations-{model.__name__}-save"
        )
        post_delete.connect(
            _situations_changed, sender=model, dispatch_uid=f"situations-{model.__name__}-del"
        )
