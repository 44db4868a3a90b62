"""The cross-check page: import the national portal's figures of a month and compare
them, indicator by indicator, with MotCua's own count (docs/INDICATORS.md, "Cross-check")."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .national import crosscheck
from .national.figures_import import ImportRefused, import_figures
from .periods import month_period
from .scope import Access
from .selectors import Context, figures_for
from .views import RequestParams, check_access, forbidden, officer_view

PAGE_SIZE = 50


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Tệp số liệu tải từ Cổng DVCQG (CSV hoặc XLSX)"),
        help_text=gettext_lazy("Các cột: ma_co_quan, thang, ma_chi_so, tu_so, mau_so, diem."),
    )


@officer_view
def crosscheck_view(request, ctx: Context, access: Access):
    """GET: the comparison of one agency's month; POST: import a file of national figures."""
    req = RequestParams(request, ctx, access.default_root())
    check_access(access, req.node, ctx)
    if not access.can_cross_check(req.node, ctx.tree):
        return forbidden(
            request,
            _(
                "Chỉ quản trị viên của cơ quan và cán bộ giám sát cấp trên được đối chiếu "
                "số liệu với Cổng Dịch vụ công quốc gia."
            ),
        )
    period = req.period
    if period.kind != "month":
        period = month_period(period.end.year, period.end.month)
    errors: list[str] = []
    form = ImportForm()
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                created = import_figures(
                    upload.name,
                    upload.read(),
                    user=request.user,
                    allowed=lambda agency: access.can_cross_check(
                        ctx.tree.chain(agency.pk)[0], ctx.tree
                    ),
                )
            except ImportRefused as refused:
                errors = refused.errors
            else:
                messages.success(
                    request,
                    _("Đã nhập %(n)d dòng số liệu của Cổng Dịch vụ công quốc gia.")
                    % {"n": len(created)},
                )
                return redirect(request.get_full_path())
    figures = figures_for([req.node], period, ctx=ctx, formula=req.formula)[req.node]
    result = figures.national(req.version)
    rows = crosscheck.compare(result, crosscheck.imported(req.node, period))
    chosen = request.GET.get("chi-so") or next(
        (r.code for r in rows if r.differs and r.explainable), ""
    )
    dossiers = crosscheck.explaining_dossiers(
        chosen, ctx.tree.members(req.node), period, req.version.code
    )
    page = None
    if dossiers is not None:
        page = Paginator(dossiers, PAGE_SIZE).get_page(request.GET.get("trang"))
    params = request.GET.copy()
    params.pop("trang", None)
    return render(
        request,
        "monitoring/crosscheck.html",
        req.context(
            ctx,
            period=period,
            rows=rows,
            result=result,
            imported=any(r.theirs for r in rows),
            differences=sum(r.differs for r in rows),
            chosen=chosen,
            chosen_row=next((r for r in rows if r.code == chosen), None),
            page=page,
            query=params.urlencode(),
            form=form,
            import_errors=errors,
        ),
        status=400 if errors or form.errors else 200,
    )
