"""Results signed on another MotCua instance, verifiable here (dossier exchange, issue #17).

The province settles a dossier filed on the national portal and signs its result with
its own agency certificate, issued by a CA the province trusts. The citizen downloads
and verifies the result on the national portal (Decree 118/2025/NĐ-CP Art. 17(2)), so
the portal must (1) trust the province's CA — shipped in the catalogue the portal pulls
(``authority_pems`` on the province, ``trust_authorities`` on the portal), tied to that
peer (``CertificateAuthority.peer_code``: used only for the results of its agencies, never
passed on; a CA shipped inside a message is never trusted) — and (2) hold
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
    """The PEM of every CA this instance itself trusts for its results (the catalogue
    ships them); never the CAs learnt from a peer."""
    return pki.trusted_certificates()


def trust_authorities(pems: list[str], *, peer_code: str) -> int:
    """Trust each CA certificate in ``pems`` from the catalogue of the exchange peer
    ``peer_code``, only for the results of that peer's agencies (already known ones are
    skipped); returns how many were added. Raises ValueError for a PEM that is not a
    certificate."""
    if not peer_code:
        raise ValueError("a CA from a peer's catalogue is tied to that peer")
    added = 0
    for pem in pems or []:
        _ca, created = pki.import_ca(pem.encode(), peer_code=peer_code)
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


def _issuer_of(certificate: x509.Certificate, peer_code: str) -> CertificateAuthority | None:
    """The CA, trusted here or shipped by ``peer_code``'s catalogue, whose key signed
    ``certificate`` (names alone may repeat: every instance's demo CA has the same name)."""
    for ca in CertificateAuthority.objects.filter(peer_code__in={"", peer_code}):
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
def record_remote_result(
    attachment: Attachment, info: dict[str, Any], *, peer_code: str
) -> ResultDocument:
    """Keep the record of a result signed on the instance ``peer_code``, attached here as
    ``attachment`` (its bytes unchanged): the signer's certificate is kept (without a
    key, never active). A CA shipped in ``info`` is never trusted: the signer's CA must
    be one this instance trusts or one ``peer_code``'s catalogue shipped, and then only
    for a dossier of one of that peer's agencies.

    Idempotent by the verification token. Raises ValueError when the file is not the
    one described (hash) or the signer's CA is not trusted for this dossier.
    """
    existing = ResultDocument.objects.filter(token=info["token"]).first()
    if existing is not None:
        return existing
    if info.get("sha256") != attachment.sha256:
        raise ValueError("the result file does not match its record (sha256)")
    certificate = x509.load_pem_x509_certificates(info["certificate_pem"].encode())[0]
    serial = format(certificate.serial_number, "X")
    stored = AgencyCertificate.objects.filter(serial=serial).first()
    if stored is None:
        issuer = _issuer_of(certificate, peer_code)
        if issuer is None:
            raise ValueError("the result's signer certificate is not issued by a trusted CA")
    else:
        issuer = stored.issuer
    if issuer.peer_code and issuer.peer_code != attachment.dossier.agency.home_instance:
        raise ValueError("the signer's CA is trusted only for another peer's agencies")
    if stored is None:
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
