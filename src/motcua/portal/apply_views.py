"""Applying online: start (or resume) a draft, fill the e-form, attach files, review, submit.

Thin views: input is parsed by forms, changes go through ``services``, dossiers are
reached only through ``selectors.dossier_for`` (the citizen's own).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.catalog import eform
from motcua.catalog.fees import quote
from motcua.catalog.models import Registry
from motcua.datastore import selectors as datastore_selectors
from motcua.datastore.models import Document
from motcua.dossiers.exceptions import DossierError
from motcua.dossiers.files import max_upload_bytes
from motcua.dossiers.models import Attachment, Status

from . import selectors, services
from .access import citizen_view
from .eforms import DossierForm, registry_label
from .forms import PickForm, StartForm, UploadForm


def _draft_or_redirect(applicant, public_id):
    """The citizen's draft, or a redirect to the dossier page when it was submitted."""
    dossier = selectors.dossier_for(applicant, public_id)
    if dossier.status != Status.DRAFT:
        return dossier, redirect("portal:dossier", dossier.public_id)
    return dossier, None


@citizen_view
def apply_start(request, applicant, code: str):
    """Start a new dossier (idempotent by the form's token) or resume a draft."""
    version = selectors.procedure_page(code)
    if version is None:
        raise Http404
    agencies = selectors.receiving_agencies(version) if version.is_offered_online else []
    form = StartForm(request.POST or None, agencies=agencies)
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
            if dossier.status != Status.DRAFT:
                # The same form posted again after the dossier was submitted.
                return redirect("portal:receipt", dossier.public_id)
            for message in services.unavailable_messages(prefill):
                messages.warning(request, message)
            if prefill is not None and prefill.sources:
                messages.info(
                    request,
                    _(
                        "Đã điền sẵn %(n)d thông tin từ cơ sở dữ liệu quốc gia; bạn không "
                        "phải khai lại."
                    )
                    % {"n": len(prefill.sources)},
                )
            return redirect("portal:apply_form", dossier.public_id)
    return render(
        request,
        "portal/apply_start.html",
        {
            "version": version,
            "applicant": applicant,
            "form": form,
            "agencies": agencies,
            "drafts": selectors.drafts_for(applicant, version),
            "components": version.components.all(),
        },
    )


def _retry_registries(dossier) -> list[str]:
    """Labels of the databases that could fill fields still not filled from them."""
    schema = eform.legacy_fields(dossier.procedure_version.form_schema)
    codes = set()
    for spec in schema:
        source = spec.get("source") if isinstance(spec, dict) else None
        if not isinstance(source, str) or "." not in source:
            continue
        registry = source.split(".", 1)[0]
        if registry in Registry.values and spec.get("name") not in dossier.prefill_sources:
            codes.add(registry)
    return sorted(registry_label(code) for code in codes)


@citizen_view
def apply_form(request, applicant, public_id):
    """Step 1: the e-form. "Lưu nháp" keeps an incomplete form; "Tiếp tục" needs it whole."""
    dossier, done = _draft_or_redirect(applicant, public_id)
    if done:
        return done
    strict = request.POST.get("action") == "next"
    form = DossierForm(
        request.POST or None,
        schema=eform.legacy_fields(dossier.procedure_version.form_schema),
        stored=dossier.form_data,
        sources=dossier.prefill_sources,
        strict=strict,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_form(dossier, form_data=form.cleaned_form_data(), by=request.user)
        except DossierError as exc:
            messages.error(request, exc.message)
            return redirect("portal:dossier", dossier.public_id)
        if strict:
            return redirect("portal:apply_files", dossier.public_id)
        messages.success(
            request, _("Đã lưu bản nháp. Bạn có thể quay lại khai tiếp bất cứ lúc nào.")
        )
        return redirect("portal:apply_form", dossier.public_id)
    return render(
        request,
        "portal/apply_form.html",
        {
            "dossier": dossier,
            "form": form,
            "step": 1,
            "retry_registries": _retry_registries(dossier),
        },
    )


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
    errors = dict(errors or {})
    known = {str(component.pk) for component, _files in components}
    # Errors about no component of this procedure go to the top of the page.
    general = [m for key in list(errors) if key not in known for m in errors.pop(key)]
    return render(
        request,
        "portal/apply_files.html",
        {
            "dossier": dossier,
            "step": 2,
            "components": components,
            "documents": documents,
            "errors": errors,
            "general_errors": general,
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


def _as_date(value):
    try:
        return parse_date(str(value or ""))
    except ValueError:
        return None


def _review_page(request, dossier, *, problems, status=200):
    schema = eform.legacy_fields(dossier.procedure_version.form_schema)
    rows = [
        {
            "label": spec.get("label") or spec.get("name"),
            "value": dossier.form_data.get(spec.get("name"), ""),
            "type": spec.get("type"),
            "date": _as_date(dossier.form_data.get(spec.get("name")))
            if spec.get("type") == "date"
            else None,
            "source": registry_label(dossier.prefill_sources[spec["name"]])
            if spec.get("name") in dossier.prefill_sources
            else "",
        }
        for spec in schema
        if spec.get("name")
    ]
    return render(
        request,
        "portal/apply_review.html",
        {
            "dossier": dossier,
            "version": dossier.procedure_version,
            "fee": quote(dossier.procedure_version, dossier.agency),
            "step": 3,
            "rows": rows,
            "components": selectors.components_with_files(dossier),
            "problems": problems,
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
    return _review_page(request, dossier, problems=problems)


@require_POST
@citizen_view
def apply_submit(request, applicant, public_id):
    """Submit the draft; a repeated POST leads to the same receipt."""
    dossier = selectors.dossier_for(applicant, public_id)
    try:
        dossier = services.submit_application(dossier, by=request.user)
    except services.SubmissionRefused as exc:
        return _review_page(request, dossier, problems=exc.problems, status=400)
    except DossierError as exc:
        messages.error(request, exc.message)
        return redirect("portal:dossier", dossier.public_id)
    return redirect("portal:receipt", dossier.public_id)
