"""Reports: the JSON of every indicator for every agency, the monthly PDF, and its sending."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.agencies.models import Agency, Membership, Role
from motcua.lib.pdf import render_pdf

from .dashboards import Links, overview
from .indicators import Figures
from .models import ReportDispatch
from .national import formulas
from .national.formulas import GRADE_SCALE_LABEL
from .periods import Period, last_month
from .plans import agencies_without_plan
from .scope import home_agency
from .selectors import Context, Filters, figures_for

log = logging.getLogger(__name__)
# The only local files a report may read (none today: SVG is inline, fonts are the system's).
REPORT_DIR = Path(__file__).resolve().parent / "templates" / "monitoring"


def _rounded(value):
    return round(value, 4) if isinstance(value, float) else value


def _entry(code: str | None, name: str, kind: str, parent: str | None, fig: Figures) -> dict:
    data = fig.as_dict()
    counts = data.pop("counts")
    return {
        "code": code,
        "name": name,
        "kind": kind,
        "parent": parent,
        "graded": fig.graded,
        "indicators": {k: _rounded(v) for k, v in data.items()},
        "counts": counts,
        "national": fig.national().as_dict(),
    }


def kpi_report(
    period: Period,
    *,
    root: Agency | None = None,
    now: dt.datetime | None = None,
    formula: str = "",
) -> dict:
    """Every indicator for the whole system (or ``root``) and every current agency below it.

    Merged agencies do not appear: their figures are in their successors'. Units (one-stop
    desks, offices inside an agency) count with the agency they belong to.
    """
    ctx = Context()
    tree = ctx.tree
    top = tree.chain(root.pk)[0] if root is not None else None
    members = tree.members(top)
    nodes = [
        pk
        for pk, row in tree.rows.items()
        if tree.is_current(pk)
        and row.kind != Agency.Kind.UNIT
        and (members is None or pk in members)
    ]
    nodes.sort(key=lambda pk: (len(tree.chain(pk)), tree.rows[pk].name))
    figures = figures_for([top, *nodes], period, ctx=ctx, formula=formula)
    version = figures[top].national().version

    def code(pk):
        return tree.rows[pk].code if pk is not None else None

    def parent(pk):
        chain = tree.chain(pk)
        return code(chain[1]) if len(chain) > 1 else None

    return {
        "period": period.key,
        "label": period.label,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "generated_at": (now or timezone.now()).isoformat(),
        "formula_version": version.code,
        "formula_name": str(version.name),
        "min_dossiers": settings.MOTCUA_KPI_MIN_DOSSIERS,
        "grade_scale": {
            "label": str(GRADE_SCALE_LABEL),
            "grades": [[g, m] for g, m in formulas.grades()],
        },
        "total": _entry(
            code(top), tree.name(top), tree.rows[top].kind if top else "", None, figures[top]
        ),
        "agencies": [
            _entry(code(pk), tree.rows[pk].name, tree.rows[pk].kind, parent(pk), figures[pk])
            for pk in nodes
        ],
    }


# --- The monthly report (PDF) -------------------------------------------------------


def report_context(
    node: int | None, period: Period, ctx: Context | None = None, *, formula: str = ""
) -> dict:
    ctx = ctx or Context()
    links = Links(period, Filters(), public=True, agency_codes={}, formula=formula)
    data = overview(node, period, ctx=ctx, links=links, formula=formula)
    return {
        "overview": data,
        "missing_plans": agencies_without_plan(period.end.year, node, ctx),
        "generated_at": timezone.localtime(),
        "grade_scale_label": GRADE_SCALE_LABEL,
    }


def monthly_pdf(
    node: int | None, period: Period, ctx: Context | None = None, *, formula: str = ""
) -> bytes:
    """The monthly report of ``node`` in the national format (seed 001: tình hình cung
    cấp DVCTT) as a PDF (``national/report.py``)."""
    from .national.report import monthly_report, report_pdf

    return report_pdf(monthly_report(node, period, ctx, formula=formula))


def overview_pdf(
    node: int | None, period: Period, ctx: Context | None = None, *, formula: str = ""
) -> bytes:
    """The dashboard of ``node`` (indicators, 12-month charts, ranking) as a PDF (fonts
    from the system, nothing fetched)."""
    html = render_to_string(
        "monitoring/report_pdf.html", report_context(node, period, ctx, formula=formula)
    )
    # data: URLs are allowed; a refused resource is left out of the report, not fatal.
    return render_pdf(html, folder=REPORT_DIR, allow_data=True, strict=False)


def send_monthly_reports(period: Period | None = None) -> tuple[int, int]:
    """Email each supervisor the monthly report of the agency they supervise, once.

    Meant to run early each month (cron: ``motcua send_monthly_reports``); a re-run
    sends only what was not sent yet. Returns (sent, skipped for lack of an address).
    """
    period = period or last_month()
    ctx = Context()
    sent = skipped = 0
    memberships = (
        Membership.objects.filter(role=Role.SUPERVISOR, user__is_active=True)
        .select_related("user", "agency__parent")
        .order_by("pk")
    )
    already_sent = set(
        ReportDispatch.objects.filter(period=period.key).values_list("user_id", "agency_id")
    )
    pdfs: dict[int, bytes] = {}  # one report per agency, whoever receives it
    for membership in memberships:
        user = membership.user
        agency = home_agency(membership.agency)
        node = ctx.tree.chain(agency.pk)[0]
        if (user.pk, node) in already_sent:
            continue
        if not user.email:
            log.warning("monthly report: supervisor id=%s has no email address", user.pk)
            skipped += 1
            continue
        if node not in pdfs:
            pdfs[node] = monthly_pdf(node, period, ctx)
        pdf = pdfs[node]
        name = ctx.tree.name(node)
        message = EmailMessage(
            subject=_("Báo cáo tháng %(period)s – %(name)s")
            % {"period": period.label.lower(), "name": name},
            body=_(
                "Kính gửi %(user)s,\n\nĐính kèm là báo cáo kết quả cung cấp, sử dụng dịch vụ "
                "công trực tuyến và giải quyết thủ tục hành chính của %(name)s, %(period)s.\n\n"
                "Số liệu chi tiết, xếp hạng và danh sách hồ sơ: mục Giám sát của hệ thống MotCua."
            )
            % {"user": str(user), "name": name, "period": period.label.lower()},
            from_email=settings.MOTCUA_REPORT_FROM_EMAIL,
            to=[user.email],
        )
        message.attach(f"bao-cao-{period.key}.pdf", pdf, "application/pdf")
        try:
            with transaction.atomic():
                ReportDispatch.objects.create(
                    period=period.key, user=user, agency_id=node, sent_at=timezone.now()
                )
                message.send()
        except IntegrityError:  # another run sent it meanwhile
            continue
        already_sent.add((user.pk, node))
        sent += 1
    return sent, skipped
