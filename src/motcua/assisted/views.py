"""The agent's screens (``/ho-tro-nop-ho-so/``) and the citizen's confirmation.

Thin views: the e-form is the portal's (``portal.selectors.eforms`` / ``eform_pages``,
``portal/_eform.html``), the draft is written by ``portal.services``, the filing steps
by ``services``. An agent reaches only the dossiers they filed
(``selectors.dossier_of_agent``); a citizen only their own drafts filed by an agent.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from motcua.accounts.citizen import citizen_required, current_applicant, eid_level
from motcua.accounts.models import mask_identifier
from motcua.catalog.fees import quote
from motcua.catalog.models import ProcedureVersion
from motcua.catalog.selectors import online_only_procedure_ids, published_procedures
from motcua.dossiers.exceptions import DossierError
from motcua.dossiers.files import max_upload_bytes
from motcua.dossiers.models import Attachment, Status
from motcua.portal import selectors as portal_selectors
from motcua.portal import services as portal_services

from . import selectors, services
from .forms import CodeForm, LookupForm, ProcedureForm, StartForm, UploadForm

SESSION_CITIZEN = "assisted_citizen"
eforms, eform_pages = portal_selectors.eforms, portal_selectors.eform_pages


def agent_view(view):
    """Signed-in (officer sign-in) assisted-filing agents only; others get a 403."""

    @login_required
    @never_cache
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not selectors.is_agent(request.user):
            return render(
                request,
                "assisted/forbidden.html",
                {
                    "message": _(
                        "Chỉ nhân viên hỗ trợ nộp hồ sơ (bưu điện, tổ công nghệ số cộng đồng) "
                        "được cơ quan ủy quyền mới dùng được chức năng nộp hộ. Vui lòng liên "
                        "hệ quản trị cơ quan."
                    )
                },
                status=403,
            )
        return view(request, *args, **kwargs)

    return wrapped


def _citizen(request) -> services.Citizen | None:
    data = request.session.get(SESSION_CITIZEN)
    return services.Citizen(**data) if isinstance(data, dict) else None


@agent_view
def home(request):
    """The agent's first screen: the citizen's personal ID, and the dossiers filed."""
    form = LookupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            citizen = services.find_citizen(form.cleaned_data["personal_id"], by=request.user)
        except DossierError as exc:
            form.add_error("personal_id", exc.message)
        else:
            request.session[SESSION_CITIZEN] = {
                "personal_id": citizen.personal_id,
                "full_name": citizen.full_name,
                "birth_date": citizen.birth_date,
                "phone": citizen.phone,
            }
            return redirect("assisted:new")
    return render(
        request,
        "assisted/home.html",
        {
            "form": form,
            "agencies": selectors.agent_agencies(request.user),
            "dossiers": selectors.filed_by(request.user)[:30],
        },
        status=400 if request.method == "POST" else 200,
    )


def _online_versions() -> list[ProcedureVersion]:
    """The current versions offered online, by procedure code (each knows its procedure)."""
    versions = []
    for procedure in published_procedures():
        version = procedure.current_version
        if version is not None and version.is_offered_online:
            version.procedure = procedure  # already read: no query per option
            versions.append(version)
    return versions


@agent_view
def new(request):
    """Pick the procedure, then where to file: starts the citizen's draft."""
    citizen = _citizen(request)
    if citizen is None:
        messages.info(request, _("Hãy nhập số định danh cá nhân của công dân trước."))
        return redirect("assisted:home")
    own = selectors.agent_agencies(request.user)
    versions = _online_versions()
    picker = ProcedureForm(
        request.GET or None,
        versions=versions,
        online_only=online_only_procedure_ids(own, timezone.localdate()),
    )
    version = None
    source = request.POST.get("version") if request.method == "POST" else None
    if source is None and picker.is_valid():
        source = picker.cleaned_data["thu_tuc"]
    if source:
        version = next((v for v in versions if str(v.pk) == str(source)), None)
    start = None
    if version is not None:
        agencies = portal_selectors.receiving_agencies(version)
        start = StartForm(
            request.POST or None,
            agencies=agencies,
            own_agencies=own,
            initial={"version": version.pk},
        )
        if request.method == "POST" and start.is_valid():
            try:
                dossier, prefill = services.start_filing(
                    agent=request.user,
                    for_agency=start.chosen_for_agency(),
                    citizen=citizen,
                    version=version,
                    agency=start.chosen_agency(),
                    key=str(start.cleaned_data["token"]),
                )
            except DossierError as exc:
                start.add_error(None, exc.message)
            else:
                if dossier.status != Status.DRAFT:
                    return redirect("assisted:confirm", dossier.public_id)
                for message in portal_services.unavailable_messages(prefill):
                    messages.warning(request, message)
                return redirect("assisted:form", dossier.public_id)
    return render(
        request,
        "assisted/new.html",
        {"citizen": citizen, "picker": picker, "version": version, "start": start},
        status=400 if request.method == "POST" else 200,
    )


