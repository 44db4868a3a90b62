"""A generated result is signed so that anyone can tell it is genuine and unchanged."""

import io

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation.status import SignatureCoverageLevel

from motcua.audit.models import AuditRecord
from motcua.dossiers.exceptions import DossierError
from motcua.results import pki, services
from motcua.results.exceptions import ResultError
from motcua.results.models import AgencyCertificate, CertificateAuthority, ResultDocument
from motcua.results.verify import verify_pdf

from .pdfs import (
    append_update,
    issue_certificate,
    make_ca,
    pyhanko_status,
    read,
    sample_pdf,
    sign_with,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(approved, officer):
    return services.issue_electronic_result(approved, officer, base_url="http://testserver")


def test_a_generated_result_verifies(issued):
    data = read(issued)
    verdict = verify_pdf(data)
    assert verdict.valid, verdict.reasons
    assert verdict.document == issued
    assert verdict.signer_name == "Sở Tư pháp"
    assert verdict.signed_at is not None


def test_pyhankos_own_validation_finds_it_intact_valid_and_trusted(issued):
    status = pyhanko_status(read(issued), pki.trusted_certificates())
    assert (status.intact, status.valid, status.trusted) == (True, True, True)
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert status.bottom_line


def test_the_result_is_recorded_with_its_hash_number_and_signer(issued, officer):
    certificate = AgencyCertificate.objects.get(agency__code="BN.STP", active=True)
    assert issued.kind == ResultDocument.Kind.GENERATED
    assert issued.title == "Giấy khai sinh"
    assert issued.number == f"1/{issued.signed_at.year}/KQ-BN.STP"
    assert issued.sha256 == issued.attachment.sha256
    assert (issued.certificate, issued.signer_serial) == (certificate, certificate.serial)
    assert issued.issued_by == officer and len(issued.token) >= 32
    assert issued.attachment.original_name == "Giấy khai sinh – BN.STP-261123-0001.pdf"
    assert AuditRecord.objects.filter(action="result.signed").count() == 1


def test_one_byte_changed_is_refused(issued):
    data = bytearray(read(issued))
    data[data.index(b"stream", 200) + 30] ^= 0x01
    verdict = verify_pdf(bytes(data))
    assert not verdict.valid
    assert "Nội dung tệp đã bị thay đổi sau khi ký số." in verdict.reasons


def test_an_update_appended_after_signing_is_refused(issued):
    verdict = verify_pdf(append_update(read(issued)))
    assert not verdict.valid
    assert any("sau khi ký số (chữ ký không bao trùm" in reason for reason in verdict.reasons)


def test_a_pdf_signed_by_a_foreign_ca_is_untrusted(issued):
    ca_key, ca_certificate = make_ca("Sở Tư pháp (giả mạo)")
    key, certificate = issue_certificate(ca_key, ca_certificate, "Sở Tư pháp")
    verdict = verify_pdf(sign_with(sample_pdf(), key, certificate, ca_certificate))
    assert not verdict.valid
    assert any("chữ ký không tin cậy" in reason for reason in verdict.reasons)
    assert any("không phải là kết quả do hệ thống cấp" in reason for reason in verdict.reasons)


def test_an_unsigned_pdf_and_a_non_pdf_are_refused():
    assert verify_pdf(sample_pdf()).reasons == ["Tệp không có chữ ký số."]
    assert verify_pdf(b"\x89PNG\r\n\x1a\n").reasons == ["Tệp không phải là tệp PDF."]
    assert verify_pdf(b"%PDF-1.7\ngarbage").reasons == ["Tệp PDF bị hỏng, không đọc được."]


def test_signing_makes_the_ca_and_the_agency_certificate_on_demand(approved, officer):
    assert not CertificateAuthority.objects.exists()
    services.issue_electronic_result(approved, officer)
    certificate = AgencyCertificate.objects.get()
    assert certificate.key_pem.startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert "CN=Sở Tư pháp" in certificate.subject and "C=VN" in certificate.subject
    assert set(AuditRecord.objects.values_list("action", flat=True)) >= {
        "pki.ca_created",
        "pki.certificate_created",
        "result.signed",
    }


def test_an_agency_without_certificate_cannot_sign_when_auto_creation_is_off(
    settings, approved, officer
):
    settings.MOTCUA_PKI_AUTO_CREATE = False
    with pytest.raises(ResultError, match="chưa có chứng thư số còn hiệu lực"):
        services.issue_electronic_result(approved, officer)
    assert not ResultDocument.objects.exists()


def test_a_wrong_passphrase_cannot_unlock_the_keys(settings, issued, approved, officer):
    settings.MOTCUA_PKI_PASSPHRASE = "mot-mat-khau-khac"
    with pytest.raises(ResultError, match="Không giải mã được khóa ký số"):
        services.sign_uploaded_pdf(approved, _upload(sample_pdf()), by=officer)


def test_only_an_approved_dossier_gets_a_result(approved, officer):
    approved.status = "in_process"
    approved.save(update_fields=["status"])
    with pytest.raises(ResultError, match="đã được phê duyệt"):
        services.issue_electronic_result(approved, officer)


def test_an_uploaded_pdf_is_signed_with_the_verification_stamp(approved, officer):
    document = services.sign_uploaded_pdf(
        approved, _upload(sample_pdf(), "quyet-dinh.pdf"), by=officer, base_url="http://x.vn"
    )
    data = read(document)
    assert data.startswith(sample_pdf()[:8]) and len(data) > len(sample_pdf())
    assert verify_pdf(data).valid
    assert document.kind == ResultDocument.Kind.UPLOADED
    assert document.attachment.original_name == "quyet-dinh.pdf"
    field = embedded(data)[-1]
    assert field.field_name == "KetQuaKySo"
    x1, y1, x2, y2 = (float(v) for v in field.sig_field["/Rect"])
    assert x2 - x1 > 100 and y2 - y1 > 30  # a visible stamp, with the QR code


def test_a_pdf_signed_before_is_signed_again_and_verifies(approved, officer):
    ca_key, ca_certificate = make_ca("CA khác")
    key, certificate = issue_certificate(ca_key, ca_certificate, "Lãnh đạo Sở")
    already = sign_with(sample_pdf(), key, certificate, ca_certificate, field_name="KetQuaKySo")
    document = services.sign_uploaded_pdf(approved, _upload(already), by=officer)
    assert verify_pdf(read(document)).valid
    assert [s.field_name for s in embedded(read(document))] == ["KetQuaKySo", "KetQuaKySo2"]


def test_a_malformed_pdf_is_refused_with_a_clear_message(approved, officer):
    with pytest.raises(DossierError, match="bị hỏng nên không đọc được"):
        services.sign_uploaded_pdf(approved, _upload(b"%PDF-1.4\n%%EOF\n"), by=officer)
    assert not approved.attachments.exists()


def embedded(data: bytes):
    return PdfFileReader(io.BytesIO(data)).embedded_signatures


def _upload(data: bytes, name: str = "ket-qua.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="application/pdf")
