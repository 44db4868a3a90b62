"""Thin views of targets and plans (the dashboards are in ``views``)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from motcua.agencies.models import Agency

from . import services
from .forms import PLAN_INDICATORS, PlanForm, TargetForm
from .models import AgencyPlan, Indicator, Target
from .plans import agencies_without_plan, offered_procedures, plan_progress
from .scope import Access
from .selectors import Context
from .tables import INT, PERCENT, TEXT, Column, Table
from .views import RequestParams, check_access, export_response, forbidden, officer_view


def _editable_agencies(access: Access, ctx: Context) -> list[tuple[int, str]]:
    """Agencies whose targets the user may set: supervisors for those below them."""
    result = []
    for pk, row in sorted(ctx.tree.rows.items(), key=lambda kv: kv[1].name):
        if row.kind == Agency.Kind.UNIT or not ctx.tree.is_current(pk):
            continue
        if access.can_rank_below(pk, ctx.tree):
            result.append((pk, row.name))
    return result


@officer_view
def targets_view(request, ctx: Context, access: Access):
    """National targets and agencies' own targets; supervisors set targets for agencies below."""
    agencies = _editable_agencies(access, ctx)
    can_edit = bool(agencies) or access.everything
    form = TargetForm(request.POST or None, agencies=agencies, national=access.everything)
    if request.method == "POST":
        if not can_edit:
            return forbidden(request, _("Chỉ cán bộ giám sát được giao chỉ tiêu."))
        if form.is_valid():
            kind, _sep, key = form.cleaned_data["agency"].partition(":")
            try:
                services.save_target(
                    indicator=form.cleaned_data["indicator"],
                    year=form.cleaned_data["year"],
                    value=form.cleaned_data["value"],
                    agency=Agency.objects.get(pk=int(key)) if kind == "agency" else None,
                    applies_to=key if kind == "national" else Target.AppliesTo.ALL,
                    source=form.cleaned_data["source"],
                    by=request.user,
                )
            except services.MonitoringError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Đã lưu chỉ tiêu."))
                return redirect("monitoring:targets")
    visible = {pk for pk, _name in agencies} | set(access.own)
    agency_targets = Target.objects.filter(agency__isnull=False).select_related("agency")
    if not access.everything:
        agency_targets = agency_targets.filter(agency_id__in=visible)
    table = Table(
        _("Chỉ tiêu"),
        [
            Column(_("Chỉ số")),
            Column(_("Năm"), INT),
            Column(_("Áp dụng cho")),
            Column(_("Chỉ tiêu"), TEXT),
            Column(_("Căn cứ")),
        ],
    )
    for t in [*Target.objects.filter(agency__isnull=True), *agency_targets]:
        table.add(
            t.get_indicator_display(),
            t.year,
            t.agency.name if t.agency else t.get_applies_to_display(),
            str(t.value).rstrip("0").rstrip(".").replace(".", ","),
            t.source,
        )
    exported = export_response(request, [table], _("Chỉ tiêu"))
    if exported:
        return exported
    return render(
        request, "monitoring/targets.html", {"form": form, "table": table, "can_edit": can_edit}
    )


@officer_view
def plans_view(request, ctx: Context, access: Access):
    """The plans of the agencies in scope for a year, and those that have filed none."""
    req = RequestParams(request, ctx, access.default_root())
    check_access(access, req.node, ctx)
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    members = ctx.tree.members(req.node)
    plans = AgencyPlan.objects.filter(year=year).select_related("agency").order_by("agency__name")
    if members is not None:
        plans = plans.filter(agency_id__in=members)
    missing = (
        agencies_without_plan(year, req.node, ctx)
        if access.can_rank_below(req.node, ctx.tree)
        else []
    )
    table = Table(
        _("Kế hoạch năm %(year)d") % {"year": year},
        [Column(_("Cơ quan"), wide=True), Column(_("Số, ký hiệu")), Column(_("Ngày ban hành"))],
    )
    for plan in plans:
        table.add(
            plan.agency.name,
            plan.document_number,
            plan.issued_on.strftime("%d/%m/%Y"),
            urls={0: reverse("monitoring:plan", args=[plan.pk])},
        )
    missing_table = Table(
        _("Danh mục các cơ quan chưa ban hành kế hoạch năm %(year)d") % {"year": year},
        [Column(_("Nhóm")), Column(_("TT"), INT), Column(_("Tên cơ quan"))],
    )
    for group in missing:
        for i, (_pk, name) in enumerate(group.agencies, start=1):
            missing_table.add(group.label, i, name)
    exported = export_response(request, [table, missing_table], ctx.tree.name(req.node))
    if exported:
        return exported
    can_file = access.can_plan(req.node, ctx.tree)
    return render(
        request,
        "monitoring/plans.html",
        req.context(
            ctx,
            year=year,
            table=table,
            missing=missing,
            can_file=can_file,
            years=range(year - 2, year + 2),
        ),
    )


