"""The result document before it is signed: the leader (or the desk officer who issues
it) reads the exact PDF that "Ký số và ban hành" will sign, and may make it again.

Scope as everywhere in the back office: a dossier outside the officer's agencies is a
404 (``scope.get_dossier_for``), an officer whose roles may neither approve nor issue
the result gets a 403 that says why.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods

from motcua.dossiers.exceptions import DossierError
from motcua.dossiers.models import Status
from motcua.results import services as result_services
from motcua.results.models import ResultDraft

from . import scope
from .views import forbidden, officer_required

# Who may see and make the preview: the leader who approves, the officer who issues.
PREVIEW_ACTIONS = ("approve", "issue_result")


def _dossier_for_preview(request, public_id):
    """The dossier and the actions the officer may do on it; (None, response) when refused."""
    dossier = scope.get_dossier_for(request.user, public_id)
    permitted = set(scope.permitted_actions(request.user, dossier, PREVIEW_ACTIONS))
    if not permitted:
        return (
            None,
            permitted,
            forbidden(
                request,
                _(
                    "Chỉ lãnh đạo phê duyệt hoặc cán bộ ban hành kết quả của cơ quan giải quyết "
                    "mới xem trước được văn bản kết quả của hồ sơ này."
                ),
            ),
        )
    return dossier, permitted, None


@require_http_methods(["GET", "POST"])
@officer_required
def preview(request, public_id):
    """GET: the current draft (if any) and why it may no longer be signed; POST: make it
    (again), then show it."""
    dossier, permitted, refused = _dossier_for_preview(request, public_id)
    if refused is not None:
        return refused
    if request.method == "POST":
        try:
            result_services.preview_result(
                dossier, by=request.user, base_url=request.build_absolute_uri("/")
            )
        except DossierError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Đã tạo bản xem trước văn bản kết quả."))
        return redirect("backoffice:result_preview", public_id=dossier.public_id)
    draft = ResultDraft.objects.filter(dossier=dossier).defer("pdf").first()
    stale = result_services.stale_reason(dossier, draft) if draft is not None else ""
    can_issue = (
        "issue_result" in permitted
        and dossier.status == Status.APPROVED
        and draft is not None
        and not stale
    )
    return render(
        request,
        "backoffice/result_preview.html",
        {
            "dossier": dossier,
            "draft": draft,
            "stale": stale,
            "can_preview": dossier.status in result_services.PREVIEW_STATUSES,
            "can_issue": can_issue,
            "generated": result_services.RESULT_GENERATED,
        },
    )


@require_http_methods(["GET"])
@officer_required
@xframe_options_sameorigin  # shown in the preview page's frame (PDFs carry no CSP)
def preview_pdf(request, public_id):
    """The draft PDF itself, shown in the preview page's frame (or downloaded)."""
    dossier, _permitted, refused = _dossier_for_preview(request, public_id)
    if refused is not None:
        return refused
    draft = ResultDraft.objects.filter(dossier=dossier).first()
    if draft is None:  # none made yet, or already signed: the page says which
        return redirect("backoffice:result_preview", public_id=dossier.public_id)
    response = HttpResponse(bytes(draft.pdf), content_type="application/pdf")
    disposition = "attachment" if request.GET.get("tai") == "1" else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="xem-truoc-{dossier.code}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
