"""The electronic receipt (biên lai điện tử) of a paid fee, as PDF (WeasyPrint).

WeasyPrint is imported when a receipt is rendered, not when Django starts; it may read
this app's static stylesheet folder and nothing else (no network, no other files). The
DejaVu fonts installed with the system carry every Vietnamese letter.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Payment
from .words import vnd_in_words

RECEIPT_CSS = "payments/receipt-pdf.css"


def _local_files_only(roots: list[Path]):
    """WeasyPrint's URL fetcher limited to files under ``roots``."""
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    class LocalFilesOnly(URLFetcher):
        def __init__(self):
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

    return LocalFilesOnly()


def receipt_context(payment: Payment) -> dict:
    dossier = payment.dossier
    version = dossier.procedure_version
    return {
        "payment": payment,
        "dossier": dossier,
        "agency": dossier.agency,
        "applicant": dossier.applicant,
        "procedure_code": version.procedure.code,
        "procedure_name": version.name,
        "amount_words": vnd_in_words(payment.amount_vnd),
        "paid_at": timezone.localtime(payment.paid_at),
        "printed_at": timezone.localtime(),
    }


def receipt_document(payment: Payment):
    """The receipt laid out by WeasyPrint (a ``weasyprint.Document``)."""
    from weasyprint import CSS, HTML

    html = render_to_string("payments/receipt_pdf.html", receipt_context(payment))
    stylesheet = Path(finders.find(RECEIPT_CSS))
    fetcher = _local_files_only([stylesheet.parent])
    return HTML(string=html, base_url=str(stylesheet.parent), url_fetcher=fetcher).render(
        stylesheets=[CSS(filename=str(stylesheet), url_fetcher=fetcher)]
    )


def render_receipt_pdf(payment: Payment) -> bytes:
    """The receipt of a paid ``payment`` as PDF bytes. Raises ValueError if it is not paid."""
    if payment.status != Payment.Status.PAID or not payment.receipt_number:
        raise ValueError("only a paid payment has a receipt")
    return receipt_document(payment).write_pdf()
