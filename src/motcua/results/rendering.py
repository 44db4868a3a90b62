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
from django.template.loader import render_to_string, select_template
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.agencies.models import Agency
from motcua.lib.pdf import render_pdf

from .exceptions import ResultError
from .pki import province_of

RESULT_CSS = "results/result-pdf.css"
DEFAULT_BODY = "results/pdf/default_body.html"
# Where a procedure's result body may live as a file: results/bodies/<PROCEDURE_CODE>.html.
BODIES_FOLDER = "results/bodies"
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


PEOPLES_COMMITTEE_CHAIR = gettext_lazy("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH")
SIGNER_TITLES = {
    Agency.Kind.COMMUNE: PEOPLES_COMMITTEE_CHAIR,
    Agency.Kind.PROVINCE: PEOPLES_COMMITTEE_CHAIR,
    Agency.Kind.CITY: PEOPLES_COMMITTEE_CHAIR,
    Agency.Kind.DEPARTMENT: gettext_lazy("GIÁM ĐỐC"),
    Agency.Kind.MINISTRY: gettext_lazy("BỘ TRƯỞNG"),
}
HEAD_OF_AGENCY = gettext_lazy("THỦ TRƯỞNG CƠ QUAN")


def signer_title_lines(agency: Agency, title: str = "") -> list[str]:
    """The signer's title block ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"): the procedure's
    template says it when it can, else the kind of agency that issues the result."""
    text = title.strip() or str(SIGNER_TITLES.get(agency.home_agency.kind, HEAD_OF_AGENCY))
    return [line.strip().upper() for line in text.splitlines() if line.strip()]


def check_template(body: str) -> None:
    """Raise ResultError (Vietnamese) when ``body`` is not a valid Django template."""
    try:
        Template(body, engine=Engine.get_default())
    except TemplateSyntaxError as error:
        raise ResultError(
            _("Mẫu văn bản có lỗi cú pháp: %(error)s") % {"error": error}, code="template"
        ) from error


def body_template(procedure_code: str):
    """The file body of a procedure's result (``results/bodies/<CODE>.html``), else the
    default body that prints the form by sections."""
    return select_template([f"{BODIES_FOLDER}/{procedure_code}.html", DEFAULT_BODY])


def render_body(body: str | None, context: dict) -> str:
    """The body of the result, the first that exists of: the procedure's template written
    in the admin (``body``), its file template, the default body."""
    if not body:
        code = context["procedure"].code if context.get("procedure") is not None else ""
        return body_template(code).render(context)
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
