"""A citizen's (or a business's) own dossiers: file, follow, supplement, withdraw, rate.

Every dossier is reached through ``portal.selectors.dossiers_of(applicant)``: someone
else's dossier is a 404, whatever its id. Changes go through the portal's services,
the same ones the web pages use.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from django.db import transaction
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.decorators import decorate_view
from ninja.files import UploadedFile

from motcua.catalog import eform
from motcua.dossiers.exceptions import DossierError
from motcua.dossiers.models import Attachment
from motcua.dossiers.models import Status as DossierStatus
from motcua.dossiers.workflow import RATEABLE
from motcua.lib.db import atomic_refusable
from motcua.portal import selectors as portal
from motcua.portal import services as portal_services

from .. import presenters, selectors
from ..auth import AUTH, acting_applicant, eid_level_of
from ..errors import READ_ERRORS, WRITE_ERRORS, ApiError, not_found
from ..idempotency import idempotent
from ..pagination import DEFAULT_LIMIT, MAX_LIMIT, keyset_page
from ..schemas import (
    AttachmentOut,
    DossierDetail,
    DossierList,
    DraftIn,
    FormIn,
    RatingIn,
    RatingOut,
    StopIn,
    WithdrawIn,
)
from ..scopes import READ, WRITE
from ..throttles import CallerThrottle
from .common import (
    KEY_OPTIONAL,
    KEY_REQUIRED,
    MAX_FORM_TEXT,
    binary,
    checked_data,
    file_answer,
    supplement_answers,
)
from .delivery import check_delivery, choose_delivery

router = Router(tags=["Hồ sơ của công dân"], auth=AUTH, throttle=[CallerThrottle()])


def own_dossier(request, public_id, scope: str, *, lock: bool = False, for_submit: bool = False):
    """(caller, dossier) for the caller's own dossier; ApiError 404 for anyone else's.

    ``lock``: inside the call's transaction (an idempotent call), read the row with its
    lock, for a portal service that changes it (it does not read it again);
    ``for_submit``: with the rows the submission uses (``lock_own_dossier``)."""
    who, applicant = acting_applicant(request, scope)
    if lock and transaction.get_connection().in_atomic_block:
        dossier = portal_services.lock_own_dossier(applicant, public_id, for_submit=for_submit)
    else:
        dossier = portal.dossiers_of(applicant).filter(public_id=public_id).first()
    if dossier is None:
        raise not_found()
    return who, dossier


@router.get(
    "/dossiers", response={200: DossierList, **READ_ERRORS}, summary="My dossiers, newest first"
)
def list_dossiers(
    request,
    status: Annotated[
        str | None, Query(None, max_length=20, description="a status code, e.g. draft")
    ],
    limit: Annotated[int, Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)],
    cursor: Annotated[
        str | None, Query(None, max_length=500, description="`next` of the previous page")
    ],
):
    """The dossiers of the applicant the caller acts as (header `X-Acting-As` for a
    business they represent)."""
    _who, applicant = acting_applicant(request, READ)
    qs = portal.dossiers_of(applicant)
    if status:
        qs = qs.filter(status=status)
    page = keyset_page(qs, limit, cursor, "my-dossiers")
    return {"items": [presenters.dossier_summary(d) for d in page.items], "next": page.next}


@router.post(
    "/dossiers",
    response={201: DossierDetail, **WRITE_ERRORS},
    summary="Start a dossier (draft)",
)
@decorate_view(idempotent(required=True))
def create_dossier(request, payload: DraftIn, idempotency_key: str = KEY_REQUIRED):
    """Create a draft for the procedure at the agency (required when several agencies
    receive it), with the e-form values given. Fields a national database fills are
    taken from it and locked (`locked_fields`); values sent for them are ignored.
    Values are nested JSON as described by `GET /procedures/{code}/form` (blocks are
    objects, groups arrays, dates `YYYY-MM-DD`, money an integer of đồng)."""
    who, applicant = acting_applicant(request, WRITE)
    version = selectors.procedure(payload.procedure, components=False)
    if version is None:
        raise ApiError(
            404, "not_found", _("Không tìm thấy thủ tục %(code)s.") % {"code": payload.procedure}
        )
    if not version.is_offered_online:
        raise ApiError(
            422,
            "not_online",
            _("Thủ tục này chưa được cung cấp trực tuyến; vui lòng nộp tại Bộ phận một cửa."),
        )
    # Only the agency chosen is built (a commune-level procedure has one per commune).
    codes = portal.receiving_codes(version)
    code = payload.agency or (codes[0] if len(codes) == 1 else None)
    agency = portal.receiving_agency(version, code) if code else None
    if agency is None:
        raise ApiError(
            422,
            "agency_required",
            _("Hãy chọn một cơ quan tiếp nhận hồ sơ của thủ tục này (trường “agency”)."),
            {"agencies": codes},
        )
    schema = version.form_schema

    def answers(prefilled: dict, sources: dict) -> dict:
        return checked_data(
            schema,
            {**prefilled, **payload.form},
            stored=prefilled,
            sources=sources,
            ignore_locked=True,
        )

    with eform.reads_once():  # both checks read the provinces and communes once
        checked_data(schema, payload.form)  # refuse a malformed form before anything
        if payload.result_delivery is not None:
            check_delivery(payload.result_delivery)
        # Prefilled, checked and written in one INSERT (with the registries' lookup log).
        dossier, _prefill = portal_services.start_application_with_form(
            applicant=applicant, version=version, agency=agency, check=answers, by=who.user
        )
    if payload.result_delivery is not None:
        choose_delivery(dossier, payload.result_delivery, by=who.user)
    return Status(201, presenters.citizen_detail(dossier, new_draft=True))


@router.get(
    "/dossiers/{public_id}",
    response={200: DossierDetail, **READ_ERRORS},
    summary="One of my dossiers: status, timeline, files",
)
def get_dossier(request, public_id: uuid.UUID):
    _who, dossier = own_dossier(request, public_id, READ)
    return presenters.citizen_detail(dossier)


@router.put(
    "/dossiers/{public_id}/form",
    response={200: DossierDetail, **WRITE_ERRORS},
    summary="Replace the e-form values of a draft",
)
def update_form(request, public_id: uuid.UUID, payload: FormIn):
    """Send every value (what is left out becomes empty); locked fields may be left out
    but not changed."""
    who, dossier = own_dossier(request, public_id, WRITE)
    data = checked_data(
        dossier.procedure_version.form_schema,
        payload.form,
        stored=dossier.form_data,
        sources=dossier.prefill_sources,
    )
    if payload.result_delivery is not None:
        check_delivery(payload.result_delivery)
    portal_services.save_form(dossier, form_data=data, by=who.user)
    if payload.result_delivery is not None:
        choose_delivery(dossier, payload.result_delivery, by=who.user)
    return presenters.citizen_detail(dossier)


@router.post(
    "/dossiers/{public_id}/attachments",
    response={201: AttachmentOut, **WRITE_ERRORS},
    summary="Attach a file (PDF, JPG, PNG) to a component of a draft",
)
@decorate_view(idempotent(required=True))
def upload_attachment(
    request,
    public_id: uuid.UUID,
    component: Annotated[int, Form(..., ge=1, le=2_147_483_647, description="component id")],
    file: Annotated[UploadedFile, File(..., description="PDF, JPG or PNG, checked by its content")],
    idempotency_key: str = KEY_REQUIRED,
):
    who, dossier = own_dossier(request, public_id, WRITE, lock=True)
    attachment = portal_services.attach_upload(dossier, file, component_id=component, by=who.user)
    return Status(201, presenters.attachment(attachment))


@router.delete(
    "/dossiers/{public_id}/attachments/{attachment_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Remove a file from a draft",
)
def delete_attachment(request, public_id: uuid.UUID, attachment_id: uuid.UUID):
    who, dossier = own_dossier(request, public_id, WRITE)
    try:
        portal_services.remove_attachment(dossier, attachment_id, by=who.user)
    except Attachment.DoesNotExist:
        raise not_found() from None
    return Status(204, None)


@router.get(
    "/dossiers/{public_id}/attachments/{attachment_id}",
    response=READ_ERRORS,
    openapi_extra=binary("application/octet-stream", "the file"),
    summary="Download a file of my dossier",
)
def download_attachment(request, public_id: uuid.UUID, attachment_id: uuid.UUID):
    _who, dossier = own_dossier(request, public_id, READ)
    return file_answer(dossier.attachments.filter(public_id=attachment_id).first())


@router.post(
    "/dossiers/{public_id}/submit",
    response={200: DossierDetail, **WRITE_ERRORS},
    summary="Submit a draft (it gets its code; the fee is frozen)",
)
@decorate_view(idempotent(required=False))
def submit(request, public_id: uuid.UUID, idempotency_key: str | None = KEY_OPTIONAL):
    """Refused with 422 `submission_refused` and the list of what to fix in `details`
    (422 `assurance_too_low` when the procedure requires an e-ID level 2 sign-in and the
    caller proved level 1). The dossier records the caller's e-ID level
    (`identity_assurance`). Submitting an already submitted dossier answers it unchanged."""
    # One transaction for the call (a keyed call is in one already): the dossier is read
    # once, with its lock, and its files once, for the checks and for the answer (the
    # submission attaches none). A refusal is raised after the block: the registries'
    # lookup logs of the verification stay.
    with atomic_refusable(DossierError):
        who, dossier = own_dossier(request, public_id, WRITE, lock=True, for_submit=True)
        files = portal.attachments_of(dossier)
        was_draft = dossier.status == DossierStatus.DRAFT
        dossier = portal_services.submit_application(
            dossier, by=who.user, eid_level=eid_level_of(request, who), attachments=files
        )
    first = (
        was_draft and dossier.status == DossierStatus.SUBMITTED and dossier.submitted_at is not None
    )
    return presenters.citizen_detail(dossier, first_submission=first, attachments=files)


@router.post(
    "/dossiers/{public_id}/supplement",
    response={200: DossierDetail, **WRITE_ERRORS},
    summary="Send the documents the agency asked for and/or corrected answers",
)
@decorate_view(idempotent(required=True))
def supplement(
    request,
    public_id: uuid.UUID,
    files: Annotated[
        list[UploadedFile],
        File(None, description="PDF, JPG or PNG files (none when only answers change)"),
    ] = None,
    note: Annotated[str, Form("", max_length=2000)] = "",
    components: Annotated[
        str,
        Form(
            "",
            max_length=2000,
            description=(
                "the component each file in `files` answers, in the same order: component "
                "ids separated by commas, empty for a file tied to none (e.g. `12,,15`). "
                "Every component the open request lists needs at least one file, else 422 "
                "`supplement_incomplete`."
            ),
        ),
    ] = "",
    form: Annotated[
        str,
        Form(
            "",
            max_length=MAX_FORM_TEXT,
            description=(
                "optional: the e-form's answers corrected as the agency asked, a JSON "
                "object in the shape of `form_data` (docs/EFORMS.md) with every value "
                "(what is left out becomes empty; locked fields may be left out but not "
                "changed). Checked as on submission: 422 `invalid_form` with the "
                "problems by data path in `details`."
            ),
        ),
    ] = "",
    idempotency_key: str = KEY_REQUIRED,
):
    """Only while the dossier waits for a supplement; the legal clock resumes. At least
    one file, or answers that differ from the dossier's. Answers that changed are kept
    as a revision the officers compare."""
    who, dossier = own_dossier(request, public_id, WRITE)
    answers = supplement_answers(dossier, form) if form.strip() else None
    uploads, by_component = split_by_component(files or [], components)
    dossier = portal_services.answer_supplement(
        dossier,
        uploads=uploads,
        note=note,
        form_data=answers,
        component_uploads=by_component,
        by=who.user,
    )
    return presenters.citizen_detail(dossier)


def split_by_component(files: list, components: str) -> tuple[list, dict[int, list]]:
    """``files`` split by the comma-separated component ids (one per file, in order; empty:
    none) into (files for no component, {component id: files})."""
    ids = [part.strip() for part in components.split(",")] if components.strip() else []
    if len(ids) > len(files):
        raise DossierError(
            _("Số thành phần hồ sơ nhiều hơn số tệp gửi kèm."), code="bad_components"
        )
    loose, tied = [], {}
    for index, upload in enumerate(files):
        ident = ids[index] if index < len(ids) else ""
        if not ident:
            loose.append(upload)
            continue
        if not ident.isdigit():
            raise DossierError(_("Mã thành phần hồ sơ không hợp lệ."), code="bad_components")
        tied.setdefault(int(ident), []).append(upload)
    return loose, tied


@router.post(
    "/dossiers/{public_id}/withdraw",
    response={200: DossierDetail, **WRITE_ERRORS},
    summary="Withdraw a dossier not yet received",
)
@decorate_view(idempotent(required=False))
def withdraw(
    request, public_id: uuid.UUID, payload: WithdrawIn, idempotency_key: str | None = KEY_OPTIONAL
):
    who, dossier = own_dossier(request, public_id, WRITE)
    dossier = portal_services.withdraw_dossier(dossier, reason=payload.reason, by=who.user)
    return presenters.citizen_detail(dossier)


@router.post(
    "/dossiers/{public_id}/stop",
    response={200: DossierDetail, **WRITE_ERRORS},
    summary="Stop the processing of a received dossier at the applicant's request",
)
@decorate_view(idempotent(required=False))
def stop(
    request, public_id: uuid.UUID, payload: StopIn, idempotency_key: str | None = KEY_OPTIONAL
):
    who, dossier = own_dossier(request, public_id, WRITE)
    dossier = portal_services.stop_dossier(dossier, reason=payload.reason, by=who.user)
    return presenters.citizen_detail(dossier)


@router.post(
    "/dossiers/{public_id}/rating",
    response={201: RatingOut, **WRITE_ERRORS},
    summary="Rate the handling (1–5), once, after the result",
)
@decorate_view(idempotent(required=False))
def rate(
    request, public_id: uuid.UUID, payload: RatingIn, idempotency_key: str | None = KEY_OPTIONAL
):
    who, dossier = own_dossier(request, public_id, WRITE)
    rating = portal_services.rate_dossier(
        dossier, score=payload.score, comment=payload.comment, by=who.user
    )
    return Status(
        201, {"score": rating.score, "comment": rating.comment, "rated_at": rating.rated_at}
    )


@router.get(
    "/dossiers/{public_id}/result",
    response=READ_ERRORS,
    openapi_extra=binary("application/pdf", "the signed result (PDF, or the scanned result)"),
    summary="Download the result of my dossier",
)
def download_result(request, public_id: uuid.UUID):
    """Available once the result is issued; verify it with `/public/results/verify`."""
    _who, dossier = own_dossier(request, public_id, READ)
    if dossier.status not in RATEABLE:
        raise ApiError(404, "no_result", _("Hồ sơ chưa có kết quả điện tử."))
    return file_answer(presenters.result_attachment(dossier))
