"""Read-only queries on the catalogue (what the portal and the back office list)."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from .models import Procedure, ProcedureVersion, Sector


def published_procedures() -> QuerySet[Procedure]:
    """Procedures whose current version is published, with that version and its sector."""
    return (
        Procedure.objects.filter(current_version__status=ProcedureVersion.Status.PUBLISHED)
        .select_related("current_version", "current_version__sector")
        .order_by("code")
    )


def procedure_by_code(code: str) -> Procedure | None:
    """The published procedure with this code, or None (drafts-only procedures are hidden)."""
    return published_procedures().filter(code=code).first()


def sectors_with_counts() -> QuerySet[Sector]:
    """Sectors that have published procedures, each with ``procedure_count``, by name."""
    published = Q(procedureversion__status=ProcedureVersion.Status.PUBLISHED)
    return (
        Sector.objects.annotate(
            procedure_count=Count("procedureversion__procedure", filter=published, distinct=True)
        )
        .filter(procedure_count__gt=0)
        .order_by("name")
    )
