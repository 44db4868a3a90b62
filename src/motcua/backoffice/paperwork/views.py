"""The forms' pages: one form of a dossier as PDF, and the one-stop register (page, Excel,
PDF). Scoped like the dossier page: a dossier of another agency is a 404."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from motcua.lib.xlsx import XLSX_TYPE

from .. import scope
from ..views import officer_required
from . import documents, register
from .rendering import render_form


def _pdf_response(pdf: bytes, filename: str, *, download: bool = False) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = "attachment" if download else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _not_applicable(request, dossier, message: str, form=None):
    return render(
        request,
        "backoffice/paperwork/not_applicable.html",
        {"dossier": dossier, "message": message, "form": form},
        status=404,
    )


@officer_required
def form_pdf(request, public_id, form_number: str):
    """Form ``form_number`` (01–06) of the dossier, printable; 404 with the reason when the
    form does not apply to the dossier's state."""
    dossier = scope.get_dossier_for(request.user, public_id)
    form = documents.FORMS.get(form_number)
    if form is None:
        return _not_applicable(
            request, dossier, _("Không có biểu mẫu số %(n)s cho hồ sơ.") % {"n": form_number[:4]}
        )
    try:
        context = documents.context_for(form, dossier)
    except documents.NotApplicable as refusal:
        return _not_applicable(request, dossier, refusal.message, form)
    return _pdf_response(render_form(form.template, context), form.filename(dossier))


@officer_required
def register_page(request):
    """Form 07: the register of the dossiers received, filtered; ``?format=xlsx`` or
    ``?format=pdf`` gives every matching line as Excel or PDF."""
    filters = register.RegisterFilter(request.user, request.GET or None)
    if filters.is_bound and not filters.is_valid():
        return render(
            request,
            "backoffice/paperwork/register.html",
            {"filters": filters, "page": None, "columns": register.COLUMNS},
            status=400,
        )
    dossiers = register.register_queryset(request.user, filters)
    description = filters.describe()
    stamp = timezone.localdate().strftime("%Y%m%d")
    output = request.GET.get("format", "")
    if output == "xlsx":
        response = HttpResponse(
            register.workbook_bytes(dossiers, description), content_type=XLSX_TYPE
        )
        response["Content-Disposition"] = f'attachment; filename="so-theo-doi-ho-so-{stamp}.xlsx"'
        return response
    if output == "pdf":
        pdf = register.pdf_bytes(dossiers, description, register.register_agency(filters))
        return _pdf_response(pdf, f"so-theo-doi-ho-so-{stamp}.pdf")
    page = Paginator(dossiers, register.PAGE_SIZE).get_page(request.GET.get("trang"))
    params = {k: v for k, v in request.GET.items() if k not in ("trang", "format") and v}
    return render(
        request,
        "backoffice/paperwork/register.html",
        {
            "filters": filters,
            "page": page,
            "rows": register.rows(page.object_list, start=page.start_index() or 1),
            "columns": register.COLUMNS,
            "description": description,
            "query": urlencode(params),
        },
    )
