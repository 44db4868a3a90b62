from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render

from . import selectors


def home(request):
    """The public catalogue: procedures by sector, with a name filter."""
    name = request.GET.get("q", "")[:100]
    try:
        sector_id = int(request.GET.get("linh_vuc") or 0) or None
    except ValueError:
        sector_id = None
    page = Paginator(selectors.public_versions(name=name, sector_id=sector_id), 20).get_page(
        request.GET.get("trang")
    )
    return render(
        request,
        "portal/home.html",
        {
            "page": page,
            "q": name,
            "sector_id": sector_id,
            "sectors": selectors.Sector.objects.order_by("name"),
        },
    )


def procedure_detail(request, code: str):
    version = selectors.procedure_page(code)
    if version is None:
        raise Http404
    return render(
        request,
        "portal/procedure_detail.html",
        {"version": version, "components": version.components.all(), "steps": version.steps.all()},
    )
