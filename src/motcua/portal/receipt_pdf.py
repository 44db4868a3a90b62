"""The receipt as PDF (WeasyPrint), reading local static files only."""

from __future__ import annotations

from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from motcua.lib.pdf import render_document

RECEIPT_CSS = "portal/receipt-pdf.css"


def receipt_document(context: dict):
    """The receipt laid out by WeasyPrint (DejaVu fonts carry the Vietnamese letters)."""
    html = render_to_string("portal/receipt_pdf.html", context)
    stylesheet = Path(finders.find(RECEIPT_CSS))
    return render_document(html, folder=stylesheet.parent, stylesheet=stylesheet)


def render_receipt_pdf(context: dict) -> bytes:
    """The receipt as PDF bytes."""
    return receipt_document(context).write_pdf()
