"""Issuing signed results.

``issue_result`` is the use case the back office and the API call: it makes the result
document the officer chose (generated from the template and signed, an uploaded file —
a PDF is signed —, or none for a paper result), attaches it and applies the
``issue_result`` transition, in one transaction; when anything fails the whole action
rolls back and the stored file is removed. The other functions are its steps, each
running in the caller's transaction, before the transition, so the RESULT attachment
makes the result electronic."""

from __future__ import annotations

import datetime as dt
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from motcua.agencies.models import Agency
from motcua.audit.services import record
from motcua.dossiers import services as dossier_services
from motcua.dossiers.files import add_attachment, check_upload, removed_on_failure, safe_content
from motcua.dossiers.models import Attachment, Dossier, Status

from . import pki, rendering, signing
from .exceptions import ResultError
from .models import AgencyCertificate, NumberCounter, ResultDocument, ResultTemplate, new_token

logger = logging.getLogger(__name__)

# How the result of "Ban hành kết quả" is issued.
RESULT_GENERATED, RESULT_UPLOAD, RESULT_PAPER = "generated", "upload", "paper"
RESULT_MODES = (RESULT_GENERATED, RESULT_UPLOAD, RESULT_PAPER)


def next_number(agency: Agency, day: dt.date) -> str:
    """The next document number of ``agency`` in the year of ``day`` ("15/2026/KQ-STP")."""
    NumberCounter.objects.get_or_create(agency=agency, year=day.year)
    NumberCounter.objects.filter(agency=agency, year=day.year).update(value=F("value") + 1)
    value = NumberCounter.objects.get(agency=agency, year=day.year).value
    return f"{value}/{day.year}/KQ-{agency.code}"


def _lock_approved(dossier: Dossier) -> Dossier:
    locked = (
        Dossier.objects.select_for_update(of=("self",))
        .select_related("agency__parent", "applicant", "procedure_version__procedure")
        .get(pk=dossier.pk)
    )
    if locked.status != Status.APPROVED:
        raise ResultError(
            _(
                "Chỉ ban hành kết quả cho hồ sơ đã được phê duyệt; hồ sơ %(code)s đang ở "
                "trạng thái “%(status)s”. Vui lòng tải lại trang."
            )
            % {"code": locked.code, "status": locked.get_status_display()},
            code="not_approved",
        )
    return locked


def _context(dossier: Dossier, certificate: AgencyCertificate, number: str, token: str, base_url):
    version = dossier.procedure_version
    now = timezone.now()
    return {
        "dossier": dossier,
        "version": version,
        "procedure": version.procedure,
        "agency": dossier.agency,
        "applicant": dossier.applicant,
        "data": dossier.form_data or {},
        "form_rows": rendering.form_rows(version, dossier.form_data or {}),
        "header": rendering.header_lines(dossier.agency),
        "place": rendering.place_of(dossier.agency),
        "number": number,
        "issued_on": timezone.localdate(now),
        "signed_at": timezone.localtime(now),
        "signer_name": certificate.agency.name,
        "verify_url": rendering.verification_url(token, base_url),
    }


def _file_name(title: str, code: str) -> str:
    # Kept readable (Vietnamese letters) for the citizen's data store; the storage name
    # is made safe by add_attachment.
    return f"{title} – {code}.pdf"[:200]


def _store(
    dossier: Dossier,
    signed: bytes,
    *,
    kind: str,
    certificate: AgencyCertificate,
    number: str,
    token: str,
    title: str,
    by,
    name: str,
) -> ResultDocument:
    # Made and signed here: stored byte for byte (rebuilding would break the signature).
    attachment = add_attachment(
        dossier,
        ContentFile(signed, name=name),
        kind=Attachment.Kind.RESULT,
        by=by,
        name=name,
        signed_by_us=True,
    )
    try:
        document = ResultDocument.objects.create(
            dossier=dossier,
            attachment=attachment,
            kind=kind,
            token=token,
            number=number,
            title=title[:500],
            sha256=attachment.sha256,
            certificate=certificate,
            signer_serial=certificate.serial,
            signed_at=timezone.now(),
            issued_by=by,
        )
        record(
            "result.signed",
            actor=by,
            obj=dossier,
            data={
                "code": dossier.code,
                "number": number,
                "kind": kind,
                "sha256": document.sha256,
                "certificate": certificate.serial,
            },
        )
    except Exception:
        attachment.file.delete(save=False)  # the row rolls back; the file must go too
        raise
    return document


