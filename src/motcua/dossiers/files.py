"""Files of dossiers: the one content check for every upload, storing files, attaching them.

The type is decided by the file's first bytes (magic numbers), never by its name or
the browser's claim, so a renamed program is refused wherever it is uploaded. Then
``inspection`` looks inside (polyglots, compression and pixel bombs), ``pdfs`` reads a
PDF with qpdf, refuses code and rebuilds it without active content, and the optional
virus scanner (``virusscan``, ``MOTCUA_VIRUS_SCANNER``) has its say. Every refusal is a
DossierError whose message tells the person what to do. What is stored is
``safe_content(upload)``: the rebuilt PDF, or the image as it came.

Stored names never come from the person: the display name is cleaned (no folders, no
control or direction characters, the extension of the real type) and the storage
name carries a random part, so a failed write can be removed without touching any
other file (``store_file``).
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db.models import OuterRef, Q, Subquery, Sum
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import Applicant
from motcua.audit.services import record
from motcua.lib.compiled import CompiledQuery
from motcua.lib.db import lock_held
from motcua.lib.inserts import insert

from . import inspection, pdfs, virusscan
from .exceptions import DossierError
from .models import Attachment, Dossier
from .workflow import TERMINAL

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileType:
    extension: str
    content_type: str


SIGNATURES: dict[bytes, FileType] = {
    b"%PDF-": FileType(".pdf", "application/pdf"),
    b"\xff\xd8\xff": FileType(".jpg", "image/jpeg"),
    b"\x89PNG\r\n\x1a\n": FileType(".png", "image/png"),
}
_MB = 1024 * 1024


def max_upload_bytes() -> int:
    return int(getattr(settings, "MOTCUA_MAX_UPLOAD_BYTES", 10 * _MB))


def dossier_quota_bytes() -> int:
    return int(getattr(settings, "MOTCUA_DOSSIER_QUOTA_BYTES", 50 * _MB))


def applicant_quota_bytes() -> int:
    return int(getattr(settings, "MOTCUA_APPLICANT_QUOTA_BYTES", 200 * _MB))


# The files an applicant supplies (online or at the desk as a supplement) count against
# the quotas; a counter scan is the desk's own work and a result the agency's.
QUOTA_KINDS = (Attachment.Kind.COMPONENT, Attachment.Kind.SUPPLEMENT)


def _quota_sums(dossier_id: int, applicant_id: int):
    """This dossier's bytes and those of the applicant's open dossiers, in one statement
    that reads the applicant's dossiers (their index) and each one's files (the index of
    ``Attachment.dossier``): its cost follows the applicant's dossiers, never the
    platform's attachments. Joined the other way, PostgreSQL hashed the whole attachment
    table (4.6 ms at 14,000 files against 0.9 ms, issue #21)."""
    stored = (
        Attachment.objects.filter(dossier_id=OuterRef("pk"), kind__in=QUOTA_KINDS)
        .order_by()
        .values("dossier_id")
        .annotate(total=Sum("size"))
        .values("total")
    )
    this, still_open = Q(pk=dossier_id), ~Q(status__in=sorted(TERMINAL))
    return (
        Dossier.objects.filter(applicant_id=applicant_id)
        .filter(this | still_open)
        .annotate(stored=Subquery(stored))
        .order_by()
        .values("applicant_id")  # one group: the applicant's
        .annotate(
            this_dossier=Sum("stored", filter=this), open_dossiers=Sum("stored", filter=still_open)
        )
        .values_list("this_dossier", "open_dossiers")
    )


# (this dossier's bytes, the applicant's open dossiers' bytes); no row without dossiers.
_QUOTA_SUMS = CompiledQuery(_quota_sums, 0, 0)


def check_quota(dossier: Dossier, size: int, kind: str) -> None:
    """Refuse a file of ``size`` bytes that would take ``dossier`` past its quota
    (``MOTCUA_DOSSIER_QUOTA_BYTES``) or its applicant's open dossiers past theirs
    (``MOTCUA_APPLICANT_QUOTA_BYTES``); kinds outside ``QUOTA_KINDS`` always pass.

    Locks the applicant's row first (inside the caller's transaction), so two uploads
    at once to two of their dossiers cannot both slip under the quota; the dossier's own
    row is locked by the caller, and the applicant's too when the caller read them with
    their locks in this transaction (``applicant_row_locked``, set by the portal's
    ``lock_own_dossier``). Raises DossierError naming the limit.
    """
    if kind not in QUOTA_KINDS:
        return
    if not lock_held(dossier, "applicant_row_locked"):
        Applicant.objects.select_for_update().filter(pk=dossier.applicant_id).first()
    # Both sums in one statement (compiled once per connection): this dossier's files,
    # and those of the applicant's open dossiers.
    [(this_dossier, open_dossiers)] = _QUOTA_SUMS(dossier.pk, dossier.applicant_id) or [(0, 0)]
    needed = {"size": filesizeformat(size)}
    quota = dossier_quota_bytes()
    used = this_dossier or 0
    if used + size > quota:
        raise DossierError(
            _(
                "Hồ sơ đã đạt dung lượng tối đa %(quota)s (đã dùng %(used)s, tệp này cần "
                "%(size)s). Hãy gỡ bớt tệp không cần thiết hoặc nén, chụp lại tệp với "
                "dung lượng nhỏ hơn rồi tải lên lại."
            )
            % {"quota": filesizeformat(quota), "used": filesizeformat(used), **needed},
            code="dossier_quota",
        )
    quota = applicant_quota_bytes()
    used = open_dossiers or 0
    if used + size > quota:
        raise DossierError(
            _(
                "Các hồ sơ chưa hoàn tất của bạn đã dùng %(used)s trên dung lượng tối đa "
                "%(quota)s cho mỗi người nộp; tệp này cần %(size)s. Hãy gỡ bớt tệp ở các "
                "hồ sơ nháp không dùng nữa rồi tải lên lại."
            )
            % {"quota": filesizeformat(quota), "used": filesizeformat(used), **needed},
            code="applicant_quota",
        )


def stream_limit_bytes() -> int:
    """How many bytes of one uploaded file the web process keeps (see uploadhandlers)."""
    explicit = getattr(settings, "MOTCUA_UPLOAD_STREAM_LIMIT_BYTES", None)
    if explicit:
        return int(explicit)
    return max(max_upload_bytes(), int(getattr(settings, "MOTCUA_RESULTS_VERIFY_MAX_BYTES", 0)))


def detect_type(upload) -> FileType | None:
    """The accepted type matching the content of ``upload``, or None."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for signature, kind in SIGNATURES.items():
        if head.startswith(signature):
            return kind
    return None


def clean_name(name: str, extension: str = "") -> str:
    """A file name safe to show and to offer on download: no folders, no control or
    invisible direction characters, at most 120 characters before ``extension`` (the
    real type's, which replaces whatever the name claimed)."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = " ".join(name.split())
    stem = name.rsplit(".", 1)[0] if extension and "." in name else name
    stem = stem.strip(" .")[:120].strip(" .")
    return (stem or "tep") + extension


def _storage_name(display_name: str, extension: str) -> str:
    stem = display_name[: -len(extension)] if extension else display_name
    stem = re.sub(r"[^-\w]", "", stem.replace(" ", "_"))[:60].strip("-_") or "tep"
    return f"{stem}-{secrets.token_hex(5)}{extension}"


def _refusal(reason: str, name: str, kind: FileType) -> DossierError:
    label = {".pdf": "PDF", ".jpg": "JPG", ".png": "PNG"}[kind.extension]
    messages = {
        inspection.MARKUP: _(
            "Tệp “%(name)s” có chứa mã trang web hoặc mã lệnh bên trong tệp %(type)s nên "
            "không được nhận. Hãy quét hoặc xuất lại giấy tờ thành tệp mới rồi tải lên."
        ),
        inspection.HIDDEN_ARCHIVE: _(
            "Tệp “%(name)s” có tệp nén ẩn bên trong tệp %(type)s nên không được nhận. Hãy "
            "quét hoặc xuất lại giấy tờ thành tệp mới rồi tải lên."
        ),
        pdfs.ACTIVE: _(
            "Tệp PDF “%(name)s” chứa mã lệnh (JavaScript), lệnh tự chạy hoặc tệp ẩn bên "
            "trong nên không được nhận. Hãy in tệp ra PDF mới (chọn “In ra PDF”) hoặc quét "
            "lại giấy tờ rồi tải lên."
        ),
        pdfs.ENCRYPTED: _(
            "Tệp PDF “%(name)s” được đặt mật khẩu hoặc mã hóa nên không kiểm tra được. Hãy "
            "gỡ mật khẩu (hoặc in ra PDF mới) rồi tải lên."
        ),
        pdfs.UNREADABLE: _(
            "Tệp PDF “%(name)s” bị hỏng nên không đọc được. Hãy in tệp ra PDF mới (chọn “In "
            "ra PDF”) hoặc quét lại giấy tờ rồi tải lên."
        ),
        inspection.COMPRESSION_BOMB: _(
            "Tệp “%(name)s” chứa dữ liệu nén bất thường (quá lớn khi giải nén) nên không "
            "được nhận. Hãy xuất lại hoặc quét lại giấy tờ rồi tải lên."
        ),
        inspection.PIXEL_BOMB: _(
            "Ảnh “%(name)s” có kích thước quá lớn (tối đa %(limit)d triệu điểm ảnh). Hãy chụp "
            "hoặc quét lại với độ phân giải thấp hơn."
        ),
    }
    return DossierError(
        messages[reason]
        % {"name": name, "type": label, "limit": inspection.max_pixels() // 1_000_000},
        code=reason,
    )


def check_upload(upload) -> FileType:
    """The file's type; raises DossierError with a Vietnamese message saying what is wrong.

    Refused: empty or too large files, anything but PDF/JPG/PNG by content, PDFs with
    scripts, self-running actions or hidden files, encrypted or unreadable PDFs,
    compression and pixel bombs, images that are also web pages, files hiding archives,
    what the virus scanner flags, and, unless ``MOTCUA_VIRUS_SCANNER_FAIL_OPEN``, any
    file while the scanner is down. The verdict (and a PDF's rebuilt bytes) is
    remembered on ``upload`` (a form and then a service may both ask).
    """
    return _checked(upload)[0]


def safe_content(upload) -> File:
    """What to store of ``upload`` once checked: a PDF rebuilt without active content
    (``pdfs``), an image as it came. Raises DossierError as ``check_upload`` does."""
    kind, rebuilt = _checked(upload)
    if rebuilt is None:
        upload.seek(0)
        return upload
    return ContentFile(rebuilt, name=getattr(upload, "name", "") or f"tep{kind.extension}")


def _checked(upload) -> tuple[FileType, bytes | None]:
    remembered = getattr(upload, "_motcua_checked", None)
    if remembered is not None and remembered[0] == upload.size:
        return remembered[1:]
    name = clean_name(getattr(upload, "name", "") or "")
    limit = max_upload_bytes()
    if not upload.size:
        raise DossierError(
            _("Tệp “%(name)s” rỗng (0 byte). Vui lòng chọn lại tệp.") % {"name": name},
            code="empty_file",
        )
    too_large = DossierError(
        _("Tệp “%(name)s” lớn hơn %(limit)d MB. Vui lòng quét lại với độ phân giải thấp hơn.")
        % {"name": name, "limit": limit // _MB},
        code="file_too_large",
    )
    if upload.size > limit:
        raise too_large
    kind = detect_type(upload)
    if kind is None:
        raise DossierError(
            _("Tệp “%(name)s” không phải PDF, JPG hoặc PNG. Chỉ nhận các định dạng này.")
            % {"name": name},
            code="file_type",
        )
    upload.seek(0)
    data = upload.read(limit + 1)  # never more than the limit, whatever ``size`` said
    upload.seek(0)
    if len(data) > limit:
        raise too_large
    reason = inspection.inspect(data, kind.extension)
    if reason is None:
        _scan_for_malware(upload, name)  # what came in, before qpdf reads it
    rebuilt = None
    if reason is None and kind.extension == ".pdf":
        try:
            rebuilt = pdfs.disarmed(data)
        except pdfs.Refused as refused:
            reason = refused.reason
    if reason is not None:
        logger.warning("upload refused: %s (%s, %d bytes)", reason, kind.extension, len(data))
        raise _refusal(reason, name, kind)
    try:
        upload._motcua_checked = (upload.size, kind, rebuilt)
    except AttributeError:
        pass  # a read-only file object: it is simply checked again next time
    return kind, rebuilt


def _scan_for_malware(upload, name: str) -> None:
    try:
        found = virusscan.scan(upload)
    except virusscan.ScannerUnavailable as exc:
        if getattr(settings, "MOTCUA_VIRUS_SCANNER_FAIL_OPEN", False):
            logger.warning("virus scanner unavailable, upload accepted unscanned: %s", exc)
            return
        logger.error("virus scanner unavailable, upload refused: %s", exc)
        raise DossierError(
            _(
                "Hệ thống kiểm tra virus đang tạm thời gián đoạn nên chưa nhận được tệp "
                "“%(name)s”. Vui lòng thử lại sau ít phút."
            )
            % {"name": name},
            code="scanner_unavailable",
        ) from None
    if found:
        logger.warning("upload refused: malware %s (sha256 %s)", found, sha256_of(upload))
        raise DossierError(
            _(
                "Tệp “%(name)s” bị phần mềm diệt virus phát hiện có mã độc nên không được "
                "nhận. Hãy quét virus cho máy tính của bạn và dùng bản sạch của giấy tờ."
            )
            % {"name": name},
            code="malware",
        )


def sha256_of(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(1 << 16), b""):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def store_file(field_file, filename: str, content, *, display_name: str = "") -> None:
    """Write ``content`` through ``field_file`` (a model's FieldFile; the row is not saved).

    A storage failure (disk full, read-only, the object store down) removes whatever
    was partly written and raises DossierError: the caller's transaction then rolls
    back, so neither a row nor a partial file remains. ``filename`` must be unique
    (``_storage_name`` adds a random part), since the partial file is found by it.
    """
    field = field_file.field
    target = field.generate_filename(field_file.instance, filename)
    storage = field_file.storage
    try:
        stored = storage.save(target, File(content), max_length=field.max_length)
    except Exception as exc:
        # Storages raise their own errors: OSError on a disk, botocore's on S3.
        logger.error("file not stored (%s: %s): %s", type(exc).__name__, exc, target)
        try:
            if storage.exists(target):
                storage.delete(target)
        except Exception:
            logger.exception("partial file not removed: %s", target)
        raise DossierError(
            _(
                "Hệ thống chưa lưu được tệp “%(name)s” do sự cố lưu trữ; hồ sơ chưa thay đổi. "
                "Vui lòng thử lại sau ít phút."
            )
            % {"name": display_name or clean_name(filename)},
            code="storage_failed",
        ) from None
    setattr(field_file.instance, field.attname, stored)


def add_attachment(
    dossier: Dossier,
    upload,
    *,
    kind: str,
    by=None,
    component=None,
    source: str = Attachment.Source.UPLOAD,
    name: str = "",
    signed_by_us: bool = False,
    digitised_at=None,
    digitised_by=None,
) -> Attachment:
    """Check ``upload`` by content, store it (a PDF rebuilt without active content) and
    attach it to ``dossier`` (audited).

    ``signed_by_us``: a result the platform made and signed (``results``), stored byte
    for byte since rebuilding it would break the signature; never a person's upload.
    ``digitised_at`` (and ``digitised_by``): the file is a digitised copy checked against
    the original (``dossiers.digitisation``), e.g. one reused from the data store.
    Call inside the transaction that makes the change the file belongs to. Raises
    DossierError when the file is refused by ``check_upload``, would pass a storage
    quota (``check_quota``) or cannot be stored.
    """
    # The quota first: it is cheap, and a file it refuses need not be inspected.
    check_quota(dossier, upload.size, kind)
    file_type = check_upload(upload)
    display = clean_name(name or getattr(upload, "name", "") or "", file_type.extension)
    if not signed_by_us:
        upload = safe_content(upload)
    attachment = Attachment(
        dossier=dossier,
        component=component,
        kind=kind,
        source=source,
        original_name=display[:255],
        content_type=file_type.content_type,
        size=upload.size,
        sha256=sha256_of(upload),
        uploaded_by=by,
        uploaded_at=timezone.now(),
        digitised=digitised_at is not None,
        digitised_at=digitised_at,
        digitised_by=digitised_by if digitised_at is not None else None,
    )
    store_file(
        attachment.file,
        _storage_name(display, file_type.extension),
        upload,
        display_name=display,
    )
    try:
        delay = float(getattr(settings, "MOTCUA_FAULT_DELAY_AFTER_FILE_S", 0) or 0)
        if delay:
            time.sleep(delay)  # fault tests only: the file is on disk, the row not yet
        insert(attachment)
        record(
            "dossier.attach",
            actor=by,
            obj=dossier,
            data={"kind": kind, "sha256": attachment.sha256, "size": attachment.size},
        )
    except BaseException:
        # The row will not exist (the database refused it or went away): neither may
        # the file. A rollback decided later by the caller leaves an orphan for
        # ``cleanup_orphan_files``.
        discard_file(attachment.file)
        raise
    return attachment


def discard_file(field_file) -> None:
    """Delete ``field_file``'s stored file, logging (not raising) when that fails."""
    try:
        if field_file.name:
            field_file.storage.delete(field_file.name)
    except Exception:
        logger.exception("file not removed: %s", field_file.name)


@contextmanager
def removed_on_failure() -> Iterator[list[Attachment]]:
    """Collect the attachments stored in the block; when the block raises, remove their
    files too (their rows roll back with the transaction that the block holds).

    Wrap it around the transaction, so the rollback has happened before the files go::

        with removed_on_failure() as stored, transaction.atomic():
            stored.append(add_attachment(...))
            transition(...)
    """
    stored: list[Attachment] = []
    try:
        yield stored
    except BaseException:
        for attachment in stored:
            discard_file(attachment.file)
        raise
