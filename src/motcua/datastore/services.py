"""Use cases that change the personal data store. Each runs in one transaction."""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from motcua.audit.services import record
from motcua.dossiers.files import (
    add_attachment,
    check_upload,
    clean_name,
    safe_content,
    sha256_of,
    store_file,
)
from motcua.dossiers.models import Attachment, Dossier, Status
from motcua.dossiers.services import definition_of

from . import conf, selectors
from .exceptions import DatastoreError
from .models import Document

logger = logging.getLogger(__name__)

# A person adds documents to a dossier they are preparing or completing.
OPEN_FOR_FILES = {Status.DRAFT: Attachment.Kind.COMPONENT, Status.WAITING_SUPPLEMENT: None}


def _require_person(user) -> None:
    if user is None or not user.is_authenticated:
        raise DatastoreError(_("Vui lòng đăng nhập để dùng kho dữ liệu."), code="anonymous")


def _default_name(upload) -> str:
    raw = getattr(upload, "name", "") or ""
    original = clean_name(raw) if raw.strip() else ""
    return (original.rsplit(".", 1)[0] if "." in original else original).strip()


@transaction.atomic
def save_upload(user, upload, *, name: str = "") -> Document:
    """Check ``upload`` by its content and keep it in ``user``'s data store.

    ``name`` is what the person calls the document (default: the file name without
    its extension). Raises DossierError (``message`` in Vietnamese) when the file is
    empty, too large or not PDF/JPG/PNG, and DatastoreError when the person is not
    signed in or the upload would pass their quota.
    """
    _require_person(user)
    file_type = check_upload(upload)
    name = name.strip() or _default_name(upload)
    upload = safe_content(upload)  # a PDF rebuilt without active content
    # Lock the owner's row so two uploads at once cannot both slip under the quota.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    used, quota = selectors.used_bytes(user), conf.quota_bytes()
    if used + upload.size > quota:
        raise DatastoreError(
            _(
                "Kho dữ liệu của bạn đã dùng %(used)s trên tổng %(quota)s; tệp này cần "
                "%(size)s. Hãy xóa bớt giấy tờ không còn dùng rồi tải lên lại."
            )
            % {
                "used": filesizeformat(used),
                "quota": filesizeformat(quota),
                "size": filesizeformat(upload.size),
            },
            code="quota_exceeded",
        )
    document = Document(
        owner=user,
        name=(name or _("Giấy tờ"))[:255],
        kind=Document.Kind.UPLOAD,
        content_type=file_type.content_type,
        size=upload.size,
        sha256=sha256_of(upload),
    )
    # A failed write (disk full) leaves no partial file and rolls the row back.
    store_file(document.file, f"tep{file_type.extension}", upload, display_name=document.name)
    document.save()
    return document


@transaction.atomic
def delete_document(user, document: Document) -> None:
    """Delete one of ``user``'s own uploads, row and file (audited as "datastore.delete").

    Raises DatastoreError when the document belongs to someone else or is a result an
    agency issued (results stay in the store). The file is removed once the
    transaction commits, so a rollback never loses it.
    """
    _require_person(user)
    locked = Document.objects.select_for_update().filter(pk=document.pk).first()
    if locked is None or locked.owner_id != user.pk:
        raise DatastoreError(
            _("Không tìm thấy giấy tờ này trong kho dữ liệu của bạn."), code="not_owner"
        )
    if not locked.deletable:
        raise DatastoreError(
            _(
                "“%(name)s” là kết quả giải quyết hồ sơ %(code)s do cơ quan nhà nước trả, "
                "không thể xóa khỏi kho dữ liệu."
            )
            % {"name": locked.name, "code": locked.source_dossier_code or "—"},
            code="result_not_deletable",
        )
    pk, storage, path = locked.pk, locked.file.storage, locked.file.name
    data = {"kind": locked.kind, "sha256": locked.sha256, "size": locked.size}
    locked.delete()
    transaction.on_commit(lambda: storage.delete(path))
    record(
        "datastore.delete",
        actor=user,
        object_type=Document._meta.label_lower,
        object_id=pk,
        data=data,
    )


@transaction.atomic
def copy_to_dossier(
    document: Document,
    dossier: Dossier,
    *,
    component=None,
    by=None,
    kind: str | None = None,
) -> Attachment:
    """Attach a copy of ``document`` to ``dossier`` (source "datastore"), checked by content.

    ``kind`` defaults to a component of a draft and a supplement of a dossier waiting
    for one. Raises DatastoreError when the document is not in the store of the
    dossier's applicant (or of ``by``), the dossier takes no documents now, or the
    component belongs to another procedure; DossierError when the file fails the check.
    """
    # Re-read the status under a lock: the dossier may have been withdrawn meanwhile.
    dossier = Dossier.objects.select_for_update(of=("self",)).get(pk=dossier.pk)
    owner = selectors.owner_of(dossier)
    if (
        owner is None
        or document.owner_id != owner.pk
        or (by is not None and by.pk != document.owner_id)
    ):
        raise DatastoreError(
            _("Giấy tờ này không thuộc kho dữ liệu của người nộp hồ sơ."), code="not_owner"
        )
    if dossier.status not in OPEN_FOR_FILES:
        raise DatastoreError(
            _(
                "Chỉ thêm được giấy tờ vào hồ sơ đang soạn hoặc đang chờ bổ sung; "
                "hồ sơ này đang ở trạng thái “%(status)s”."
            )
            % {"status": dossier.get_status_display()},
            code="dossier_closed_for_files",
        )
    if component is not None and component.version_id != dossier.procedure_version_id:
        raise DatastoreError(
            _("Thành phần hồ sơ đã chọn không thuộc thủ tục của hồ sơ này."),
            code="wrong_component",
        )
    kind = kind or OPEN_FOR_FILES[dossier.status] or Attachment.Kind.SUPPLEMENT
    with document.file.open("rb") as stored:
        return add_attachment(
            dossier,
            stored,
            kind=kind,
            by=by,
            component=component,
            source=Attachment.Source.DATASTORE,
            name=document.download_name,
            # A result the platform signed is copied as is; a person's upload is rebuilt.
            signed_by_us=document.kind == Document.Kind.RESULT,
            # A digitised copy stays one: checked against the original when it was made.
            digitised_at=document.digitised_at,
            digitised_by=getattr(document.source_attachment, "digitised_by", None),
        )