@transaction.atomic
def issue_electronic_result(dossier: Dossier, by, base_url: str | None = None) -> ResultDocument:
    """Make the dossier's result from its procedure's template, sign it and attach it.

    Call inside the transaction of the ``issue_result`` transition, before it. The QR
    code points at MOTCUA_PORTAL_PUBLIC_URL, else ``base_url``, else
    MOTCUA_RESULTS_DEFAULT_BASE_URL. Raises ResultError (Vietnamese) when the dossier is
    not approved, the agency has no certificate, or the template cannot be rendered.
    """
    locked = _lock_approved(dossier)
    certificate = pki.ensure_certificate(locked.agency)
    version = locked.procedure_version
    template = ResultTemplate.objects.filter(procedure_id=version.procedure_id).first()
    title = (template.title if template is not None else "") or version.result_name
    token = new_token()
    number = next_number(locked.agency, timezone.localdate())
    context = {**_context(locked, certificate, number, token, base_url), "title": title}
    try:
        pdf = rendering.render_result_pdf(context, template.body if template else None)
    except ResultError:
        raise
    except Exception as error:
        logger.exception("result of dossier %s could not be rendered", locked.pk)
        raise ResultError(
            _(
                "Không tạo được văn bản kết quả từ mẫu của thủ tục %(procedure)s. Vui lòng "
                "kiểm tra lại mẫu văn bản kết quả hoặc tải lên tệp kết quả."
            )
            % {"procedure": version.procedure.code},
            code="render_failed",
        ) from error
    signed = signing.sign_pdf(
        pdf,
        certificate,
        reason=_("Ban hành kết quả giải quyết hồ sơ %(code)s") % {"code": locked.code},
        location=context["place"],
    )
    return _store(
        locked,
        signed,
        kind=ResultDocument.Kind.GENERATED,
        certificate=certificate,
        number=number,
        token=token,
        title=title,
        by=by,
        name=_file_name(title, locked.code),
    )


@transaction.atomic
def sign_uploaded_pdf(dossier: Dossier, upload, *, by, base_url: str | None = None):
    """Sign the officer's PDF result (a visible stamp with the verification QR code on its
    last page) and attach it to the dossier. What is signed is the file rebuilt without
    active content (``files.safe_content``), never the bytes as uploaded.

    Call inside the transaction of the ``issue_result`` transition, before it. Raises
    DossierError when the file is empty, too large or not PDF, and ResultError when it
    cannot be read or signed (encrypted, malformed, locked against changes).
    """
    file_type = check_upload(upload)
    if file_type.extension != ".pdf":
        raise ResultError(_("Chỉ ký số được tệp PDF."), code="not_pdf")
    locked = _lock_approved(dossier)
    certificate = pki.ensure_certificate(locked.agency)
    data = safe_content(upload).read()  # disarmed first, then signed
    upload.seek(0)
    token = new_token()
    number = next_number(locked.agency, timezone.localdate())
    title = locked.procedure_version.result_name
    context = _context(locked, certificate, number, token, base_url)
    signed = signing.sign_pdf(
        data,
        certificate,
        reason=_("Ban hành kết quả giải quyết hồ sơ %(code)s") % {"code": locked.code},
        location=context["place"],
        stamp_pdf=rendering.render_stamp_pdf(context),
    )
    original = getattr(upload, "name", "") or _file_name(title, locked.code)
    stem = original.rsplit(".", 1)[0] or get_valid_filename(title)
    return _store(
        locked,
        signed,
        kind=ResultDocument.Kind.UPLOADED,
        certificate=certificate,
        number=number,
        token=token,
        title=title,
        by=by,
        name=f"{stem}.pdf",
    )


def store_uploaded_result(dossier: Dossier, upload, *, by, base_url: str | None = None):
    """Attach the officer's result file: a PDF is signed, a scan (JPG, PNG) is kept as is.

    Returns the Attachment. Raises DossierError/ResultError like ``sign_uploaded_pdf``.
    """
    if check_upload(upload).extension == ".pdf":
        return sign_uploaded_pdf(dossier, upload, by=by, base_url=base_url).attachment
    return add_attachment(dossier, upload, kind=Attachment.Kind.RESULT, by=by)


def check_issue_result(mode: str, upload) -> None:
    """Raise ResultError unless ``mode`` is known and a file comes with (only) an upload."""
    if mode not in RESULT_MODES:
        raise ResultError(_("Hình thức kết quả không hợp lệ."), code="result_mode")
    if mode == RESULT_UPLOAD and upload is None:
        raise ResultError(
            _("Vui lòng chọn tệp kết quả để tải lên (PDF, JPG hoặc PNG)."), code="result_file"
        )
    if mode != RESULT_UPLOAD and upload is not None:
        raise ResultError(
            _("Chỉ gửi kèm tệp khi hình thức kết quả là “tải lên tệp kết quả”."),
            code="result_file",
        )


def issue_result(
    dossier: Dossier,
    *,
    by,
    mode: str = RESULT_GENERATED,
    upload=None,
    note: str = "",
    base_url: str | None = None,
) -> Dossier:
    """Issue the result of an approved dossier: make or take the document, sign it,
    attach it and apply the ``issue_result`` transition, all or nothing.

    ``mode``: RESULT_GENERATED (the procedure's template, signed with the agency's
    certificate), RESULT_UPLOAD (``upload``; a PDF is signed with a QR stamp, a scan is
    kept as is) or RESULT_PAPER (nothing attached; ``result_electronic`` stays false).
    The caller has checked the officer's right to act. Raises ResultError for a bad
    mode or file, a dossier that is not approved, a missing certificate or a template
    that cannot be rendered; DossierError/IllegalTransition like ``transition``.
    Returns the dossier as the transition left it.
    """
    check_issue_result(mode, upload)
    with removed_on_failure() as stored, transaction.atomic():
        if mode == RESULT_GENERATED:
            stored.append(issue_electronic_result(dossier, by, base_url=base_url).attachment)
        elif mode == RESULT_UPLOAD:
            stored.append(store_uploaded_result(dossier, upload, by=by, base_url=base_url))
        return dossier_services.transition(dossier, "issue_result", by=by, note=note)
