"""Thin views: parse the request, check access (``scope``), call dashboards/selectors, render."""

from __future__ import annotations

import json
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.agencies.models import Agency
from motcua.catalog.models import AuthorityLevel, ServiceLevel
from motcua.postal.selectors import delivered_by_post

from . import exports
from .dashboards import (
    COUNT_LABELS,
    DOSSIER_MEASURES,
    PROCEDURE_MEASURES,
    Links,
    overview,
    ranking_table,
    sort_and_filter,
)
from .forms import FilterForm
from .national import formulas
from .national import report as national_report
from .periods import Period, PeriodError, parse
from .plans import agencies_without_plan
from .reports import monthly_pdf, overview_pdf
from .scope import Access, access_of
from .selectors import (
    Context,
    Filters,
    dossier_page,
    facts_behind,
    national_targets,
    procedures_behind,
    ranking,
)
from .tables import Column, Table


def forbidden(request, message: str):
    return render(request, "monitoring/forbidden.html", {"message": message}, status=403)


def officer_view(view):
    """Signed-in officers only; the view gets ``ctx`` and ``access``."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        ctx = Context()
        access = access_of(request.user, ctx.tree)
        if not access.is_officer:
            return forbidden(
                request,
                _(
                    "Tài khoản của bạn chưa được phân công vào cơ quan nào nên chưa xem được "
                    "số liệu giám sát. Số liệu công khai có tại trang Công khai kết quả."
                ),
            )
        return view(request, ctx, access, *args, **kwargs)

    return wrapped


class RequestParams:
    """The common query parameters: agency, period, sector, level."""

    def __init__(self, request, ctx: Context, default_node, default_period: Period | None = None):
        self.form = FilterForm(request.GET or None)
        self.error = ""
        try:
            self.period = parse(request.GET.get("period"), default=default_period)
        except PeriodError as error:
            self.error = str(error)
            self.period = parse(None, default=default_period)
        sector = request.GET.get("sector") or None
        level = request.GET.get("level") or None
        if level not in AuthorityLevel.values:
            level = None
        self.filters = Filters(int(sector) if sector and sector.isdigit() else None, level)
        code = request.GET.get("agency")
        self.merged_from = None
        if code:
            agency = Agency.objects.filter(code=code).first()
            if agency is None:
                raise Http404(_("Không có cơ quan mã “%(code)s”.") % {"code": code})
            self.node = ctx.tree.chain(agency.pk)[0]
            if self.node != agency.pk:
                self.merged_from = agency
        else:
            self.node = default_node
        self.codes = {pk: row.code for pk, row in ctx.tree.rows.items()}
        self.formula = request.GET.get("formula") or ""
        try:
            self.version = formulas.get(self.formula or None, on=self.period.end)
        except formulas.UnknownFormula as error:
            self.error = self.error or str(error)
            self.formula = ""
            self.version = formulas.get(None, on=self.period.end)

    def links(self, public=False) -> Links:
        return Links(
            self.period,
            self.filters,
            public=public,
            agency_codes=self.codes,
            formula=self.formula,
        )

    def context(self, ctx: Context, **extra) -> dict:
        return {
            "filter_form": self.form,
            "period": self.period,
            "filters": self.filters,
            "node": self.node,
            "node_name": ctx.tree.name(self.node),
            "node_code": self.codes.get(self.node, "") if self.node else "",
            "merged_from": self.merged_from,
            "error": self.error,
            "formula": self.formula,
            "version": self.version,
            "versions": list(formulas.VERSIONS.values()),
            **extra,
        }


def export_response(request, tables: list[Table], heading: str):
    """The page's tables as an XLSX download when ``?xuat=xlsx``; else None."""
    if request.GET.get("xuat") != "xlsx":
        return None
    response = HttpResponse(
        exports.workbook(tables, heading=heading), content_type=exports.XLSX_TYPE
    )
    response["Content-Disposition"] = 'attachment; filename="giam-sat.xlsx"'
    return response


def check_access(access: Access, node, ctx: Context):
    if not access.can_view(node, ctx.tree):
        raise Http404(_("Không tìm thấy cơ quan trong phạm vi bạn được xem."))


