"""Reads of the API that no other app already offers: the catalogue's pages."""

from __future__ import annotations

from django.db.models import prefetch_related_objects

from motcua.catalog import selectors as catalog
from motcua.catalog.models import ProcedureVersion
from motcua.portal import selectors as portal
from motcua.search import selectors as search

from . import pagination


def procedures_page(
    *, q: str, sector: int | None, level: str | None, limit: int, cursor: str | None
) -> tuple[pagination.Page, dict[str, str]]:
    """A page of published procedures and the query's typo corrections.

    With ``q``, the search app's ranking (folding, lexicon, typos); without, by sector
    and name. Raises ApiError for a bad or too deep cursor.
    """
    corrections: dict[str, str] = {}
    q = (q or "").strip()
    if q:

        def items_for(offset: int, count: int) -> list[ProcedureVersion]:
            result = search.search(q, limit=offset + count, sector=sector, level=level)
            corrections.update(result.corrections)
            ids = [hit.version_id for hit in result.hits[offset : offset + count]]
            found = ProcedureVersion.objects.select_related("procedure", "sector").in_bulk(ids)
            return [found[i] for i in ids if i in found]

    else:
        versions = portal.public_versions(sector_id=sector)
        if level:
            versions = versions.filter(level=level)
        versions = versions.order_by("sector__name", "name", "pk")

        def items_for(offset: int, count: int) -> list[ProcedureVersion]:
            return list(versions[offset : offset + count])

    page = pagination.offset_page(items_for, limit, cursor, "procedures")
    return page, corrections


def procedure(code: str, *, components: bool = True) -> ProcedureVersion | None:
    """The version in force of the published procedure ``code`` (with its components
    unless ``components=False``: a new draft does not show them)."""
    found = catalog.procedure_by_code(code)
    if found is None:
        return None
    # The version and its sector came with the procedure (one query): not read again.
    version = found.current_version
    version.procedure = found
    if components:
        prefetch_related_objects([version], "components")
    return version


def sectors():
    """Sectors with published procedures, by name."""
    return catalog.sectors_with_counts()
