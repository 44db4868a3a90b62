"""Files of dossiers: the one content check for every upload, and attaching files.

The type is decided by the file's first bytes (magic numbers), never by its name or
the browser's claim, so a renamed program is refused wherever it is uploaded.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import File
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from motcua.audit.services import record

from .exceptions import DossierError
from .models import Attachment, Dossier


@dataclass(frozen=True)
class FileType:
    extension: str
    content_type: str


SIGNATURES: dict[bytes, FileType] = {
    b"%PDF-": FileType(".pdf", "application/pdf"),
    b"\xff\xd8\xff": FileType(".jpg", "image/jpeg"),
    b"\x89PNG\r\n\x1a\n": FileType(".png", "image/png"),
}


def max_upload_bytes() -> int:
    return getattr(settings, "MOTCUA_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)


def detect_type(upload) -> FileType | None:
    """The accepted type matching the content of ``upload``, or None."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for signature, kind in SIGNATURES.items():
        if head.startswith(signature):
            return kind
    return None


def check_upload(upload) -> FileType:
    """The file's type; raises DossierError with a Vietnamese message saying what is wrong."""
    limit_mb = max_upload_bytes() // (1024 * 1024)
    if not upload.size:
        raise DossierError(
            _("Tệp “%(name)s” rỗng (0 byte). Vui lòng chọn lại tệp.") % {"name": upload.name},
            code="empty_file",
        )
    if upload.size > max_upload_bytes():
        raise DossierError(
            _("Tệp “%(name)s” lớn hơn %(limit)d MB. Vui lòng quét lại với độ phân giải thấp hơn.")
            % {"name": upload.name, "limit": limit_mb},
            code="file_too_large",
        )
    kind = detect_type(upload)
    if kind is None:
        raise DossierError(
            _("Tệp “%(name)s” không phải PDF, JPG hoặc PNG. Chỉ nhận các định dạng này.")
            % {"name": upload.name},
            code="file_type",
        )
    return kind


def sha256_of(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(1 << 16), b""):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def add_attachment(
    dossier: Dossier,
    upload,
    *,
    kind: str,
    by=None,
    component=None,
    source: str = Attachment.Source.UPLOAD,
    name: str = "",
) -> Attachment:
    """Check ``upload`` by content, store it and attach it to ``dossier`` (audited).

    Call inside the transaction that makes the change the file belongs to. Raises
    DossierError when the file is empty, too large or not PDF/JPG/PNG.
    """
    file_type = check_upload(upload)
    original = name or getattr(upload, "name", "") or "tep"
    stem = get_valid_filename(original.rsplit(".", 1)[0])[:60] or "tep"
    attachment = Attachment(
        dossier=dossier,
        component=component,
        kind=kind,
        source=source,
        original_name=original[:255],
        content_type=file_type.content_type,
        size=upload.size,
        sha256=sha256_of(upload),
        uploaded_by=by,
        uploaded_at=timezone.now(),
    )
    attachment.file.save(f"{stem}{file_type.extension}", File(upload), save=False)
    attachment.save()
    record(
        "dossier.attach",
        actor=by,
        obj=dossier,
        data={"kind": kind, "sha256": attachment.sha256, "size": attachment.size},
    )
    return attachment
