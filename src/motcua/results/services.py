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
import hashlib
import json
import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from motcua.agencies.models import Agency, Membership, Role
from motcua.audit.services import record
from motcua.catalog import eform
from motcua.dossiers import services as dossier_services
from motcua.dossiers.files import add_attachment, check_upload, removed_on_failure, safe_content
from motcua.dossiers.models import Attachment, Dossier, ResultDelivery, Status
from motcua.registries import services as registry_services
from motcua.registries import writes as registry_writes

from . import pki, rendering, signing
from .exceptions import ResultError
from .models import (
    AgencyCertificate,
    NumberCounter,
    ResultDocument,
    ResultDraft,
    ResultTemplate,
    new_token,
)

logger = logging.getLogger(__name__)

# How the result of "Ban hành kết quả" is issued.
RESULT_GENERATED, RESULT_UPLOAD, RESULT_PAPER = "generated", "upload", "paper"
RESULT_MODES = (RESULT_GENERATED, RESULT_UPLOAD, RESULT_PAPER)
# A result is previewed by the leader before approving, or after approval before issuing.
PREVIEW_STATUSES = (Status.IN_PROCESS, Status.APPROVED)
# The new identifiers a registry answers (its name → the decision data's field), which
# the result's body prints as ``decision.<field>``.
RESULT_IDENTIFIERS = {
    "register_birth": {"personal_id": "child_personal_id", "household_id": "child_household_id"},
    "register_household_business": {
        "business_code": "business_code",
        "tax_code": "business_tax_code",
    },
}


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


def decision_data(dossier: Dossier) -> dict:
    """The specialist's decision data of the dossier (empty when none was recorded)."""
    return dict(getattr(dossier, "decision_data", None) or {})


def signer_of(dossier: Dossier, by=None):
    """The leader whose name the result carries: who approved the dossier, else ``by``
    when they are a leader of the dossier's agency (previewing before approving)."""
    approval = (
        dossier.history.filter(action="approve", actor__isnull=False)
        .select_related("actor")
        .order_by("-at", "-pk")
        .first()
    )
    if approval is not None:
        return approval.actor
    if by is None or not getattr(by, "is_authenticated", False):
        return None
    home = dossier.agency.home_agency.pk
    leads = Membership.objects.filter(user=by, role=Role.LEADER).select_related("agency__parent")
    return by if any(m.agency.home_agency.pk == home for m in leads) else None


