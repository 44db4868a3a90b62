"""PDF helpers of the results tests: a foreign signer, pyHanko's own verdict, links."""

from __future__ import annotations

import datetime as dt
import io

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from motcua.results.rendering import html_to_pdf
from motcua.results.signing import asn1_certificate


def sample_pdf(text: str = "Quyết định cấp phép") -> bytes:
    """A small real PDF, as an officer's word processor would export it."""
    return html_to_pdf(f"<h1>{text}</h1><p>Nội dung văn bản kết quả.</p>")


def read(document) -> bytes:
    with document.attachment.file.open("rb") as stored:
        return stored.read()


def make_ca(name: str):
    """A self-made CA (key, certificate), e.g. a forger's or a real provider's."""
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.COMMON_NAME, name),
        ]
    )
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return key, certificate


def issue_certificate(ca_key, ca_certificate, name: str):
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name(
                [
                    x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
                    x509.NameAttribute(NameOID.COMMON_NAME, name),
                ]
            )
        )
        .issuer_name(ca_certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(hours=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    return key, certificate


def pem(certificate) -> str:
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


def sign_with(data: bytes, key, certificate, ca_certificate, field_name="Signature1") -> bytes:
    """``data`` signed (PAdES) with a key and certificate that are not the platform's."""
    from asn1crypto import keys as asn1_keys

    key_info = asn1_keys.PrivateKeyInfo.load(
        key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    signer = signers.SimpleSigner(
        signing_cert=asn1_certificate(pem(certificate)),
        signing_key=key_info,
        cert_registry=SimpleCertificateStore.from_certs([asn1_certificate(pem(ca_certificate))]),
    )
    meta = signers.PdfSignatureMetadata(
        field_name=field_name, subfilter=fields.SigSeedSubFilter.PADES, md_algorithm="sha256"
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    return signers.PdfSigner(meta, signer).sign_pdf(writer).getvalue()


def append_update(data: bytes) -> bytes:
    """``data`` with an incremental update appended (the catalogue's language changed)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    writer.root["/Lang"] = generic.pdf_string("en-US")
    writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pyhanko_status(data: bytes, trust_pems: list[str]):
    """pyHanko's own judgement of the last signature, trusting only ``trust_pems``."""
    signature = PdfFileReader(io.BytesIO(data)).embedded_signatures[-1]
    context = ValidationContext(
        trust_roots=[asn1_certificate(p) for p in trust_pems], allow_fetching=False
    )
    return validate_pdf_signature(signature, context)


def link_uris(data: bytes) -> list[str]:
    """The targets of every link annotation in the PDF."""
    reader = PdfFileReader(io.BytesIO(data))
    uris = []
    for index in range(int(reader.root["/Pages"]["/Count"])):
        page_ref, _resources = reader.find_page_for_modification(index)
        for annotation in page_ref.get_object().get("/Annots", []):
            action = annotation.get_object().get("/A")
            if action is not None and "/URI" in action:
                uris.append(str(action["/URI"]))
    return uris
