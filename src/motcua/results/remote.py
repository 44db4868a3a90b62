"""Results signed on another MotCua instance, verifiable here (dossier exchange, issue #17).

The province settles a dossier filed on the national portal and signs its result with
its own agency certificate, issued by a CA the province trusts. The citizen downloads
and verifies the result on the national portal (Decree 118/2025/NĐ-CP Art. 17(2)), so
the portal must (1) trust the province's CA — shipped in the catalogue the portal pulls
(``authority_pems`` on the province, ``trust_authorities`` on the portal) — and (2) hold
the result's record (number, hash, verification token, signer certificate), shipped in
the result message (``describe`` on the province, ``record_remote_result`` on the
portal). ``verify.verify_pdf`` then judges the file exactly as for a local result.
"""

from __future__ import annotations

from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.db import transaction
from django.utils.dateparse import parse_datetime

from motcua.audit.services import record
from motcua.dossiers.models import Attachment

from . import pki
from .models import AgencyCertificate, CertificateAuthority, ResultDocument


def authority_pems() -> list[str]:
    """The PEM of every CA this instance trusts for its results (the catalogue ships them)."""
    return pki.trusted_certificates()


def trust_authorities(pems: list[str]) -> int:
    """Trust each CA certificate in ``pems`` (already trusted ones are skipped); returns
    how many were added. Raises ValueError for a PEM that is not a certificate."""
    added = 0
    for pem in pems or []:
        _ca, created = pki.import_ca(pem.encode())
        added += int(created)
    return added


def describe(attachment: Attachment) -> dict[str, Any] | None:
    """What another instance needs to verify the signed result ``attachment``: its
    record, the signer's certificate and the CA that issued it; None for a file that
    is not a signed result of this platform (an unsigned scan)."""
    document = (
        ResultDocument.objects.select_related("certificate__issuer")
        .filter(attachment=attachment)
        .first()
    )
    if document is None:
        return None
    return {
        "number": document.number,
        "title": document.title,
        "kind": document.kind,
        "token": document.token,
        "sha256": document.sha256,
        "signed_at": document.signed_at.isoformat(),
        "certificate_pem": document.certificate.certificate_pem,
        "ca_pem": document.certificate.issuer.certificate_pem,
    }


def _issuer_of(certificate: x509.Certificate) -> CertificateAuthority | None:
    """The trusted CA whose key signed ``certificate`` (names alone may repeat: every
    instance's demo CA has the same name)."""
    for ca in CertificateAuthority.objects.all():
        candidate = x509.load_pem_x509_certificate(ca.certificate_pem.encode())
        if candidate.subject != certificate.issuer:
            continue
        try:
            certificate.verify_directly_issued_by(candidate)
        except Exception:  # noqa: BLE001 - a key of another type or another CA
            continue
        return ca
    return None


@transaction.atomic
def record_remote_result(attachment: Attachment, info: dict[str, Any]) -> ResultDocument:
    """Keep the record of a result signed on another instance, attached here as
    ``attachment`` (its bytes unchanged): the signer's certificate is kept (without a
    key, never active) and the CA that issued it is trusted if ``info`` ships it.

    Idempotent by the verification token. Raises ValueError when the file is not the
    one described (hash) or the signer's CA is not trusted.
    """
    existing = ResultDocument.objects.filter(token=info["token"]).first()
    if existing is not None:
        return existing
    if info.get("sha256") != attachment.sha256:
        raise ValueError("the result file does not match its record (sha256)")
    if info.get("ca_pem"):
        trust_authorities([info["ca_pem"]])
    certificate = x509.load_pem_x509_certificates(info["certificate_pem"].encode())[0]
    serial = format(certificate.serial_number, "X")
    stored = AgencyCertificate.objects.filter(serial=serial).first()
    if stored is None:
        issuer = _issuer_of(certificate)
        if issuer is None:
            raise ValueError("the result's signer certificate is not issued by a trusted CA")
        stored = AgencyCertificate.objects.create(
            agency=attachment.dossier.agency,
            issuer=issuer,
            subject=certificate.subject.rfc4514_string()[:500],
            certificate_pem=certificate.public_bytes(serialization.Encoding.PEM).decode(),
            key_pem="",
            serial=serial,
            not_before=certificate.not_valid_before_utc,
            not_after=certificate.not_valid_after_utc,
            active=False,
            imported=True,
        )
    document = ResultDocument.objects.create(
        dossier=attachment.dossier,
        attachment=attachment,
        kind=info.get("kind") or ResultDocument.Kind.GENERATED,
        token=info["token"],
        number=info.get("number", "")[:100],
        title=info.get("title", "")[:500],
        sha256=attachment.sha256,
        certificate=stored,
        signer_serial=serial,
        signed_at=parse_datetime(info["signed_at"]),
    )
    record(
        "result.received",
        obj=attachment.dossier,
        data={"number": document.number, "sha256": document.sha256, "signer": serial},
    )
    return document