def fingerprint(dossier: Dossier, signer) -> str:
    """The hash of what a result document is made from: the form data, the decision
    data, the signer and the procedure's template. A draft whose fingerprint no longer
    matches is stale."""
    template = ResultTemplate.objects.filter(
        procedure_id=dossier.procedure_version.procedure_id
    ).first()
    material = {
        "form": dossier.form_data or {},
        "decision": decision_data(dossier),
        "signer": signer.pk if signer is not None else None,
        # An administrator's edit of the template makes the draft stale too.
        "template": template.updated_at.isoformat() if template is not None else None,
    }
    encoded = json.dumps(material, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(encoded.encode()).hexdigest()


def _flat_rows(rows) -> list[tuple[str, str]]:
    flat = []
    for row in rows:
        if "rows" in row:
            flat.extend(_flat_rows(row["rows"]))
        elif "items" not in row and row.get("text"):
            flat.append((str(row["label"]), str(row["text"])))
    return flat


def _context(
    dossier: Dossier,
    certificate: AgencyCertificate,
    number: str,
    token: str,
    base_url,
    *,
    signer=None,
    template: ResultTemplate | None = None,
):
    version = dossier.procedure_version
    definition = eform.upgrade(version.form_schema or [])
    data = dossier.form_data or {}
    decision = decision_data(dossier)
    sections = eform.display(definition, data, sources=dossier.prefill_sources or None)
    decision_sections = (
        eform.display(definition, decision, decision=True) if definition.get("decision") else []
    )
    now = timezone.now()
    return {
        "dossier": dossier,
        "version": version,
        "procedure": version.procedure,
        "agency": dossier.agency,
        "applicant": dossier.applicant,
        "data": data,
        "decision": decision,
        "sections": sections,
        "decision_sections": decision_sections,
        # The flat (label, value) list older admin-written templates print.
        "form_rows": [row for section in sections for row in _flat_rows(section["rows"])],
        "header": rendering.header_lines(dossier.agency),
        "place": rendering.place_of(dossier.agency),
        "number": number,
        "issued_on": timezone.localdate(now),
        "signed_at": timezone.localtime(now),
        "signer_name": certificate.agency.name,
        "signer_title": rendering.signer_title_lines(
            dossier.agency, template.signer_title if template is not None else ""
        ),
        "signer_person": str(signer) if signer is not None else "",
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


def _previewable(locked: Dossier) -> Dossier:
    """``locked`` if its result may be previewed now; raises ResultError otherwise."""
    if locked.status not in PREVIEW_STATUSES:
        raise ResultError(
            _(
                "Chỉ xem trước kết quả của hồ sơ đang xử lý hoặc đã được phê duyệt; hồ sơ "
                "%(code)s đang ở trạng thái “%(status)s”. Vui lòng tải lại trang."
            )
            % {"code": locked.code, "status": locked.get_status_display()},
            code="not_previewable",
        )
    return locked


def _write_to_registry(dossier: Dossier, definition: dict, by) -> dict:
    """Write the result to the registry it belongs to (``result_data``) and return the new
    identifiers it answers (the child's personal ID, the business code) as decision data
    fields. Idempotent by dossier code: a new preview never duplicates the record.
    Raises ResultError when the registry does not answer or refuses the data.

    Called outside any transaction: a network call (with retries) must not hold the
    dossier's lock."""
    action = (definition.get("result_data") or {}).get("action")
    if not action:
        return {}
    decision = decision_data(dossier)
    try:
        payload = registry_writes.result_payload(action, dossier.form_data or {}, decision)
        written = registry_writes.register_result(
            action,
            reference=dossier.code,
            payload=payload,
            actor=by,
            applicant=dossier.applicant,
        )
    except registry_writes.RegistryWriteError as error:
        logger.warning("registry write %s of dossier %s failed", action, dossier.pk)
        raise ResultError(
            _(
                "Chưa ghi được kết quả vào cơ sở dữ liệu chuyên ngành nên chưa tạo bản xem "
                "trước: %(reason)s"
            )
            % {"reason": error.message},
            code="registry_unavailable",
        ) from error
    except registry_services.InvalidLookup as error:
        raise ResultError(
            _(
                "Biểu mẫu của thủ tục ghi kết quả bằng nghiệp vụ “%(action)s” mà cơ sở dữ liệu "
                "chuyên ngành không có. Vui lòng báo quản trị cơ quan sửa biểu mẫu."
            )
            % {"action": action},
            code="registry_action",
        ) from error
    return {
        key: written[answer]
        for answer, key in RESULT_IDENTIFIERS.get(action, {}).items()
        if written.get(answer) not in (None, "")
    }


def _render(context: dict, template: ResultTemplate | None, dossier: Dossier) -> bytes:
    try:
        return rendering.render_result_pdf(context, template.body if template else None)
    except ResultError:
        raise
    except Exception as error:
        logger.exception("result of dossier %s could not be rendered", dossier.pk)
        raise ResultError(
            _(
                "Không tạo được văn bản kết quả từ mẫu của thủ tục %(procedure)s. Vui lòng "
                "kiểm tra lại mẫu văn bản kết quả hoặc tải lên tệp kết quả."
            )
            % {"procedure": dossier.procedure_version.procedure.code},
            code="render_failed",
        ) from error


def preview_result(dossier: Dossier, *, by, base_url: str | None = None) -> ResultDraft:
    """Make the result document exactly as it will be signed and keep it as the dossier's
    draft (replacing an older one, whose number and verification token it reuses in
    the same year).

    When the procedure's form has ``result_data``, the result is first written to its
    registry and the identifiers it answers go into the decision data, so the document
    carries them. Raises ResultError (Vietnamese) when the dossier is not in process or
    approved, the registry does not answer, or the template cannot be rendered.
    """
    current = _previewable(
        Dossier.objects.select_related("applicant", "procedure_version").get(pk=dossier.pk)
    )
    definition = eform.upgrade(current.procedure_version.form_schema or [])
    _check_assessed(current, definition)
    identifiers = _write_to_registry(current, definition, by)
    with transaction.atomic():
        return _make_draft(dossier, identifiers, by=by, base_url=base_url)


def _check_assessed(dossier: Dossier, definition: dict) -> None:
    """A procedure with decision data is assessed before its result is made: no Phiếu
    LLTP says "không có án tích" and no Giấy khai sinh lacks its register number because
    the specialist recorded nothing."""
    if not definition.get("decision"):
        return
    problems = eform.validate_decision(definition, dossier.decision_data or {})
    if problems:
        labels = {path: label for path, label in _decision_labels(definition).items()}
        missing = ", ".join(f"“{labels.get(path, path)}”" for path in problems)
        raise ResultError(
            _(
                "Chưa tạo được văn bản kết quả: kết quả thẩm định của chuyên viên còn thiếu "
                "hoặc chưa hợp lệ (%(fields)s). Chuyên viên cần ghi “Kết quả thẩm định” "
                "trước."
            )
            % {"fields": missing},
            code="not_assessed",
        )


def _decision_labels(definition: dict) -> dict[str, str]:
    return {
        str(field.get("name")): str(field.get("label") or field.get("name"))
        for field in definition.get("decision") or []
        if isinstance(field, dict)
    }


def _make_draft(dossier: Dossier, identifiers: dict, *, by, base_url) -> ResultDraft:
    locked = _previewable(
        Dossier.objects.select_for_update(of=("self",))
        .select_related("agency__parent", "applicant", "procedure_version__procedure")
        .get(pk=dossier.pk)
    )
    decision = decision_data(locked)
    if any(decision.get(key) != value for key, value in identifiers.items()):
        locked.decision_data = {**decision, **identifiers}
        locked.save(update_fields=["decision_data"])
    version = locked.procedure_version
    certificate = pki.ensure_certificate(locked.agency)
    template = ResultTemplate.objects.filter(procedure_id=version.procedure_id).first()
    title = (template.title if template is not None else "") or version.result_name
    today = timezone.localdate()
    old = ResultDraft.objects.filter(dossier=locked).first()
    if old is not None and old.issued_on.year == today.year:
        number, token = old.number, old.token  # no gap in the agency's numbers
    else:
        number, token = next_number(locked.agency, today), new_token()
    signer = signer_of(locked, by)
    context = {
        **_context(locked, certificate, number, token, base_url, signer=signer, template=template),
        "title": title,
    }
    pdf = _render(context, template, locked)
    draft, _created = ResultDraft.objects.update_or_create(
        dossier=locked,
        defaults={
            "number": number,
            "token": token,
            "title": title[:500],
            "pdf": pdf,
            "sha256": hashlib.sha256(pdf).hexdigest(),
            "fingerprint": fingerprint(locked, signer),
            "issued_on": context["issued_on"],
            "created_by": by if getattr(by, "is_authenticated", False) else None,
            "created_at": timezone.now(),
        },
    )
    record(
        "result.previewed",
        actor=by,
        obj=locked,
        data={"code": locked.code, "number": number, "sha256": draft.sha256},
    )
    return draft


def current_draft(dossier: Dossier) -> ResultDraft | None:
    """The dossier's draft if it can still be signed as it is (same data, made today)."""
    draft = ResultDraft.objects.filter(dossier=dossier).first()
    if draft is None or stale_reason(dossier, draft):
        return None
    return draft


def stale_reason(dossier: Dossier, draft: ResultDraft) -> str:
    """Why ``draft`` may no longer be signed (Vietnamese), or "" when it may."""
    if draft.issued_on != timezone.localdate():
        return _(
            "Bản xem trước ghi ngày %(day)s; văn bản ban hành hôm nay phải ghi ngày hôm nay. "
            "Vui lòng tạo lại bản xem trước rồi ký số."
        ) % {"day": draft.issued_on.strftime("%d/%m/%Y")}
    # Before approval the draft names the leader who made it; after, the approver.
    if draft.fingerprint != fingerprint(dossier, signer_of(dossier, draft.created_by)):
        return _(
            "Tờ khai, dữ liệu thẩm định hoặc người ký của hồ sơ đã thay đổi sau khi xem "
            "trước. Vui lòng tạo lại bản xem trước, kiểm tra rồi mới ký số."
        )
    return ""


def ensure_preview(dossier: Dossier, *, by, base_url: str | None = None) -> ResultDraft:
    """The dossier's signable draft, made now when there is none or it is stale (for
    callers without a preview screen: the API and the demo data)."""
    return current_draft(dossier) or preview_result(dossier, by=by, base_url=base_url)


@transaction.atomic
def sign_draft(dossier: Dossier, by) -> ResultDocument:
    """Sign the previewed draft of an approved dossier, byte for byte (an incremental
    update: the signed file is the draft followed by the signature), attach it and
    drop the draft.

    Call inside the transaction of the ``issue_result`` transition, before it. Raises
    ResultError (Vietnamese) when the dossier is not approved, has no draft, or its
    draft is stale (data changed since, or made on another day).
    """
    locked = _lock_approved(dossier)
    draft = ResultDraft.objects.select_for_update().filter(dossier=locked).first()
    if draft is None:
        raise ResultError(
            _(
                "Chưa có bản xem trước của văn bản kết quả. Vui lòng bấm “Xem trước kết quả”, "
                "kiểm tra văn bản rồi mới ký số và ban hành."
            ),
            code="no_draft",
        )
    reason = stale_reason(locked, draft)
    if reason:
        raise ResultError(reason, code="stale_draft")
    certificate = pki.ensure_certificate(locked.agency)
    signed = signing.sign_pdf(
        bytes(draft.pdf),
        certificate,
        reason=_("Ban hành kết quả giải quyết hồ sơ %(code)s") % {"code": locked.code},
        location=rendering.place_of(locked.agency),
    )
    document = _store(
        locked,
        signed,
        kind=ResultDocument.Kind.GENERATED,
        certificate=certificate,
        number=draft.number,
        token=draft.token,
        title=draft.title,
        by=by,
        name=_file_name(draft.title, locked.code),
    )
    draft.delete()
    return document


def issue_electronic_result(dossier: Dossier, by, base_url: str | None = None) -> ResultDocument:
    """Make the result from the procedure's template (the current draft, or a new one)
    and sign it: for callers without a preview screen (the demo data). Raises
    ResultError like ``preview_result`` and ``sign_draft``."""
    ensure_preview(dossier, by=by, base_url=base_url)
    return sign_draft(dossier, by)


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
    context = {
        "number": number,
        "place": rendering.place_of(locked.agency),
        "signed_at": timezone.localtime(),
        "signer_name": certificate.agency.name,
        "verify_url": rendering.verification_url(token, base_url),
    }
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

    ``mode``: RESULT_GENERATED (the draft made by ``preview_result``, signed byte for
    byte with the agency's certificate), RESULT_UPLOAD (``upload``; a PDF is signed
    with a QR stamp, a scan is kept as is) or RESULT_PAPER (nothing attached;
    ``result_electronic`` stays false). The caller has checked the officer's right to
    act. Raises ResultError for a bad mode or file, a dossier that is not approved, a
    generated result without a current draft (none, or stale) or a missing
    certificate; DossierError/IllegalTransition like ``transition``.
    An electronic result of a dossier whose applicant chose to receive it electronically
    only is returned at once (``return_result`` by the system, in the same transaction).
    Returns the dossier as the transition left it.
    """
    check_issue_result(mode, upload)
    with removed_on_failure() as stored, transaction.atomic():
        if mode == RESULT_GENERATED:
            stored.append(sign_draft(dossier, by).attachment)
        elif mode == RESULT_UPLOAD:
            stored.append(store_uploaded_result(dossier, upload, by=by, base_url=base_url))
        issued = dossier_services.transition(dossier, "issue_result", by=by, note=note)
        if issued.result_delivery == ResultDelivery.ELECTRONIC and issued.result_electronic:
            # The applicant chose the electronic result only (Decree 42/2022/NĐ-CP Art. 11;
            # Decree 118/2025/NĐ-CP Art. 15): issuing it returns it — it is in their
            # dossier and data store from now on. A paper result still waits at the desk.
            return dossier_services.transition(
                issued,
                "return_result",
                note=_("Trả kết quả điện tử theo lựa chọn của người nộp."),
            )
        return issued
