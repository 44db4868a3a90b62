"""The submission receipt (page and PDF) and the public look-up by code and secret."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from weasyprint import CSS, HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from motcua.accounts.models import mask_identifier
from motcua.dossiers.models import Status

from . import selectors
from .access import citizen_view
from .forms import LookupForm

RECEIPT_CSS = "portal/receipt-pdf.css"


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


class LocalFilesOnly(URLFetcher):
    """WeasyPrint's fetcher limited to files under ``roots``: no network, no other files."""

    def __init__(self, roots: list[Path]):
        super().__init__(allowed_protocols={"file"}, timeout=2)
        self.roots = [root.resolve() for root in roots]

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme != "file":
            raise FatalURLFetchingError(f"refused URL scheme: {parts.scheme}")
        path = Path(unquote(parts.path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots):
            raise FatalURLFetchingError("refused file outside the static folders")
        return super().fetch(url, headers)


def receipt_document(context: dict):
    """The receipt laid out by WeasyPrint (DejaVu fonts carry the Vietnamese letters)."""
    html = render_to_string("portal/receipt_pdf.html", context)
    stylesheet = Path(finders.find(RECEIPT_CSS))
    fetcher = LocalFilesOnly([stylesheet.parent])
    return HTML(string=html, base_url=str(stylesheet.parent), url_fetcher=fetcher).render(
        stylesheets=[CSS(filename=str(stylesheet), url_fetcher=fetcher)]
    )


def render_receipt_pdf(context: dict) -> bytes:
    """The receipt as PDF bytes."""
    return receipt_document(context).write_pdf()


@citizen_view
def receipt_pdf(request, applicant, public_id):
    """The receipt as a PDF to download or print."""
    dossier = selectors.dossier_for(applicant, public_id)
    if dossier.status == Status.DRAFT:
        return redirect("portal:apply_review", dossier.public_id)
    pdf = render_receipt_pdf(receipt_context(request, dossier))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bien-nhan-{dossier.code}.pdf"'
    return response


@never_cache
def lookup(request):
    """Public look-up: the dossier code and the secret printed on the receipt, both needed.

    A wrong code and a wrong secret give the same answer; the page shows no more than
    the receipt (the applicant's identity number masked) and no notes.
    """
    form = LookupForm(request.POST or None)
    dossier = None
    if request.method == "POST" and form.is_valid():
        dossier = selectors.find_for_lookup(form.cleaned_data["code"], form.cleaned_data["secret"])
        if dossier is None:
            form.add_error(
                None,
                _(
                    "Không tìm thấy hồ sơ với mã hồ sơ và mã tra cứu này. Hãy kiểm tra lại "
                    "hai mã in trên biên nhận (mã tra cứu gồm 8 ký tự chữ và số)."
                ),
            )
    context = {"form": form, "dossier": dossier}
    if dossier is not None:
        expected, estimated = selectors.expected_result_date(dossier)
        context.update(
            {
                "masked_id": mask_identifier(dossier.applicant.identifier),
                "timeline": selectors.timeline(dossier, with_notes=False),
                "expected": expected,
                "estimated": estimated,
            }
        )
    return render(request, "portal/lookup.html", context)
