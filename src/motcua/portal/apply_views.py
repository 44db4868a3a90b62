"""Applying online: start (or resume) a draft, fill the e-form, attach files, review, submit.

Thin views: input is parsed by forms, changes go through ``services``, dossiers are
reached only through ``selectors.dossier_for`` (the citizen's own).
"""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.accounts.citizen import eid_level
from motcua.catalog import eform
from motcua.catalog.fees import quote
from motcua.catalog.models import Registry
from motcua.datastore import selectors as datastore_selectors
from motcua.datastore.models import Document
from motcua.dossiers.exceptions import DossierError
from motcua.dossiers.files import max_upload_bytes
from motcua.dossiers.models import Attachment, Status

from . import delivery as result_delivery
from . import eform_pages, eforms, selectors, services
from .access import citizen_view
from .assurance import assurance_problem
from .eforms import registry_label
from .error_summary import entry as error_entry
from .error_summary import error_summary_of
from .forms import PickForm, StartForm, UploadForm


def _draft_or_redirect(applicant, public_id):
    """The citizen's draft, or a redirect to the dossier page when it was submitted."""
    dossier = selectors.dossier_for(applicant, public_id)
    if dossier.status != Status.DRAFT:
        return dossier, redirect("portal:dossier", dossier.public_id)
    return dossier, None


def _started(request, dossier, prefill):
    """Where a freshly started (or re-posted) application goes next, with what was prefilled."""
    if dossier.status != Status.DRAFT:
        # The same form posted again after the dossier was submitted.
        return redirect("portal:receipt", dossier.public_id)
    for message in services.unavailable_messages(prefill):
        messages.warning(request, message)
    if prefill is not None and prefill.sources:
        messages.info(
            request,
            _("Đã điền sẵn %(n)d thông tin từ cơ sở dữ liệu quốc gia; bạn không phải khai lại.")
            % {"n": len(prefill.sources)},
        )
    return redirect("portal:apply_form", dossier.public_id)


@citizen_view
def apply_start(request, applicant, code: str):
    """Start a new dossier (idempotent by the form's token) or resume a draft.

    A screen with one choice is skipped: when one agency receives the procedure online
    and the citizen has no draft of it to resume, opening this address starts the
    dossier and goes straight to the form. Otherwise the citizen picks where to file,
    the agencies of their own commune first and preselected.
    """
    version = selectors.procedure_page(code)
    if version is None:
        raise Http404
    agencies = selectors.receiving_agencies(version) if version.is_offered_online else []
    agencies, own = selectors.own_commune_first(agencies, applicant.address)
    drafts = selectors.drafts_for(applicant, version)
    if request.method == "GET" and len(agencies) == 1 and not drafts:
        try:
            dossier, prefill = services.start_application(
                applicant=applicant,
                version=version,
                agency=agencies[0],
                key=str(uuid.uuid4()),
                by=request.user,
            )
        except DossierError as exc:
            messages.error(request, exc.message)
        else:
            return _started(request, dossier, prefill)
    form = StartForm(request.POST or None, agencies=agencies, preselect=own)
    if request.method == "POST" and version.is_offered_online and form.is_valid():
        try:
            dossier, prefill = services.start_application(
                applicant=applicant,
                version=version,
                agency=form.chosen_agency(),
                key=str(form.cleaned_data["token"]),
                by=request.user,
            )
        except DossierError as exc:
            form.add_error(None, exc.message)
        else:
            return _started(request, dossier, prefill)
    return render(
        request,
        "portal/apply_start.html",
        {
            "version": version,
            "applicant": applicant,
            "form": form,
            "agencies": agencies,
            "drafts": drafts,
            "components": version.components.all(),
            "replaced": set(eform.replaced_components(eforms.definition(version.form_schema))),
            "error_summary": error_summary_of(form),
        },
    )


def _retry_registries(dossier) -> list[str]:
    """Labels of the databases that could fill fields still not filled from them."""
    defn = eforms.definition(dossier.procedure_version.form_schema)
    filled = set(dossier.prefill_sources or {})
    codes = set()
    for path, spec in eform.leaf_fields(defn):
        source = spec.get("source")
        if isinstance(source, str) and "." in source and "[]" not in path:
            registry = source.split(".", 1)[0]
            if registry in Registry.values and path not in filled:
                codes.add(registry)
    for section in defn.get("sections") or []:
        for spec in section.get("fields") or []:
            if spec.get("type") == "person" and spec.get("prefill"):
                prefix = spec["name"] + "."
                if not any(p.startswith(prefix) for p in filled):
                    codes.add(Registry.POPULATION)
    return sorted(registry_label(code) for code in codes)


