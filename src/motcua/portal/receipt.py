"""The submission receipt (page and PDF) and the public look-up by code and secret."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from motcua.accounts.models import mask_identifier
from motcua.accounts.ratelimit import lookup_wait, too_many_requests
from motcua.dossiers.models import Status

from . import selectors
from .access import citizen_view
from .forms import LookupForm


def receipt_context(request, dossier) -> dict:
    """What the receipt shows: nothing more than the public look-up may show too."""
    expected, estimated = selectors.expected_result_date(dossier)
    return {
        "dossier": dossier,
        "version": dossier.procedure_version,
        "masked_id": mask_identifier(dossier.applicant.identifier),
        "expected": expected,
        "estimated": estimated,
        "components": [
            (component, files) for component, files in selectors.components_with_files(dossier)
        ],
        "lookup_url": public_url(request, reverse("portal:lookup")),
        "printed_at": timezone.now(),
    }


def public_url(request, path: str) -> str:
    base = settings.MOTCUA_PORTAL_PUBLIC_URL
    return base.rstrip("/") + path if base else request.build_absolute_uri(path)


@citizen_view
def receipt(request, applicant, public_id):
    """The receipt of a submitted dossier: code, look-up secret, expected result date."""
    dossier = selectors.dossier_for(applicant, public_id)
    if dossier.status == Status.DRAFT:
        return redirect("portal:apply_review", dossier.public_id)
    return render(request, "portal/receipt.html", receipt_context(request, dossier))


@citizen_view
def receipt_pdf(request, applicant, public_id):
    """The receipt as a PDF to download or print."""
    dossier = selectors.dossier_for(applicant, public_id)
    if dossier.status == Status.DRAFT:
        return redirect("portal:apply_review", dossier.public_id)
    # WeasyPrint is imported only when a PDF is asked for (it is slow to import).
    from .receipt_pdf import render_receipt_pdf

    pdf = render_receipt_pdf(receipt_context(request, dossier))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bien-nhan-{dossier.code}.pdf"'
    return response


@never_cache
def lookup(request):
    """Public look-up: the dossier code and the secret printed on the receipt, both needed.

    A wrong code and a wrong secret give the same answer; the page shows no more than
    the receipt (the applicant's identity number masked) and no notes. Each post counts
    against the look-up limits shared with the API (per client address and per dossier
    code, :func:`motcua.accounts.ratelimit.lookup_wait`): beyond them, 429.
    """
    if request.method == "POST":
        wait = lookup_wait(request, request.POST.get("code", ""))
        if wait is not None:
            return too_many_requests(request, wait)
    form = LookupForm(request.POST or None)
    dossier = None
    if request.method == "POST" and form.is_valid():
        # The cached answer (motcua.portal.lookup_cache), not the dossier's rows.
        dossier = selectors.lookup_answer(form.cleaned_data["code"], form.cleaned_data["secret"])
        if dossier is None:
            form.add_error(
                None,
                _(
                    "Không tìm thấy hồ sơ với mã hồ sơ và mã tra cứu này. Hãy kiểm tra lại "
                    "hai mã in trên biên nhận (mã tra cứu gồm 8 hoặc 12 ký tự chữ và số)."
                ),
            )
    context = {"form": form, "dossier": dossier}
    if dossier is not None:
        context.update(
            {
                "masked_id": dossier.masked_identifier,
                "timeline": dossier.timeline(),
                "expected": dossier.expected_result_date,
                "estimated": dossier.expected_is_estimate,
            }
        )
    return render(request, "portal/lookup.html", context)
