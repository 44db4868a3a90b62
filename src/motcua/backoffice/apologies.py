"""Apology letters (văn bản xin lỗi và đề nghị gia hạn thời gian giải quyết,
Circular 03/2025/TT-VPCP form 04): drafted by officers or the deadline job, approved by
a leader, then sent to the citizen; printable."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.dossiers import deadlines
from motcua.dossiers.exceptions import DossierError
from motcua.dossiers.models import ApologyLetter

from . import scope
from .forms import ApologyDecisionForm, ApologyDraftForm
from .views import _render_detail, forbidden, officer_required


@require_POST
@officer_required
def draft(request, public_id):
    dossier = scope.get_dossier_for(request.user, public_id)
    if not scope.can(request.user, "draft_apology", dossier):
        return forbidden(
            request, _("Vai trò của bạn không được lập văn bản xin lỗi và đề nghị gia hạn.")
        )
    form = ApologyDraftForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, dossier, apology_form=form)
    try:
        deadlines.draft_apology(
            dossier,
            reason=form.cleaned_data["reason"],
            new_date=form.cleaned_data["new_date"],
            by=request.user,
        )
    except DossierError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Đã lập dự thảo văn bản xin lỗi và đề nghị gia hạn, chờ lãnh đạo duyệt.")
        )
    return redirect("backoffice:dossier", public_id=dossier.public_id)


def _letter_for(user, public_id, pk) -> ApologyLetter:
    dossier = scope.get_dossier_for(user, public_id)
    return get_object_or_404(ApologyLetter, pk=pk, dossier=dossier)


@require_POST
@officer_required
def decide(request, public_id, pk):
    letter = _letter_for(request.user, public_id, pk)
    if not scope.can(request.user, "decide_apology", letter.dossier):
        return forbidden(
            request, _("Chỉ lãnh đạo mới được duyệt văn bản xin lỗi và đề nghị gia hạn.")
        )
    form = ApologyDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Vui lòng chọn duyệt hoặc hủy và kiểm tra ngày hẹn."))
        return redirect("backoffice:dossier", public_id=public_id)
    try:
        if form.cleaned_data["decision"] == "approve":
            late = deadlines.approval_is_late(letter.dossier)
            deadlines.approve_apology(
                letter, by=request.user, new_date=form.cleaned_data["new_date"]
            )
            messages.success(
                request, _("Đã duyệt và gửi văn bản xin lỗi và đề nghị gia hạn cho người nộp.")
            )
            if late:
                messages.warning(
                    request,
                    _(
                        "Văn bản được gửi muộn hơn 01 ngày làm việc trước ngày hết hạn giải "
                        "quyết; việc gửi muộn đã được ghi nhận."
                    ),
                )
        else:
            deadlines.cancel_apology(letter, by=request.user)
            messages.success(request, _("Đã hủy dự thảo văn bản xin lỗi và đề nghị gia hạn."))
    except DossierError as error:
        messages.error(request, error.message)
    return redirect("backoffice:dossier", public_id=public_id)


@officer_required
def print_letter(request, public_id, pk):
    letter = _letter_for(request.user, public_id, pk)
    return render(
        request, "backoffice/apology_letter.html", {"letter": letter, "dossier": letter.dossier}
    )