def result_data(dossier: Dossier) -> dict:
    """A result as structured data: the procedure's code, the form and the decision data
    (without the assessor's internal fields: notes, sources checked)."""
    internal = {
        field.get("name")
        for field in definition_of(dossier).get("decision") or []
        if isinstance(field, dict) and field.get("internal")
    }
    decision = getattr(dossier, "decision_data", {}) or {}
    return {
        "procedure": dossier.procedure_version.procedure.code,
        "form": dossier.form_data or {},
        "decision": {k: v for k, v in decision.items() if k not in internal},
    }


def save_result(user, attachment: Attachment, *, data: dict | None = None) -> Document:
    """Keep a copy of a dossier's result file in ``user``'s data store; idempotent.

    Called when a result is issued (see ``receivers``) with the result's structured
    ``data`` (``result_data``). The copy is electronic, so marked as digitised, under the
    name of the procedure's result (reused by a later dossier asking for it). Returns the
    existing copy when the file is already there (giving it ``data`` if it has none
    yet). Raises OSError when the result file cannot be read.
    """
    existing = Document.objects.filter(owner=user, source_attachment=attachment).first()
    if existing is not None:
        if data and not existing.data:
            existing.data = data
            existing.save(update_fields=["data"])
        return existing
    original = attachment.original_name
    document = Document(
        owner=user,
        name=(original.rsplit(".", 1)[0] if "." in original else original)[:255]
        or _("Kết quả giải quyết"),
        kind=Document.Kind.RESULT,
        data=data or {},
        digitised_at=attachment.uploaded_at,
        component_name=attachment.dossier.procedure_version.result_name[:500],
    )
    return _keep_copy(user, attachment, document)


def save_digitised(user, attachment: Attachment) -> Document:
    """Keep a copy of a component digitised at the desk in ``user``'s data store, marked
    as digitised with its component's name; idempotent. Raises OSError when the file
    cannot be read."""
    existing = Document.objects.filter(owner=user, source_attachment=attachment).first()
    if existing is not None:
        return existing
    component = attachment.component.name if attachment.component_id else ""
    original = attachment.original_name
    document = Document(
        owner=user,
        name=(component or original.rsplit(".", 1)[0])[:255] or _("Giấy tờ đã số hóa"),
        kind=Document.Kind.DIGITISED,
        digitised_at=attachment.digitised_at,
        component_name=component[:500],
    )
    return _keep_copy(user, attachment, document)


def _keep_copy(user, attachment: Attachment, document: Document) -> Document:
    """Save ``document`` as the copy of ``attachment``'s file (concurrency-safe)."""
    document.content_type = attachment.content_type
    document.size = attachment.size
    document.source_dossier_code = attachment.dossier.code or ""
    document.source_attachment = attachment
    try:
        with transaction.atomic(), attachment.file.open("rb") as stored:
            document.sha256 = sha256_of(stored)
            prefix = "ketqua" if document.kind == Document.Kind.RESULT else "sohoa"
            document.file.save(f"{prefix}{document.extension}", File(stored), save=False)
            document.save()
    except IntegrityError:
        # Saved meanwhile by a concurrent call.
        storage, path = document.file.storage, document.file.name
        if path:
            storage.delete(path)
        return Document.objects.get(owner=user, source_attachment=attachment)
    return document


def save_digitised_of(dossier: Dossier, attachment_ids) -> list[Document]:
    """Copy the digitised files ``attachment_ids`` (public ids) of ``dossier`` into its
    applicant's data store. As ``save_results_of``: a file that cannot be copied is
    logged and skipped, so digitising never fails because of the store."""
    owner = selectors.owner_of(dossier)
    if owner is None:
        return []
    documents = []
    attachments = dossier.attachments.filter(
        public_id__in=list(attachment_ids or []), digitised=True
    ).select_related("component")
    for attachment in attachments:
        try:
            with transaction.atomic():
                documents.append(save_digitised(owner, attachment))
        except Exception:
            logger.exception(
                "datastore: digitised attachment %s of dossier %s not copied",
                attachment.pk,
                dossier.pk,
            )
    return documents


def save_results_of(dossier: Dossier) -> list[Document]:
    """Copy every result file of ``dossier`` into its applicant's data store.

    A file that cannot be copied is logged (by ids) and skipped, so issuing a result
    never fails because of the store. Returns the documents now in the store.
    """
    owner = selectors.owner_of(dossier)
    if owner is None:
        return []
    documents = []
    data = result_data(dossier)
    for attachment in dossier.attachments.filter(kind=Attachment.Kind.RESULT):
        try:
            with transaction.atomic():
                documents.append(save_result(owner, attachment, data=data))
        except Exception:
            logger.exception(
                "datastore: result attachment %s of dossier %s not copied",
                attachment.pk,
                dossier.pk,
            )
    return documents