@citizen_view
def apply_form(request, applicant, public_id):
    """Step 1: the e-form. "Lưu nháp" keeps an incomplete form; "Lưu và tiếp tục" needs
    it whole; "Thêm …" / "Xóa" change a repeatable group (the draft is saved too)."""
    dossier, done = _draft_or_redirect(applicant, public_id)
    if done:
        return done
    defn = eforms.definition(dossier.procedure_version.form_schema)
    stored, sources = dossier.form_data or {}, dossier.prefill_sources or {}
    if request.method != "POST":
        context = eform_pages.eform_context(defn, stored, sources=sources, stored=stored)
        return _form_page(request, dossier, context)
    action = request.POST.get("action", "save")
    strict = action == "next"
    parsed = eforms.parse_post(defn, request.POST, stored=stored, sources=sources)
    group_change = eforms.apply_group_action(defn, parsed, action)
    data, errors = eforms.check(defn, parsed.data, strict=strict)
    errors = eforms.merge_errors(parsed.errors, errors)
    if group_change is not None:
        # The page is shown again with the item added or removed; what the citizen typed
        # is kept on it, and saved when it is valid.
        if not errors:
            _save(request, dossier, data)
        context = eform_pages.eform_context(
            defn, parsed.data, errors=errors, raw=parsed.raw, sources=sources, stored=stored
        )
        return _form_page(request, dossier, context)
    if errors:
        context = eform_pages.eform_context(
            defn, parsed.data, errors=errors, raw=parsed.raw, sources=sources, stored=stored
        )
        return _form_page(request, dossier, context)
    answer = _save(request, dossier, data)
    if answer is not None:
        return answer
    if strict:
        # No file to attach (the e-form replaces the papers, or a database supplies
        # them): the files step has one choice, skip it.
        if not selectors.needs_uploads(dossier):
            return redirect("portal:apply_review", dossier.public_id)
        return redirect("portal:apply_files", dossier.public_id)
    messages.success(request, _("Đã lưu bản nháp. Bạn có thể quay lại khai tiếp bất cứ lúc nào."))
    return redirect("portal:apply_form", dossier.public_id)


def _save(request, dossier, data):
    try:
        services.save_form(dossier, form_data=data, by=request.user)
    except DossierError as exc:
        messages.error(request, exc.message)
        return redirect("portal:dossier", dossier.public_id)
    return None


def _form_page(request, dossier, context, *, status=200):
    return render(
        request,
        "portal/apply_form.html",
        {
            "dossier": dossier,
            "eform": context,
            "step": 1,
            # The files step is left out of the step bar when it is skipped.
            "files_step": selectors.needs_uploads(dossier),
            "retry_registries": _retry_registries(dossier),
        },
        status=status,
    )


def communes(request):
    """The communes loaded under a province (JSON, for the address block's script)."""
    province = request.GET.get("tinh", "")[:120]
    names = eform.communes(province) if province else []
    return JsonResponse({"province": province, "communes": names})


@require_POST
@citizen_view
def apply_refresh(request, applicant, public_id):
    """Ask the national databases again for the fields they did not fill."""
    dossier, done = _draft_or_redirect(applicant, public_id)
    if done:
        return done
    try:
        prefill = services.refresh_prefill(dossier, by=request.user)
    except DossierError as exc:
        messages.error(request, exc.message)
        return redirect("portal:dossier", dossier.public_id)
    for message in services.unavailable_messages(prefill):
        messages.warning(request, message)
    if prefill.sources:
        messages.info(
            request,
            _("Đã lấy %(n)d thông tin từ cơ sở dữ liệu quốc gia.") % {"n": len(prefill.sources)},
        )
    return redirect("portal:apply_form", dossier.public_id)


def _files_page(request, dossier, *, errors=None, status=200):
    documents = list(datastore_selectors.documents_of(request.user))
    components = selectors.components_with_files(dossier)
    # Papers digitised at a desk (or results) that are one of these components: offered
    # first ("Dùng giấy tờ đã số hóa", Decree 118/2025 Art. 17(1)(c)).
    digitised = datastore_selectors.digitised_for(request.user, [c.name for c, _f in components])
    for component, _files in components:
        component.digitised_documents = digitised.get(component.name, [])
    errors = dict(errors or {})
    known = {str(component.pk) for component, _files in components}
    # Errors about no component of this procedure go to the top of the page.
    general = [m for key in list(errors) if key not in known for m in errors.pop(key)]
    names = {str(component.pk): component.name for component, _files in components}
    summary = [error_entry(m) for m in general] + [
        error_entry(m, f"file-{key}", names[key]) for key, msgs in errors.items() for m in msgs
    ]
    return render(
        request,
        "portal/apply_files.html",
        {
            "dossier": dossier,
            "step": 2,
            "files_step": True,
            "components": components,
            "documents": documents,
            "errors": errors,
            "general_errors": general,
            "error_summary": summary,
            "limit_mb": max_upload_bytes() // (1024 * 1024),
        },
        status=status,
    )


