"""Reads for the public catalogue pages."""

from __future__ import annotations

from django.db.models import QuerySet

from motcua.catalog.models import Procedure, ProcedureVersion
from motcua.catalog.models import Sector as Sector


def public_versions(*, name: str = "", sector_id: int | None = None) -> QuerySet[ProcedureVersion]:
    """Current published versions, optionally filtered by a name fragment and a sector."""
    qs = (
        ProcedureVersion.objects.filter(
            status=ProcedureVersion.Status.PUBLISHED, procedure__current_version__isnull=False
        )
        .select_related("procedure", "sector")
        .order_by("sector__name", "name")
    )
    if name:
        qs = qs.filter(name__icontains=name.strip())
    if sector_id:
        qs = qs.filter(sector_id=sector_id)
    return qs


def procedure_page(code: str) -> ProcedureVersion | None:
    """The current version of the procedure ``code`` with its components and steps."""
    procedure = (
        Procedure.objects.filter(code=code, current_version__isnull=False)
        .select_related("current_version__sector")
        .first()
    )
    return procedure.current_version if procedure else None
