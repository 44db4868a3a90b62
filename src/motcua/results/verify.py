"""Is this PDF a result the platform issued, unchanged since it was signed?

The file must carry a signature that is intact and cryptographically valid, made with a
certificate that chains to a CA the platform trusts (no network look-ups; revocation is
soft-fail, there being no CRL/OCSP for the demo CA), covering the whole file (nothing
appended later), and the file must be exactly the one recorded when it was issued.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from pyhanko.pdf_utils.reader import PdfFileReader

from . import pki
from .models import ResultDocument
from .signing import asn1_certificate

logger = logging.getLogger(__name__)


@dataclass
class Verdict:
    """What verification found; ``reasons`` (Vietnamese) say why a file is not valid."""

    valid: bool
    reasons: list[str] = field(default_factory=list)
    document: ResultDocument | None = None
    signer_name: str = ""
    signed_at: dt.datetime | None = None
    sha256: str = ""


def _common_name(certificate) -> str:
    native = certificate.subject.native
    return native.get("common_name") or certificate.subject.human_friendly


def _refuse(reason: str, **details) -> Verdict:
    return Verdict(valid=False, reasons=[reason], **details)


def verify_pdf(data: bytes, *, expected: ResultDocument | None = None) -> Verdict:
    """Check ``data`` against the signature in it and the platform's records.

    With ``expected``, the file must also be that very result (the page a QR code opens).
    Never raises for a bad file: the verdict says what is wrong.
    """
    # Imported here, not at the top: see signing.py (pyhanko.sign costs a process 0.4 s).
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    digest = hashlib.sha256(data).hexdigest()
    if not data.startswith(b"%PDF-"):
        return _refuse(_("Tệp không phải là tệp PDF."), sha256=digest)
    document = (
        ResultDocument.objects.select_related(
            "certificate", "dossier__agency", "dossier__procedure_version"
        )
        .filter(sha256=digest)
        .first()
    )
    try:
        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    except Exception:  # noqa: BLE001 - any parse failure means the same to the citizen
        return _refuse(_("Tệp PDF bị hỏng, không đọc được."), sha256=digest)
    if not signatures:
        return _refuse(_("Tệp không có chữ ký số."), sha256=digest)
    home = document.dossier.agency.home_instance if document is not None else ""
    context = ValidationContext(
        # A result settled by an exchange peer's agency (recorded here from its message)
        # is judged with that peer's CAs too; any other file with this instance's only.
        trust_roots=[asn1_certificate(pem) for pem in pki.trusted_certificates(home)],
        allow_fetching=False,
        revocation_mode="soft-fail",
        # A recorded result is judged at the time it was signed, so it stays verifiable
        # after its certificate expires.
        moment=document.signed_at if document is not None else None,
    )
    try:
        status = validate_pdf_signature(signatures[-1], context)
    except Exception as error:  # noqa: BLE001 - a malformed signature is a verdict too
        logger.info("signature could not be validated: %r", error)
        return _refuse(
            _("Chữ ký số trong tệp bị hỏng hoặc bị thay đổi, không kiểm tra được."),
            sha256=digest,
        )
    verdict = Verdict(
        valid=False,
        document=document,
        signer_name=_common_name(status.signing_cert),
        signed_at=status.signer_reported_dt,
        sha256=digest,
    )
    reasons = verdict.reasons
    if not status.intact:
        reasons.append(_("Nội dung tệp đã bị thay đổi sau khi ký số."))
    elif not status.valid:
        reasons.append(_("Chữ ký số không hợp lệ (sai về mặt mật mã)."))
    if not status.trusted:
        reasons.append(
            _(
                "Chứng thư số của người ký không do tổ chức chứng thực mà hệ thống tin cậy "
                "cấp (chữ ký không tin cậy)."
            )
        )
    if status.intact and status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        reasons.append(
            _("Tệp đã bị bổ sung hoặc sửa đổi sau khi ký số (chữ ký không bao trùm toàn bộ tệp).")
        )
    if status.intact:
        if document is None:
            reasons.append(
                _(
                    "Tệp không phải là kết quả do hệ thống cấp (không khớp với bản lưu của "
                    "bất kỳ kết quả nào)."
                )
            )
        elif format(status.signing_cert.serial_number, "X") != document.certificate.serial:
            reasons.append(_("Chữ ký số không phải của cơ quan đã ban hành kết quả này."))
    if expected is not None and document is not None and document.pk != expected.pk:
        reasons.append(
            _("Tệp là một kết quả khác (số %(number)s), không phải kết quả đang xem.")
            % {"number": document.number}
        )
    verdict.valid = not reasons
    return verdict


def verify_stored(document: ResultDocument) -> Verdict:
    """Verify the file kept on the platform for ``document`` (the record is still sound)."""
    try:
        with document.attachment.file.open("rb") as stored:
            data = stored.read()
    except OSError:
        return _refuse(_("Không tìm thấy tệp kết quả lưu trên hệ thống."))
    return verify_pdf(data, expected=document)