@officer_view
def plan_view(request, ctx: Context, access: Access, pk: int):
    """One plan's progress: each month against its targets, each procedure against its month."""
    plan = get_object_or_404(AgencyPlan.objects.select_related("agency"), pk=pk)
    check_access(access, ctx.tree.chain(plan.agency_id)[0], ctx)
    progress = plan_progress(plan, ctx)
    columns = [Column(_("Tháng"))]
    for indicator in progress.indicators:
        label = str(Indicator(indicator).label)
        columns += [
            Column(f"{label} – {_('chỉ tiêu')}", PERCENT),
            Column(f"{label} – {_('thực hiện')}", PERCENT),
            Column(_("Đánh giá")),
        ]
    months = Table(_("Tiến độ theo tháng"), columns)
    for month in progress.months:
        values = [month.period.label]
        for ind in progress.indicators:
            met = month.met(ind)
            values += [
                month.targets.get(ind),
                month.value(ind),
                "" if met is None else (_("Đạt") if met else _("Chưa đạt")),
            ]
        months.add(*values)
    procedures = Table(
        _("Thủ tục trong kế hoạch"),
        [
            Column(_("Mã")),
            Column(_("Tên thủ tục"), wide=True),
            Column(_("Tháng hoàn thành"), INT),
            Column(_("Tình trạng")),
            Column(_("Lý do không đủ điều kiện")),
        ],
    )
    for p in progress.procedures:
        procedures.add(p.code, p.name, p.target_month, p.status_label, p.reason)
    exported = export_response(request, [months, procedures], plan.agency.name)
    if exported:
        return exported
    can_file = access.can_plan(ctx.tree.chain(plan.agency_id)[0], ctx.tree)
    return render(
        request,
        "monitoring/plan.html",
        {
            "plan": plan,
            "progress": progress,
            "months": months,
            "procedures": procedures,
            "can_file": can_file,
        },
    )


@officer_view
def plan_edit_view(request, ctx: Context, access: Access):
    """File or update an agency's plan: monthly targets, eligible and ineligible procedures."""
    code = request.GET.get("agency")
    agency = get_object_or_404(Agency, code=code) if code else None
    if agency is None or not access.can_view(agency.pk, ctx.tree):
        raise Http404(_("Không tìm thấy cơ quan trong phạm vi bạn được xem."))
    if not access.can_plan(agency.pk, ctx.tree):
        return forbidden(
            request,
            _(
                "Kế hoạch do lãnh đạo hoặc quản trị của cơ quan, hoặc cán bộ giám sát cấp "
                "trên lập và cập nhật."
            ),
        )
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        raise Http404(_("Năm không hợp lệ.")) from None
    plan = AgencyPlan.objects.filter(agency=agency, year=year).first()
    day = min(timezone.localdate(), timezone.localdate().replace(year=year, month=12, day=31))
    states = offered_procedures(agency.pk, day, ctx)
    initial = {}
    if plan is not None:
        initial = {
            "document_number": plan.document_number,
            "issued_on": plan.issued_on,
            "summary": plan.summary,
        }
        for t in plan.monthly_targets.all():
            initial[f"target_{t.indicator}_{t.month}"] = t.value
        for p in plan.procedures.all():
            initial[f"proc_{p.procedure_id}_eligible"] = "yes" if p.eligible else "no"
            initial[f"proc_{p.procedure_id}_month"] = p.target_month
            initial[f"proc_{p.procedure_id}_reason"] = p.reason
    form = PlanForm(request.POST or None, initial=initial, procedures=states)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.file_plan(
                agency=agency,
                year=year,
                document_number=form.cleaned_data["document_number"],
                issued_on=form.cleaned_data["issued_on"],
                summary=form.cleaned_data["summary"],
                monthly_targets=form.monthly_targets(),
                procedures=form.planned(),
                by=request.user,
            )
        except services.MonitoringError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Đã lưu kế hoạch năm %(year)d.") % {"year": year})
            return redirect("monitoring:plan", pk=saved.pk)
    return render(
        request,
        "monitoring/plan_form.html",
        {
            "form": form,
            "agency": agency,
            "year": year,
            "plan": plan,
            "indicators": PLAN_INDICATORS,
            "months": range(1, 13),
            "back": reverse("monitoring:plans")
            + "?"
            + urlencode({"agency": agency.code, "year": year}),
        },
    )
