"""The specialist records the assessment (kết quả thẩm định) as the procedure's
structured decision data; the leader reads it on the dossier page."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.dossiers import services
from motcua.dossiers.exceptions import DossierError, InvalidData

from . import scope
from .decision_forms import DecisionForm
from .dossier_form import decision_open
from .views import _render_detail, forbidden, officer_required


@require_POST
@officer_required
def record_decision(request, public_id):
    dossier = scope.get_dossier_for(request.user, public_id)
    if not scope.can(request.user, "record_decision", dossier):
        return forbidden(
            request,
            _(
                "Chỉ chuyên viên đang thẩm định hồ sơ này mới ghi được kết quả thẩm định "
                "(vai trò chuyên viên, ở bước thẩm định của quy trình)."
            ),
        )
    if not decision_open(dossier):
        messages.error(
            request,
            _("Không thể ghi kết quả thẩm định khi hồ sơ đang ở trạng thái “%(status)s”.")
            % {"status": dossier.get_status_display()},
        )
        return redirect("backoffice:dossier", public_id=dossier.public_id)
    specs = services.definition_of(dossier).get("decision") or []
    add_row = request.POST.get("add_row", "")
    form = DecisionForm(specs, request.POST, add_row=add_row)
    if add_row:
        # "Thêm dòng": the same values again, with one more empty row; nothing saved.
        form.is_valid()
        return _render_detail(request, dossier, decision_form=form, status=200)
    if not form.is_valid():
        return _render_detail(request, dossier, decision_form=form)
    try:
        services.record_decision(dossier, by=request.user, data=form.decision_data())
    except InvalidData as error:
        form.add_errors(error.problems)
        return _render_detail(request, dossier, decision_form=form)
    except DossierError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Đã lưu kết quả thẩm định của hồ sơ %(code)s.") % {"code": dossier.code}
        )
    return redirect("backoffice:dossier", public_id=dossier.public_id)
