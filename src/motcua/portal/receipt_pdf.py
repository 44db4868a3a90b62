"""The receipt as PDF (WeasyPrint), reading local static files only."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.urls import FatalURLFetchingError, URLFetcher

RECEIPT_CSS = "portal/receipt-pdf.css"


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
