"""The PKI and result commands an operator runs."""

import pytest
from asn1crypto import pem as asn1_pem
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.core.management import CommandError, call_command
from pyhanko.keys import load_certs_from_pemder

from motcua.datastore.selectors import documents_of
from motcua.dossiers.models import Status
from motcua.dossiers.services import transition
from motcua.results import services
from motcua.results.models import AgencyCertificate
from motcua.results.verify import verify_pdf

from .pdfs import issue_certificate, make_ca, pem, pyhanko_status, read, sample_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(approved, officer):
    return services.issue_electronic_result(approved, officer)


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_setup_pki_is_idempotent_and_says_what_it_made(agency):
    first = run("setup_pki")
    assert "Created CA" in first and "for BN.STP (Sở Tư pháp)" in first
    assert "for BN " in first  # the province signs too
    second = run("setup_pki")
    assert "Existing CA" in second and "Certificates created: 0" in second
    certificate = x509.load_pem_x509_certificate(
        AgencyCertificate.objects.get(agency=agency).certificate_pem.encode()
    )
    usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature and usage.content_commitment
    assert certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)[0].value == (
        "Sở Tư pháp"
    )
    assert certificate.subject.get_attributes_for_oid(x509.NameOID.COUNTRY_NAME)[0].value == "VN"


def test_verify_result_accepts_a_genuine_result_and_refuses_a_changed_one(tmp_path, issued):
    good = tmp_path / "ket-qua.pdf"
    good.write_bytes(read(issued))
    output = run("verify_result", str(good))
    assert "Hợp lệ" in output and issued.number in output and "Sở Tư pháp" in output
    changed = bytearray(read(issued))
    changed[changed.index(b"stream", 200) + 30] ^= 0x01
    bad = tmp_path / "da-sua.pdf"
    bad.write_bytes(bytes(changed))
    with pytest.raises(CommandError, match="Nội dung tệp đã bị thay đổi sau khi ký số"):
        run("verify_result", str(bad))


def test_export_result_by_code_and_the_most_recent(tmp_path, issued):
    run("export_result", "--code", "BN.STP-261123-0001", str(tmp_path / "a.pdf"))
    assert (tmp_path / "a.pdf").read_bytes() == read(issued)
    run("export_result", "--any", str(tmp_path / "b.pdf"))
    assert verify_pdf((tmp_path / "b.pdf").read_bytes()).document == issued
    with pytest.raises(CommandError, match="has no signed result"):
        run("export_result", "--code", "KHONG-CO", str(tmp_path / "c.pdf"))


def test_export_result_without_any_result_says_so(tmp_path):
    with pytest.raises(CommandError, match="no signed result yet"):
        run("export_result", "--any", str(tmp_path / "x.pdf"))


def test_the_exported_ca_is_what_pyhanko_needs_to_trust_a_result(tmp_path, issued):
    run("export_ca", str(tmp_path / "ca.pem"))
    roots = [pem_of(c) for c in load_certs_from_pemder([str(tmp_path / "ca.pem")])]
    status = pyhanko_status(read(issued), roots)
    assert status.intact and status.valid and status.trusted


def test_a_real_certificate_imported_for_the_agency_signs_its_results(
    tmp_path, agency, approved, officer
):
    ca_key, ca_certificate = make_ca("Government CA (thử)")
    key, certificate = issue_certificate(ca_key, ca_certificate, "Sở Tư pháp tỉnh Bắc Ninh")
    (tmp_path / "ca.pem").write_text(pem(ca_certificate))
    (tmp_path / "cert.pem").write_text(pem(certificate))
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    output = run(
        "import_agency_certificate",
        "BN.STP",
        "--cert",
        str(tmp_path / "cert.pem"),
        "--key",
        str(tmp_path / "key.pem"),
        "--ca",
        str(tmp_path / "ca.pem"),
    )
    assert "BN.STP now signs with certificate" in output
    document = services.sign_uploaded_pdf(approved, upload_of(sample_pdf()), by=officer)
    verdict = verify_pdf(read(document))
    assert verdict.valid, verdict.reasons
    assert verdict.signer_name == "Sở Tư pháp tỉnh Bắc Ninh"


def test_a_certificate_whose_issuer_is_unknown_is_refused(tmp_path, agency):
    ca_key, ca_certificate = make_ca("CA lạ")
    key, certificate = issue_certificate(ca_key, ca_certificate, "Sở Tư pháp")
    (tmp_path / "cert.pem").write_text(pem(certificate))
    (tmp_path / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    with pytest.raises(CommandError, match="not a trusted CA"):
        run(
            "import_agency_certificate",
            "BN.STP",
            "--cert",
            str(tmp_path / "cert.pem"),
            "--key",
            str(tmp_path / "key.pem"),
        )


def test_the_signed_result_lands_in_the_citizens_data_store(approved, officer, citizen):
    document = services.issue_electronic_result(approved, officer)
    transition(approved, "issue_result", by=officer)
    approved.refresh_from_db()
    assert approved.status == Status.RESULT_ISSUED and approved.result_electronic
    stored = documents_of(citizen).get()
    assert stored.name == "Giấy khai sinh – BN.STP-261123-0001"
    with stored.file.open("rb") as copy:
        assert verify_pdf(copy.read()).document == document


def pem_of(certificate) -> str:
    return asn1_pem.armor("CERTIFICATE", certificate.dump()).decode()


def upload_of(data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("ket-qua.pdf", data, content_type="application/pdf")


def test_pyhankos_own_command_line_validates_an_exported_result(tmp_path, issued):
    """`pyhanko sign validate` (pyhanko-cli), trusting only the exported CA, says INTACT."""
    import subprocess
    import sys
    from pathlib import Path

    pdf, ca = tmp_path / "ket-qua.pdf", tmp_path / "ca.pem"
    run("export_result", "--code", issued.dossier.code, str(pdf))
    run("export_ca", str(ca))
    cli = Path(sys.executable).with_name("pyhanko")
    command = [str(cli), "sign", "validate", "--trust-replace", "--trust", str(ca)]
    done = subprocess.run([*command, str(pdf)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert ":INTACT:TRUSTED,UNTOUCHED" in done.stdout

    changed = tmp_path / "sua.pdf"
    data = bytearray(pdf.read_bytes())
    data[len(data) // 3] ^= 0x01
    changed.write_bytes(bytes(data))
    refused = subprocess.run([*command, str(changed)], capture_output=True, text=True, timeout=60)
    assert refused.returncode != 0 or ":INTACT:" not in refused.stdout
