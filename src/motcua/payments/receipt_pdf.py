"""The electronic receipt (biên lai điện tử) of a paid fee, as PDF (WeasyPrint).

WeasyPrint is imported when a receipt is rendered, not when Django starts; it may read
this app's static stylesheet folder and nothing else (no network, no other files). The
DejaVu fonts installed with the system carry every Vietnamese letter.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

from motcua.lib.pdf import render_document

from .models import Payment
from .words import vnd_in_words

RECEIPT_CSS = "payments/receipt-pdf.css"


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
    html = render_to_string("payments/receipt_pdf.html", receipt_context(payment))
    stylesheet = Path(finders.find(RECEIPT_CSS))
    return render_document(html, folder=stylesheet.parent, stylesheet=stylesheet)


def render_receipt_pdf(payment: Payment) -> bytes:
    """The receipt of a paid ``payment`` as PDF bytes. Raises ValueError if it is not paid."""
    if payment.status != Payment.Status.PAID or not payment.receipt_number:
        raise ValueError("only a paid payment has a receipt")
    return receipt_document(payment).write_pdf()
