"""The forms as PDF: each form's template laid out by WeasyPrint through
``motcua.lib.pdf`` (local static files only), with the forms' one stylesheet."""

from __future__ import annotations

from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from motcua.lib.pdf import render_pdf

STYLESHEET = "backoffice/paperwork-pdf.css"


def html_to_pdf(html: str) -> bytes:
    stylesheet = Path(finders.find(STYLESHEET))
    return render_pdf(html, folder=stylesheet.parent, stylesheet=stylesheet)


def render_form(template: str, context: dict) -> bytes:
    """``template`` rendered with ``context``, as PDF bytes."""
    return html_to_pdf(render_to_string(template, context))