def _draft(request, public_id):
    """The agent's draft, or a redirect to its confirmation page once submitted."""
    dossier = selectors.dossier_of_agent(request.user, public_id)
    if dossier.status != Status.DRAFT:
        return dossier, redirect("assisted:confirm", dossier.public_id)
    return dossier, None


def _form_page(request, dossier, context, *, status=200):
    return render(
        request,
        "assisted/form.html",
        {"dossier": dossier, "eform": context, "step": 1},
        status=status,
    )


@agent_view
def form(request, public_id):
    """The procedure's e-form, as the portal renders and checks it."""
    dossier, done = _draft(request, public_id)
    if done:
        return done
    defn = eforms.definition(dossier.procedure_version.form_schema)
    stored, sources = dossier.form_data or {}, dossier.prefill_sources or {}
    if request.method != "POST":
        context = eform_pages.eform_context(defn, stored, sources=sources, stored=stored)
        return _form_page(request, dossier, context)
    action = request.POST.get("action", "save")
    parsed = eforms.parse_post(defn, request.POST, stored=stored, sources=sources)
    group_change = eforms.apply_group_action(defn, parsed, action)
    data, errors = eforms.check(defn, parsed.data, strict=action == "next")
    errors = eforms.merge_errors(parsed.errors, errors)
    if not errors:
        try:
            portal_services.save_form(dossier, form_data=data, by=request.user)
        except DossierError as exc:
            messages.error(request, exc.message)
            return redirect("assisted:confirm", dossier.public_id)
    if errors or group_change is not None:
        context = eform_pages.eform_context(
            defn, parsed.data, errors=errors, raw=parsed.raw, sources=sources, stored=stored
        )
        return _form_page(request, dossier, context, status=400 if errors else 200)
    if action == "next":
        return redirect("assisted:files", dossier.public_id)
    messages.success(request, _("Đã lưu bản nháp."))
    return redirect("assisted:form", dossier.public_id)


def _files_page(request, dossier, *, errors=None, status=200):
    return render(
        request,
        "assisted/files.html",
        {
            "dossier": dossier,
            "step": 2,
            "components": portal_selectors.components_with_files(dossier),
            "errors": errors or {},
            "limit_mb": max_upload_bytes() // (1024 * 1024),
        },
        status=status,
    )


@agent_view
def files(request, public_id):
    """The files of each component (photos of the citizen's papers)."""
    dossier, done = _draft(request, public_id)
    if done:
        return done
    if request.method != "POST":
        return _files_page(request, dossier)
    upload = UploadForm(request.POST, request.FILES)
    key = request.POST.get("component", "")
    if not upload.is_valid():
        found = [str(m) for name in ("file", "component") for m in upload.errors.get(name, [])]
        return _files_page(request, dossier, errors={key: found}, status=400)
    try:
        attachment = portal_services.attach_upload(
            dossier,
            upload.cleaned_data["file"],
            component_id=upload.cleaned_data["component"],
            by=request.user,
        )
    except DossierError as exc:
        return _files_page(request, dossier, errors={key: [exc.message]}, status=400)
    messages.success(request, _("Đã tải lên tệp “%(name)s”.") % {"name": attachment.original_name})
    return redirect("assisted:files", dossier.public_id)


@require_POST
@agent_view
def remove(request, public_id, attachment_id):
    dossier, done = _draft(request, public_id)
    if done:
        return done
    try:
        portal_services.remove_attachment(dossier, attachment_id, by=request.user)
    except Attachment.DoesNotExist:
        raise Http404 from None
    except DossierError as exc:
        messages.error(request, exc.message)
    return redirect("assisted:files", dossier.public_id)


