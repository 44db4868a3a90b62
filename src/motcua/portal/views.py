from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import render

from motcua.catalog import eform
from motcua.catalog.fees import quote
from motcua.catalog.models import AuthorityLevel, ProcedureVersion
from motcua.search import assistant
from motcua.search.folding import fold
from motcua.search.selectors import search

from . import selectors


def _int_param(request, name: str) -> int | None:
    try:
        return int(request.GET.get(name) or 0) or None
    except ValueError:
        return None


def _versions_for(hits) -> list[ProcedureVersion]:
    """The versions of ``hits``, in the hits' order."""
    by_id = ProcedureVersion.objects.select_related("procedure", "sector").in_bulk(
        [h.version_id for h in hits]
    )
    return [by_id[h.version_id] for h in hits if h.version_id in by_id]


def home(request):
    """The public catalogue: procedures by sector, with a name filter."""
    name = request.GET.get("q", "")[:100]
    sector_id = _int_param(request, "linh_vuc")
    agency_id = _int_param(request, "co_quan")
    if name.strip():
        # Citizens' words, not official names: the search, best match first.
        # The home page filters by name: keep hits whose name has a matched word
        # (after lexicon expansion), not those found only in documents or results.
        hits = search(name, limit=50, sector=sector_id, agency=agency_id).hits
        versions = _versions_for(
            [h for h in hits if set(h.matched_terms) & set(fold(h.name).split())]
        )
    else:
        versions = selectors.public_versions(sector_id=sector_id, agency_id=agency_id)
    page = Paginator(versions, 20).get_page(request.GET.get("trang"))
    return render(
        request,
        "portal/home.html",
        {
            "page": page,
            "q": name,
            "sector_id": sector_id,
            "sectors": selectors.Sector.objects.order_by("name"),
            "agency_id": agency_id,
            "agencies": selectors.browsable_agencies(),
        },
    )


def procedure_detail(request, code: str):
    version = selectors.procedure_page(code)
    if version is None:
        raise Http404
    return render(
        request,
        "portal/procedure_detail.html",
        {
            "version": version,
            "fee": quote(version),
            "components": version.components.all(),
            "replaced": set(eform.replaced_components(eform.upgrade(version.form_schema))),
            "steps": version.steps.all(),
        },
    )


def search_results(request):
    """The search results page: the citizen's words, filtered by sector and level."""
    q = request.GET.get("q", "")[:200]
    sector_id = _int_param(request, "linh_vuc")
    level = request.GET.get("cap") or None
    if level not in AuthorityLevel.values:
        level = None
    result = search(q, limit=20, sector=sector_id, level=level)
    return render(
        request,
        "portal/search.html",
        {
            "q": q,
            "sector_id": sector_id,
            "level": level,
            "levels": AuthorityLevel.choices,
            "sectors": selectors.Sector.objects.order_by("name"),
            "versions": _versions_for(result.hits),
            "suggestions": result.suggestions,
        },
    )


def assistant_page(request):
    """The virtual assistant: a question in the citizen's words, an answer panel."""
    q = request.GET.get("q", "")
    reply = assistant.answer(q) if q.strip() else None
    return render(request, "portal/assistant.html", {"q": q, "reply": reply})


def assistant_api(request):
    """The assistant's answer as JSON (same content as the page)."""
    return JsonResponse(
        assistant.answer(request.GET.get("q", "")), json_dumps_params={"ensure_ascii": False}
    )