@officer_view
def overview_view(request, ctx: Context, access: Access):
    """The dashboard of one agency (default: the user's own) with targets, trends, ranking."""
    req = RequestParams(request, ctx, access.default_root())
    check_access(access, req.node, ctx)
    data = overview(
        req.node,
        req.period,
        ctx=ctx,
        links=req.links(),
        filters=req.filters,
        with_ranking=access.can_rank_below(req.node, ctx.tree),
        formula=req.formula,
    )
    exported = export_response(request, data.tables, data.name)
    if exported:
        return exported
    roots = [(r, ctx.tree.name(r), req.codes.get(r, "")) for r in access.roots()]
    members = ctx.tree.members(req.node)
    return render(
        request,
        "monitoring/overview.html",
        req.context(
            ctx,
            data=data,
            roots=roots,
            # Results returned by post (issue #18 item 7, the one-stop rules).
            by_post=delivered_by_post(
                sorted(members if members is not None else ctx.tree.rows),
                req.period.start,
                req.period.end,
            ),
            can_cross_check=access.can_cross_check(req.node, ctx.tree),
            national=national_targets(req.period.end.year),
            missing=agencies_without_plan(req.period.end.year, req.node, ctx)
            if access.can_rank_below(req.node, ctx.tree)
            else [],
        ),
    )


@officer_view
def ranking_view(request, ctx: Context, access: Access):
    """The ranking of the agencies directly below one agency, for any period."""
    req = RequestParams(request, ctx, access.default_root())
    check_access(access, req.node, ctx)
    if not access.can_rank_below(req.node, ctx.tree):
        return forbidden(request, _("Chỉ cán bộ giám sát xem được xếp hạng các cơ quan cấp dưới."))
    rows = ranking(req.period, req.node, filters=req.filters, ctx=ctx, formula=req.formula)
    sort = request.GET.get("sort") or "score"
    order = request.GET.get("order")  # "tang" ascending, "giam" descending
    # Names read A→Z by default, figures best first.
    descending = order == "giam" if sort == "name" else order != "tang"
    grade = request.GET.get("grade") or ""
    query = (request.GET.get("q") or "").strip()[:100]
    shown = sort_and_filter(rows, sort=sort, descending=descending, grade=grade, query=query)
    links = req.links()
    links.keep = {"grade": grade, "q": query}  # the sorting links keep the filters
    table = ranking_table(
        shown,
        links,
        _("Xếp hạng – %(name)s – %(period)s – công thức %(version)s")
        % {
            "name": ctx.tree.name(req.node),
            "period": req.period.label,
            "version": req.version.code,
        },
        version=req.version,
        node=req.node,
        sort=sort,
        descending=descending,
    )
    exported = export_response(request, [table], ctx.tree.name(req.node))
    if exported:
        return exported
    return render(
        request,
        "monitoring/ranking.html",
        req.context(
            ctx,
            table=table,
            rows=shown,
            total_rows=len(rows),
            graded=sum(r.figures.graded for r in rows),
            grade=grade,
            query=query,
            sort=sort,
            grades=[g for g, _m in formulas.grades()],
            grade_scale_label=formulas.GRADE_SCALE_LABEL,
            grade_scale=formulas.grade_scale_text(),
            min_dossiers=settings.MOTCUA_KPI_MIN_DOSSIERS,
        ),
    )


@officer_view
def dossiers_view(request, ctx: Context, access: Access):
    """The dossiers behind one number (drill-down), newest first, 50 per page."""
    req = RequestParams(request, ctx, access.default_root())
    check_access(access, req.node, ctx)
    measure = request.GET.get("measure", "received")
    if measure not in DOSSIER_MEASURES:
        raise Http404(_("Không có số liệu “%(measure)s”.") % {"measure": measure})
    facts = facts_behind(measure, req.node, req.period, filters=req.filters, ctx=ctx)
    before = request.GET.get("truoc")
    before = int(before) if before and before.isdigit() else None
    exporting = request.GET.get("xuat") == "xlsx"
    page, next_key = dossier_page(facts, before=before, size=5000 if exporting else 50)
    title = _("%(what)s – %(name)s – %(period)s") % {
        "what": str(COUNT_LABELS.get(measure, measure)).capitalize(),
        "name": ctx.tree.name(req.node),
        "period": req.period.label,
    }
    table = Table(
        title,
        [
            Column(_("Mã hồ sơ")),
            Column(_("Thủ tục"), wide=True),
            Column(_("Cơ quan xử lý"), wide=True),
            Column(_("Kênh nộp")),
            Column(_("Trạng thái")),
            Column(_("Ngày tiếp nhận")),
            Column(_("Hạn giải quyết")),
            Column(_("Ngày có kết quả")),
        ],
    )
    for d in page:
        table.add(
            d.code,
            d.procedure_version.name,
            d.agency.name,
            d.get_channel_display(),
            d.get_status_display(),
            _date(d.received_at),
            d.due_date.strftime("%d/%m/%Y") if d.due_date else "",
            _date(d.finished_at),
            urls={0: reverse("backoffice:dossier", args=[d.public_id])},
        )
    exported = export_response(request, [table], ctx.tree.name(req.node))
    if exported:
        return exported
    next_url = ""
    if next_key:
        params = request.GET.copy()
        params["truoc"] = next_key
        next_url = f"?{params.urlencode()}"
    return render(
        request,
        "monitoring/dossiers.html",
        req.context(ctx, table=table, total=facts.count(), next_url=next_url, title=title),
    )


