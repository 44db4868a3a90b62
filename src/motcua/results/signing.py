"""PAdES signatures with pyHanko, made with an agency's certificate."""

from __future__ import annotations

import io
import logging
import tempfile
from typing import TYPE_CHECKING

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError

from . import pki
from .exceptions import ResultError
from .models import AgencyCertificate

# pyhanko.sign, its stamps and its certificate store are imported where a PDF is signed:
# importing them (with aiohttp, for time-stamping) costs every process that starts
# Django about 0.4 s, and most never sign (workers of the public pages, commands, tests;
# results/tests/test_lazy_imports.py keeps it so).
if TYPE_CHECKING:
    from pyhanko.sign import signers

logger = logging.getLogger(__name__)

FIELD_NAME = "KetQuaKySo"
MM = 72 / 25.4
# The visible signature on an uploaded PDF: bottom left of its last page.
STAMP_WIDTH, STAMP_HEIGHT, STAMP_MARGIN = 82 * MM, 26 * MM, 10 * MM


def asn1_certificate(pem: str) -> asn1_x509.Certificate:
    der = x509.load_pem_x509_certificate(pem.encode()).public_bytes(serialization.Encoding.DER)
    return asn1_x509.Certificate.load(der)


def signer_for(certificate: AgencyCertificate) -> signers.SimpleSigner:
    """pyHanko's signer holding the agency's key, its certificate and its CA's."""
    from pyhanko.sign import signers
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    key = pki.load_key(certificate.key_pem)
    key_info = asn1_keys.PrivateKeyInfo.load(
        key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return signers.SimpleSigner(
        signing_cert=asn1_certificate(certificate.certificate_pem),
        signing_key=key_info,
        cert_registry=SimpleCertificateStore.from_certs(
            [asn1_certificate(certificate.issuer.certificate_pem)]
        ),
    )


def _writer(data: bytes) -> IncrementalPdfFileWriter:
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    except (PdfError, ValueError, KeyError, TypeError) as error:
        raise ResultError(
            _(
                "Không đọc được tệp PDF (tệp hỏng hoặc không đúng chuẩn PDF) nên không ký số "
                "được. Vui lòng xuất lại tệp PDF từ phần mềm soạn thảo rồi tải lên."
            ),
            code="pdf_unreadable",
        ) from error
    if writer.prev.encrypted:
        raise ResultError(
            _(
                "Tệp PDF đã đặt mật khẩu hoặc mã hóa nên không ký số được. Vui lòng xuất lại "
                "tệp không đặt mật khẩu rồi tải lên."
            ),
            code="pdf_encrypted",
        )
    return writer


def _stamp_box(writer: IncrementalPdfFileWriter) -> tuple[float, float, float, float]:
    page_ref, _resources = writer.find_page_for_modification(-1)
    x1, y1, x2, y2 = (float(v) for v in page_ref.get_object()["/MediaBox"])
    left, bottom = min(x1, x2), min(y1, y2)
    width = min(STAMP_WIDTH, abs(x2 - x1) - 2 * STAMP_MARGIN)
    height = width * STAMP_HEIGHT / STAMP_WIDTH
    return (
        left + STAMP_MARGIN,
        bottom + STAMP_MARGIN,
        left + STAMP_MARGIN + width,
        bottom + STAMP_MARGIN + height,
    )


def sign_pdf(
    data: bytes,
    certificate: AgencyCertificate,
    *,
    reason: str,
    location: str,
    stamp_pdf: bytes | None = None,
) -> bytes:
    """``data`` signed (PAdES, SHA-256) with ``certificate``; visible when a stamp is given.

    Raises ResultError (Vietnamese) when the PDF cannot be read or signed.
    """
    from pyhanko.pdf_utils.content import ImportedPdfPage
    from pyhanko.sign import fields, signers
    from pyhanko.sign.general import SigningError
    from pyhanko.stamp import StaticStampStyle

    writer = _writer(data)
    taken = {name for name, *_rest in fields.enumerate_sig_fields(writer)}
    field_name, number = FIELD_NAME, 1
    while field_name in taken:  # a file signed before (by us or someone else)
        number += 1
        field_name = f"{FIELD_NAME}{number}"
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location,
        name=pki.common_name(x509.load_pem_x509_certificate(certificate.certificate_pem.encode())),
    )
    signer = signer_for(certificate)
    try:
        if stamp_pdf is None:
            return signers.PdfSigner(meta, signer).sign_pdf(writer).getvalue()
        with tempfile.NamedTemporaryFile(suffix=".pdf") as stamp_file:
            stamp_file.write(stamp_pdf)
            stamp_file.flush()
            pdf_signer = signers.PdfSigner(
                meta,
                signer,
                stamp_style=StaticStampStyle(
                    background=ImportedPdfPage(stamp_file.name), border_width=0
                ),
                new_field_spec=fields.SigFieldSpec(
                    sig_field_name=field_name, on_page=-1, box=_stamp_box(writer)
                ),
            )
            return pdf_signer.sign_pdf(writer).getvalue()
    except (PdfError, SigningError, ValueError, KeyError, TypeError) as error:
        logger.warning("signing failed with certificate %s: %r", certificate.serial, error)
        raise ResultError(
            _(
                "Không ký số được tệp PDF này (có thể tệp đã được khóa chỉnh sửa hoặc có cấu "
                "trúc không chuẩn). Vui lòng xuất lại tệp PDF rồi tải lên."
            ),
            code="sign_failed",
        ) from error
