"""Counter intake: a desk officer records a paper dossier and prints its receipt."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from motcua.accounts.models import mask_identifier
from motcua.dossiers import services
from motcua.dossiers.exceptions import DossierError
from motcua.dossiers.models import Attachment, Dossier
from motcua.lib.formatting import format_number

from . import scope
from .intake_delivery import keep_choice
from .intake_forms import IntakeForm, intake_agencies
from .views import forbidden, officer_required

SESSION_TOKENS = "counter_intake_tokens"
MAX_REMEMBERED_TOKENS = 50


def _not_desk_officer(request):
    return forbidden(
        request,
        _(
            "Chỉ cán bộ một cửa mới được tiếp nhận hồ sơ trực tiếp. "
            "Vui lòng liên hệ quản trị cơ quan nếu bạn cần vai trò này."
        ),
    )


def _used_dossier(request, token: str) -> Dossier | None:
    public_id = request.session.get(SESSION_TOKENS, {}).get(token)
    if public_id:
        return Dossier.objects.filter(public_id=public_id).first()
    return Dossier.objects.filter(form_data__intake_token=token).first()


def _remember_token(request, token: str, dossier: Dossier) -> None:
    used = dict(request.session.get(SESSION_TOKENS, {}))
    used[token] = str(dossier.public_id)
    request.session[SESSION_TOKENS] = dict(list(used.items())[-MAX_REMEMBERED_TOKENS:])


@officer_required
def intake(request):
    if not intake_agencies(request.user):
        return _not_desk_officer(request)
    query = request.GET.get("q", "")[:200]
    try:
        version_id = int(request.GET.get("thu_tuc") or 0) or None
        if version_id is not None and not 0 < version_id < 2**31:
            version_id = None  # not an id at all (the database would refuse it)
    except ValueError:
        version_id = None
    if request.method != "POST":
        form = IntakeForm(user=request.user, query=query, version_id=version_id)
        return _render_form(request, form, query)

    token = request.POST.get("token", "")
    if token:
        done = _used_dossier(request, token)
        if done is not None:
            return redirect("backoffice:receipt", public_id=done.public_id)
    form = IntakeForm(request.POST, request.FILES, user=request.user)
    if not form.is_valid():
        return _render_form(request, form, query, status=400)
    data = form.cleaned_data
    try:
        dossier = services.receive_at_counter(
            applicant={
                "kind": data["kind"],
                "personal_id": data["personal_id"],
                "tax_code": data["tax_code"],
                "name": data["name"],
                "phone": data["phone"],
                "address": data["address"],
            },
            version=form.version_obj(),
            agency=form.agency_obj,
            by=request.user,
            component_ids=data["components"],
            token=str(data["token"]),
            scan=data.get("scan") or None,
            component_scans=form.component_scans(),
            intake_agency=form.desk_obj if form.settling_obj else None,
            return_agency=form.return_agency_obj,
        )
    except DossierError as error:
        form.add_error(None, error.message)
        return _render_form(request, form, query, status=400)
    keep_choice(request, dossier, data)
    _remember_token(request, str(data["token"]), dossier)
    messages.success(request, received_message(dossier))
    return redirect("backoffice:receipt", public_id=dossier.public_id)


def received_message(dossier: Dossier) -> str:
    """What the desk officer is told after recording a paper dossier."""
    due = dossier.due_date.strftime("%d/%m/%Y") if dossier.due_date else ""
    text = _(
        "Đã tiếp nhận hồ sơ %(code)s, hẹn trả %(due)s. In phiếu tiếp nhận và giao cho người nộp."
    ) % {"code": dossier.code, "due": due}
    if dossier.intake_agency_id:
        text += " " + _("Hồ sơ đã được chuyển ngay đến %(agency)s để giải quyết.") % {
            "agency": dossier.agency.name
        }
    return text


def _render_form(request, form, query, status=200):
    return render(
        request,
        "backoffice/intake.html",
        {"form": form, "query": query},
        status=status,
    )


def _receipt_dossier(user, public_id) -> Dossier:
    try:
        return scope.get_dossier_for(user, public_id)
    except Http404:
        # A unit's desk officer may record into the parent agency: they print its receipt.
        allowed = [a.pk for a in intake_agencies(user)]
        dossier = (
            Dossier.objects.select_related("applicant", "agency", "procedure_version__procedure")
            .filter(Q(agency_id__in=allowed) | Q(intake_agency_id__in=allowed), public_id=public_id)
            .first()
        )
        if dossier is None:
            raise
        return dossier


@officer_required
def receipt(request, public_id: uuid.UUID):
    dossier = _receipt_dossier(request.user, public_id)
    return render(
        request,
        "backoffice/receipt.html",
        {
            "dossier": dossier,
            "masked_id": mask_identifier(dossier.applicant.identifier),
            "components": dossier.form_data.get("components_received", []),
            "scans": dossier.attachments.filter(kind=Attachment.Kind.COUNTER_SCAN),
            "fee": format_number(dossier.fee_vnd or 0),
        },
    )