def _date(moment) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y") if moment else ""


def _procedures_page(request, ctx: Context, req: RequestParams, public: bool):
    measure = request.GET.get("measure", "procedures")
    if measure not in PROCEDURE_MEASURES | {"procedures_ineligible", "online_services_unused"}:
        raise Http404(_("Không có số liệu “%(measure)s”.") % {"measure": measure})
    states = procedures_behind(measure, req.node, req.period, filters=req.filters, ctx=ctx)
    title = _("Danh sách %(what)s – %(name)s – %(period)s") % {
        "what": COUNT_LABELS.get(measure, _("thủ tục")),
        "name": ctx.tree.name(req.node),
        "period": req.period.label,
    }
    table = Table(
        title,
        [
            Column(_("Mã thủ tục")),
            Column(_("Tên thủ tục"), wide=True),
            Column(_("Lĩnh vực")),
            Column(_("Mức độ cung cấp")),
            Column(_("Lý do chưa cung cấp toàn trình")),
        ],
    )
    for s in states:
        table.add(s.code, s.name, s.sector, ServiceLevel(s.service_level).label, s.reason)
    exported = export_response(request, [table], ctx.tree.name(req.node))
    if exported:
        return exported
    return render(
        request,
        "monitoring/procedures.html",
        req.context(ctx, table=table, title=title, public=public),
    )


@officer_view
def procedures_view(request, ctx: Context, access: Access):
    """The procedures behind a catalogue figure (offered, fully online, eligible, used)."""
    req = RequestParams(request, ctx, access.default_root())
    check_access(access, req.node, ctx)
    return _procedures_page(request, ctx, req, public=False)


def public_procedures_view(request):
    ctx = Context()
    req = RequestParams(request, ctx, None)
    return _procedures_page(request, ctx, req, public=True)


def public_view(request):
    """The transparency page: the same figures for citizens, no login, no personal data."""
    ctx = Context()
    req = RequestParams(request, ctx, None)
    data = overview(
        req.node,
        req.period,
        ctx=ctx,
        links=req.links(public=True),
        filters=req.filters,
        formula=req.formula,
    )
    exported = export_response(request, data.tables, data.name)
    if exported:
        return exported
    parents = (
        [
            (pk, ctx.tree.rows[pk].name, req.codes[pk])
            for pk in reversed(ctx.tree.chain(req.node)[1:])
        ]
        if req.node
        else []
    )
    return render(
        request,
        "monitoring/public.html",
        req.context(
            ctx, data=data, parents=parents, national=national_targets(req.period.end.year)
        ),
    )


@officer_view
def report_pdf_view(request, ctx: Context, access: Access):
    """The monthly report of one agency: ``?dinh-dang=`` pdf (default; the national format),
    xlsx (the same tables), json / csv (every national indicator with its formula version),
    tong-quan (the dashboard with its charts, as a PDF)."""
    req = RequestParams(request, ctx, access.default_root())
    check_access(access, req.node, ctx)
    kind = request.GET.get("dinh-dang") or "pdf"
    name = f"bao-cao-{req.period.key}"
    if kind == "pdf":
        body, content_type = monthly_pdf(req.node, req.period, ctx, formula=req.formula), PDF
    elif kind == "tong-quan":
        body = overview_pdf(req.node, req.period, ctx, formula=req.formula)
        content_type, name = PDF, f"tong-quan-{req.period.key}"
    elif kind == "xlsx":
        report = national_report.monthly_report(req.node, req.period, ctx, formula=req.formula)
        body, content_type = national_report.report_xlsx(report), exports.XLSX_TYPE
    elif kind in ("json", "csv"):
        rows = national_report.indicator_rows(
            req.period, ctx=ctx, node=req.node, formula=req.formula
        )
        name = f"chi-so-{req.period.key}"
        if kind == "json":
            body = json.dumps({"period": req.period.key, "rows": rows}, ensure_ascii=False)
            content_type = "application/json"
        else:
            body, content_type = national_report.rows_csv(rows), "text/csv; charset=utf-8"
    else:
        raise Http404(_("Không có định dạng báo cáo “%(kind)s”.") % {"kind": kind})
    extension = {"tong-quan": "pdf"}.get(kind, kind)
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


PDF = "application/pdf"