@citizen_view
def apply_files(request, applicant, public_id):
    """Step 2: the files of each component (upload, pick from the data store, remove)."""
    dossier, done = _draft_or_redirect(applicant, public_id)
    if done:
        return done
    return _files_page(request, dossier)


@require_POST
@citizen_view
def apply_upload(request, applicant, public_id):
    dossier, done = _draft_or_redirect(applicant, public_id)
    if done:
        return done
    form = UploadForm(request.POST, request.FILES)
    component_id = request.POST.get("component", "")
    if form.is_valid():
        try:
            attachment = services.attach_upload(
                dossier,
                form.cleaned_data["file"],
                component_id=form.cleaned_data["component"],
                by=request.user,
            )
        except DossierError as exc:
            return _files_page(request, dossier, errors={component_id: [exc.message]}, status=400)
        messages.success(
            request, _("Đã tải lên tệp “%(name)s”.") % {"name": attachment.original_name}
        )
        return redirect("portal:apply_files", dossier.public_id)
    errors = [str(m) for field in ("file", "component") for m in form.errors.get(field, [])]
    return _files_page(request, dossier, errors={component_id: errors}, status=400)


@require_POST
@citizen_view
def apply_pick(request, applicant, public_id):
    """Attach a copy of a document from the citizen's own data store."""
    dossier, done = _draft_or_redirect(applicant, public_id)
    if done:
        return done
    form = PickForm(request.POST)
    component_id = request.POST.get("component", "")
    if not form.is_valid():
        errors = [str(m) for field in ("document", "component") for m in form.errors.get(field, [])]
        return _files_page(request, dossier, errors={component_id: errors}, status=400)
    try:
        document = datastore_selectors.document_of(request.user, form.cleaned_data["document"])
    except Document.DoesNotExist:
        raise Http404 from None
    try:
        attachment = services.attach_document(
            dossier, document, component_id=form.cleaned_data["component"], by=request.user
        )
    except DossierError as exc:
        return _files_page(request, dossier, errors={component_id: [exc.message]}, status=400)
    messages.success(
        request,
        _("Đã đính kèm “%(name)s” từ kho dữ liệu.") % {"name": attachment.original_name},
    )
    return redirect("portal:apply_files", dossier.public_id)


@require_POST
@citizen_view
def apply_remove(request, applicant, public_id, attachment_id):
    dossier, done = _draft_or_redirect(applicant, public_id)
    if done:
        return done
    try:
        services.remove_attachment(dossier, attachment_id, by=request.user)
    except Attachment.DoesNotExist:
        raise Http404 from None
    except DossierError as exc:
        messages.error(request, exc.message)
        return redirect("portal:dossier", dossier.public_id)
    messages.success(request, _("Đã gỡ tệp khỏi hồ sơ."))
    return redirect("portal:apply_files", dossier.public_id)


def _review_page(request, dossier, *, problems, status=200, delivery=None):
    defn = eforms.definition(dossier.procedure_version.form_schema)
    components = selectors.components_with_files(dossier)
    return render(
        request,
        "portal/apply_review.html",
        {
            "dossier": dossier,
            "version": dossier.procedure_version,
            "fee": quote(dossier.procedure_version, dossier.agency),
            "step": 3,
            "files_step": selectors.needs_uploads(dossier, components),
            "display": eform_pages.display_sections(
                defn, dossier.form_data, dossier.prefill_sources
            ),
            "components": components,
            "problems": problems,
            "delivery_form": delivery or result_delivery.delivery_form(dossier),
        },
        status=status,
    )


@citizen_view
def apply_review(request, applicant, public_id):
    """Step 3: everything the citizen is about to submit, and what is still missing."""
    dossier, done = _draft_or_redirect(applicant, public_id)
    if done:
        return done
    problems = services.submission_problems(dossier, by=request.user, check_registries=False)
    too_low = assurance_problem(dossier.procedure_version, eid_level(request))
    return _review_page(request, dossier, problems=[too_low, *problems] if too_low else problems)


@require_POST
@citizen_view
def apply_submit(request, applicant, public_id):
    """Submit the draft; a repeated POST leads to the same receipt."""
    dossier = selectors.dossier_for(applicant, public_id)
    try:
        dossier = services.submit_application(
            dossier, by=request.user, eid_level=eid_level(request)
        )
    except services.SubmissionRefused as exc:
        return _review_page(request, dossier, problems=exc.problems, status=400)
    except DossierError as exc:
        messages.error(request, exc.message)
        return redirect("portal:dossier", dossier.public_id)
    return redirect("portal:receipt", dossier.public_id)