def _confirm_page(request, dossier, *, problems=None, code_form=None, status=200):
    defn = eforms.definition(dossier.procedure_version.form_schema)
    if problems is None and dossier.status == Status.DRAFT:
        problems = portal_services.submission_problems(
            dossier, by=request.user, check_registries=False
        )
    latest = selectors.latest_code(dossier)
    left, next_at = services.sends_left(dossier)
    return render(
        request,
        "assisted/confirm.html",
        {
            "dossier": dossier,
            "step": 3,
            "masked_id": mask_identifier(dossier.applicant.identifier),
            "fee": quote(dossier.procedure_version, dossier.agency),
            "display": eform_pages.display_sections(
                defn, dossier.form_data, dossier.prefill_sources
            ),
            "components": portal_selectors.components_with_files(dossier),
            "problems": problems or [],
            "latest": latest if latest and latest.confirmed_at is None else None,
            "code_form": code_form or CodeForm(),
            "sends_left": left,
            "next_send_at": next_at,
        },
        status=status,
    )


@agent_view
def confirm(request, public_id):
    """Review, send the code to the citizen's phone, type the code: the dossier is filed."""
    dossier = selectors.dossier_of_agent(request.user, public_id)
    return _confirm_page(request, dossier)


@require_POST
@agent_view
def send_code(request, public_id):
    dossier, done = _draft(request, public_id)
    if done:
        return done
    try:
        row = services.send_code(dossier, by=request.user)
    except portal_services.SubmissionRefused as exc:
        return _confirm_page(request, dossier, problems=exc.problems, status=400)
    except DossierError as exc:
        messages.error(request, exc.message)
        return redirect("assisted:confirm", dossier.public_id)
    messages.success(
        request,
        _(
            "Đã gửi mã xác nhận đến số điện thoại %(phone)s của công dân. Mời công dân đọc "
            "mã cho bạn (mã có hiệu lực 10 phút)."
        )
        % {"phone": row.phone_masked},
    )
    return redirect("assisted:confirm", dossier.public_id)


@require_POST
@agent_view
def check_code(request, public_id):
    dossier = selectors.dossier_of_agent(request.user, public_id)
    if dossier.status != Status.DRAFT:
        return redirect("assisted:confirm", dossier.public_id)
    code_form = CodeForm(request.POST)
    if not code_form.is_valid():
        return _confirm_page(request, dossier, code_form=code_form, status=400)
    try:
        dossier = services.confirm_with_code(
            dossier, code_form.cleaned_data["code"], by=request.user
        )
    except portal_services.SubmissionRefused as exc:
        return _confirm_page(request, dossier, problems=exc.problems, status=400)
    except DossierError as exc:
        code_form.add_error("code", exc.message)
        return _confirm_page(request, dossier, code_form=code_form, status=400)
    messages.success(
        request, _("Công dân đã xác nhận. Hồ sơ %(code)s đã được nộp.") % {"code": dossier.code}
    )
    return redirect("assisted:confirm", dossier.public_id)


# --- The citizen confirms by signing in ---------------------------------------------------


def _citizen_draft(request, public_id):
    applicant = current_applicant(request)
    if applicant is None:
        raise Http404
    dossier = portal_selectors.awaiting_confirmation(applicant).filter(public_id=public_id).first()
    if dossier is None:
        raise Http404
    return applicant, dossier


@citizen_required
@never_cache
def citizen_review(request, public_id):
    """What the agent prepared for the signed-in citizen, with the button that files it."""
    _applicant, dossier = _citizen_draft(request, public_id)
    defn = eforms.definition(dossier.procedure_version.form_schema)
    return render(
        request,
        "assisted/citizen_review.html",
        {
            "dossier": dossier,
            "fee": quote(dossier.procedure_version, dossier.agency),
            "display": eform_pages.display_sections(
                defn, dossier.form_data, dossier.prefill_sources
            ),
            "components": portal_selectors.components_with_files(dossier),
            "problems": portal_services.submission_problems(
                dossier, by=request.user, check_registries=False
            ),
        },
    )


@require_POST
@citizen_required
@never_cache
def citizen_confirm(request, public_id):
    applicant, dossier = _citizen_draft(request, public_id)
    try:
        dossier = services.confirm_by_sign_in(
            dossier, applicant=applicant, by=request.user, eid_level=eid_level(request)
        )
    except portal_services.SubmissionRefused as exc:
        for problem in exc.problems:
            messages.error(request, problem)
        return redirect("assisted:citizen_review", dossier.public_id)
    except DossierError as exc:
        messages.error(request, exc.message)
        return redirect("portal:my_dossiers")
    messages.success(
        request, _("Bạn đã xác nhận. Hồ sơ %(code)s đã được nộp.") % {"code": dossier.code}
    )
    return redirect("portal:dossier", dossier.public_id)
