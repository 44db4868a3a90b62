"""The procedure catalogue (public: no sign-in)."""

from __future__ import annotations

from typing import Annotated

from ninja import Path, Query, Router

from .. import presenters, selectors
from ..errors import errors, not_found
from ..pagination import DEFAULT_LIMIT, MAX_LIMIT
from ..schemas import LevelCode, ProcedureDetail, ProcedureFormOut, ProcedureList, SectorOut

router = Router(tags=["Thủ tục hành chính"])


@router.get(
    "/procedures",
    response={200: ProcedureList, **errors(400, 422)},
    summary="List or search procedures",
    auth=None,
)
def list_procedures(
    request,
    q: Annotated[str, Query("", max_length=200, description="words to search, typos allowed")],
    sector: Annotated[int | None, Query(None, ge=1, le=2_147_483_647, description="sector id")],
    level: Annotated[LevelCode | None, Query(None, description="commune, province or ministry")],
    limit: Annotated[int, Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)],
    cursor: Annotated[
        str | None, Query(None, max_length=500, description="`next` of the previous page")
    ],
):
    """Published procedures, best matches first when `q` is given (accents optional)."""
    page, corrections = selectors.procedures_page(
        q=q, sector=sector, level=level, limit=limit, cursor=cursor
    )
    return {
        "items": [presenters.procedure_summary(v) for v in page.items],
        "next": page.next,
        "corrections": corrections,
    }


@router.get(
    "/procedures/{code}",
    response={200: ProcedureDetail, **errors(404, 422)},
    summary="One procedure: components, fee, e-form, agencies",
    auth=None,
)
def get_procedure(request, code: Annotated[str, Path(..., max_length=40)]):
    """The version in force: its components, fees (counter and online), processing days,
    service level, the e-form to fill and the agencies that take online dossiers."""
    version = selectors.procedure(code)
    if version is None:
        raise not_found()
    return presenters.procedure_detail(version)


@router.get(
    "/procedures/{code}/form",
    response={200: ProcedureFormOut, **errors(404, 422)},
    summary="The e-form of a procedure: definition and JSON Schema",
    auth=None,
    by_alias=True,
)
def get_procedure_form(request, code: Annotated[str, Path(..., max_length=40)]):
    """The e-form of the version in force (format `motcua-eform/2`, docs/EFORMS.md) and
    the JSON Schema (draft 2020-12) of its data. Validate data with any JSON Schema
    library; the cross-field rules are listed in `x-motcua-rules`. The citizen endpoints
    check dossier data with the same rules and the same messages as the portal."""
    version = selectors.procedure(code)
    if version is None:
        raise not_found()
    return presenters.procedure_form(version)


@router.get("/sectors", response={200: list[SectorOut]}, summary="Sectors (lĩnh vực)", auth=None)
def list_sectors(request):
    """Sectors that have published procedures (the `sector` filter of the list)."""
    return [{"id": s.pk, "name": s.name} for s in selectors.sectors()]
