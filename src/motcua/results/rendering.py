"""The result document laid out by WeasyPrint: the template, the QR code, the PDF.

WeasyPrint may read local static files of this app only (no network, no other files),
even from a template an administrator wrote; the QR code is inline SVG made by segno.
"""

from __future__ import annotations

from pathlib import Path

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template import Context, Engine, Template, TemplateSyntaxError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.dateparse import parse_date
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from motcua.agencies.models import Agency
from motcua.catalog import eform
from motcua.lib.pdf import render_pdf

from .exceptions import ResultError
from .pki import province_of

RESULT_CSS = "results/result-pdf.css"
DEFAULT_BODY = "results/pdf/default_body.html"
# e-form field types that make sense on the result (contact details and free text do not).
SHOWN_FIELD_TYPES = {"text", "date", "number", "select"}
# Identity fields the frame prints already from the applicant.
SKIPPED_FIELDS = {"full_name", "personal_id", "tax_code", "business_name"}
PROVINCE_PREFIXES = ("Thành phố ", "Tỉnh ", "TP. ")


def verification_url(token: str, base_url: str | None = None) -> str:
    """The absolute address of a result's verification page (what its QR code holds)."""
    base = (
        getattr(settings, "MOTCUA_PORTAL_PUBLIC_URL", "")
        or base_url
        or settings.MOTCUA_RESULTS_DEFAULT_BASE_URL
    )
    return base.rstrip("/") + reverse("results:verify_token", args=[token])


def qr_svg(url: str) -> str:
    """The QR code of ``url`` as inline SVG, sized by the stylesheet."""
    return segno.make(url, error="m").svg_inline(border=1, omitsize=True, dark="#000")


def place_of(agency: Agency) -> str:
    """Where the document is issued: the agency's province ("Bắc Ninh"), else its name."""
    province = province_of(agency)
    name = province.name if province is not None else agency.name
    for prefix in PROVINCE_PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def header_lines(agency: Agency) -> tuple[str, str]:
    """The two lines of the issuing-agency header: its parent (if any) and itself."""
    parent = agency.parent
    return (parent.name if parent is not None else "", agency.name)


def form_rows(version, form_data: dict) -> list[tuple[str, str]]:
    """(label, value) of the e-form data worth printing on the result."""
    rows = []
    for spec in eform.legacy_fields(version.form_schema):
        if not isinstance(spec, dict) or spec.get("type") not in SHOWN_FIELD_TYPES:
            continue
        if spec.get("name") in SKIPPED_FIELDS:
            continue
        value = form_data.get(spec.get("name"))
        if value in (None, ""):
            continue
        if spec.get("type") == "select":
            value = dict(spec.get("choices") or []).get(value, value)
        elif spec.get("type") == "date":
            value = _day_month_year(value)
        rows.append((str(spec.get("label") or spec.get("name")), str(value)))
    return rows


def _day_month_year(value) -> str:
    try:
        day = parse_date(str(value))
    except ValueError:
        day = None
    return day.strftime("%d/%m/%Y") if day else str(value)


def check_template(body: str) -> None:
    """Raise ResultError (Vietnamese) when ``body`` is not a valid Django template."""
    try:
        Template(body, engine=Engine.get_default())
    except TemplateSyntaxError as error:
        raise ResultError(
            _("Mẫu văn bản có lỗi cú pháp: %(error)s") % {"error": error}, code="template"
        ) from error


def render_body(body: str | None, context: dict) -> str:
    """The body of the result: the procedure's template, or the default one."""
    if not body:
        return render_to_string(DEFAULT_BODY, context)
    check_template(body)
    return Template(body, engine=Engine.get_default()).render(Context(context, autoescape=True))


def html_to_pdf(html: str) -> bytes:
    stylesheet = Path(finders.find(RESULT_CSS))
    return render_pdf(html, folder=stylesheet.parent, stylesheet=stylesheet)


def render_result_pdf(context: dict, body: str | None) -> bytes:
    """The whole result document as PDF: the fixed frame around the procedure's body."""
    full = {**context, "qr_svg": mark_safe(qr_svg(context["verify_url"]))}
    full["body"] = mark_safe(render_body(body, full))
    return html_to_pdf(render_to_string("results/pdf/result.html", full))


def render_stamp_pdf(context: dict) -> bytes:
    """The visible signature put on an uploaded PDF: QR code, signer, time, address."""
    full = {**context, "qr_svg": mark_safe(qr_svg(context["verify_url"]))}
    return html_to_pdf(render_to_string("results/pdf/stamp.html", full))
