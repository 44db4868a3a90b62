"""The platform's keys and certificates: a demo certification authority and one signing
certificate per agency, private keys stored encrypted (PKCS#8, MOTCUA_PKI_PASSPHRASE).

In production each agency signs with the certificate a licensed CA issued to it (for
state agencies, the Government CA), its key ideally in an HSM: import it with
``motcua import_agency_certificate AGENCY_CODE --cert CERT.pem --key KEY.pem --ca CA.pem``
and set ``MOTCUA_PKI_AUTO_CREATE=0`` so that no demo certificate is ever made.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.agencies.models import Agency
from motcua.agencies.selectors import ancestors
from motcua.audit.services import record

from .exceptions import ResultError
from .models import AgencyCertificate, CertificateAuthority

DEMO_CA_NAME = "MotCua – Tổ chức chứng thực thử nghiệm"
# A certificate must have this much validity left to sign.
MIN_VALIDITY = dt.timedelta(days=1)
BACKDATE = dt.timedelta(minutes=5)  # tolerate clocks a little behind


def passphrase() -> bytes:
    """The passphrase of the stored keys: the setting, or one derived from SECRET_KEY."""
    configured = getattr(settings, "MOTCUA_PKI_PASSPHRASE", "")
    if configured:
        return configured.encode()
    return hashlib.sha256(b"motcua-pki:" + settings.SECRET_KEY.encode()).hexdigest().encode()


def encrypt_key(key) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(passphrase()),
    ).decode("ascii")


def load_key(key_pem: str):
    """The private key stored as ``key_pem``; ResultError when it cannot be decrypted."""
    try:
        return serialization.load_pem_private_key(key_pem.encode("ascii"), passphrase())
    except (ValueError, TypeError) as error:
        raise ResultError(
            _(
                "Không giải mã được khóa ký số của cơ quan (sai MOTCUA_PKI_PASSPHRASE hoặc "
                "SECRET_KEY đã đổi). Vui lòng liên hệ quản trị hệ thống."
            ),
            code="pki_key",
        ) from error


def _new_key():
    if getattr(settings, "MOTCUA_PKI_KEY_ALGORITHM", "ec") == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return ec.generate_private_key(ec.SECP256R1())


def _serial_hex(certificate: x509.Certificate) -> str:
    return format(certificate.serial_number, "X")


def _key_usage(*, sign_documents: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=sign_documents,
        content_commitment=sign_documents,  # nonRepudiation
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=not sign_documents,
        crl_sign=not sign_documents,
        encipher_only=False,
        decipher_only=False,
    )


def province_of(agency: Agency) -> Agency | None:
    """The province (or centrally-run city) the agency belongs to, itself included."""
    for candidate in [agency, *ancestors(agency)]:
        if candidate.kind in (Agency.Kind.PROVINCE, Agency.Kind.CITY):
            return candidate
    return None


def subject_for(agency: Agency) -> x509.Name:
    """The agency's subject: its name as UTF8String, its province, country VN."""
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    province = province_of(agency)
    if province is not None and province.pk != agency.pk:
        attributes.append(x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, province.name))
    attributes += [
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, agency.name),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, agency.code),
        x509.NameAttribute(NameOID.COMMON_NAME, agency.name),
    ]
    return x509.Name(attributes)


def common_name(certificate: x509.Certificate) -> str:
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else certificate.subject.rfc4514_string()


def demo_ca() -> CertificateAuthority | None:
    return CertificateAuthority.objects.filter(is_demo=True).first()


@transaction.atomic
def ensure_ca() -> tuple[CertificateAuthority, bool]:
    """The demo CA, made (and audited) when missing; returns (ca, created)."""
    existing = demo_ca()
    if existing is not None:
        return existing, False
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "MotCua"),
            x509.NameAttribute(NameOID.COMMON_NAME, DEMO_CA_NAME),
        ]
    )
    now = timezone.now()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(now + dt.timedelta(days=settings.MOTCUA_PKI_CA_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(sign_documents=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    try:
        with transaction.atomic():
            ca = CertificateAuthority.objects.create(
                name=DEMO_CA_NAME,
                certificate_pem=certificate.public_bytes(serialization.Encoding.PEM).decode(),
                key_pem=encrypt_key(key),
                serial=_serial_hex(certificate),
                is_demo=True,
                not_before=certificate.not_valid_before_utc,
                not_after=certificate.not_valid_after_utc,
            )
    except IntegrityError:  # made at the same moment by another signer
        return demo_ca(), False
    record("pki.ca_created", obj=ca, data={"serial": ca.serial, "name": ca.name})
    return ca, True


def _issue(agency: Agency, ca: CertificateAuthority) -> AgencyCertificate:
    ca_certificate = x509.load_pem_x509_certificate(ca.certificate_pem.encode())
    ca_key = load_key(ca.key_pem)
    key = _new_key()
    now = timezone.now()
    not_after = min(
        now + dt.timedelta(days=settings.MOTCUA_PKI_CERT_DAYS), ca_certificate.not_valid_after_utc
    )
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject_for(agency))
        .issuer_name(ca_certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - BACKDATE)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(sign_documents=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    return _store(agency, ca, certificate, encrypt_key(key), imported=False)


def _store(agency, ca, certificate, key_pem: str, *, imported: bool) -> AgencyCertificate:
    AgencyCertificate.objects.filter(agency=agency, active=True).update(active=False)
    stored = AgencyCertificate.objects.create(
        agency=agency,
        issuer=ca,
        subject=certificate.subject.rfc4514_string()[:500],
        certificate_pem=certificate.public_bytes(serialization.Encoding.PEM).decode(),
        key_pem=key_pem,
        serial=_serial_hex(certificate),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        imported=imported,
    )
    record(
        "pki.certificate_imported" if imported else "pki.certificate_created",
        obj=stored,
        agency_id=agency.pk,
        data={"serial": stored.serial, "issuer": ca.serial, "agency": agency.code},
    )
    return stored


def usable_certificate(agency: Agency) -> AgencyCertificate | None:
    """The agency's active certificate when it is valid for at least another day."""
    return (
        AgencyCertificate.objects.select_related("issuer", "agency")
        .filter(agency=agency, active=True, not_after__gt=timezone.now() + MIN_VALIDITY)
        .first()
    )


@transaction.atomic
def ensure_certificate(agency: Agency) -> AgencyCertificate:
    """The certificate ``agency`` signs with; a demo one is made when it has none usable.

    Runs in the caller's transaction (the agency row is locked so that two signers do
    not both make one). Raises ResultError when MOTCUA_PKI_AUTO_CREATE is off and the
    agency has no valid certificate.
    """
    certificate = usable_certificate(agency)
    if certificate is not None:
        return certificate
    Agency.objects.select_for_update().filter(pk=agency.pk).first()
    certificate = usable_certificate(agency)
    if certificate is not None:
        return certificate
    if not settings.MOTCUA_PKI_AUTO_CREATE:
        raise ResultError(
            _(
                "Cơ quan “%(agency)s” chưa có chứng thư số còn hiệu lực để ký kết quả. "
                "Vui lòng liên hệ quản trị hệ thống để nhập chứng thư số của cơ quan."
            )
            % {"agency": agency.name},
            code="no_certificate",
        )
    ca, _created = ensure_ca()
    return _issue(agency, ca)


@transaction.atomic
def setup(agencies) -> tuple[CertificateAuthority, bool, list[AgencyCertificate]]:
    """Make the demo CA and a certificate for each of ``agencies`` that has none usable.

    Idempotent; returns (ca, ca created, certificates created).
    """
    ca, ca_created = ensure_ca()
    made = []
    for agency in agencies:
        if usable_certificate(agency) is None:
            made.append(_issue(agency, ca))
    return ca, ca_created, made


def _load_certificates(data: bytes) -> list[x509.Certificate]:
    try:
        return x509.load_pem_x509_certificates(data)
    except ValueError:
        return [x509.load_der_x509_certificate(data)]


@transaction.atomic
def import_ca(data: bytes, *, peer_code: str = "") -> tuple[CertificateAuthority, bool]:
    """Trust the CA certificate in ``data`` (PEM or DER); returns (ca, created). With
    ``peer_code``, only for the results of that exchange peer's agencies."""
    certificate = _load_certificates(data)[0]
    existing = CertificateAuthority.objects.filter(serial=_serial_hex(certificate)).first()
    if existing is not None:
        return existing, False
    ca = CertificateAuthority.objects.create(
        peer_code=peer_code,
        name=common_name(certificate)[:255],
        certificate_pem=certificate.public_bytes(serialization.Encoding.PEM).decode(),
        serial=_serial_hex(certificate),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
    )
    record(
        "pki.ca_imported",
        obj=ca,
        data={"serial": ca.serial, "name": ca.name, "peer": peer_code},
    )
    return ca, True


@transaction.atomic
def import_agency_certificate(
    agency: Agency, cert_data: bytes, key_data: bytes, key_password: bytes | None = None
) -> AgencyCertificate:
    """Make the agency sign with a real certificate and key (PEM); it becomes the active one.

    The issuing CA must be trusted already (``import_ca``). Raises ValueError (message in
    English, for the operator) when the key does not match, the key usage does not allow
    signing documents or the issuer is unknown.
    """
    certificate = _load_certificates(cert_data)[0]
    key = serialization.load_pem_private_key(key_data, key_password)
    public = serialization.PublicFormat.SubjectPublicKeyInfo
    if key.public_key().public_bytes(
        serialization.Encoding.DER, public
    ) != certificate.public_key().public_bytes(serialization.Encoding.DER, public):
        raise ValueError("the private key does not belong to the certificate")
    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        usage = None
    if usage is not None and not (usage.digital_signature or usage.content_commitment):
        raise ValueError("the certificate's key usage does not allow signing documents")
    issuer = next(
        (
            ca
            for ca in CertificateAuthority.objects.all()
            if x509.load_pem_x509_certificate(ca.certificate_pem.encode()).subject
            == certificate.issuer
        ),
        None,
    )
    if issuer is None:
        raise ValueError("the certificate's issuer is not a trusted CA: import it first with --ca")
    return _store(agency, issuer, certificate, encrypt_key(key), imported=True)


def trusted_certificates(peer_code: str = "") -> list[str]:
    """The PEM of every CA this instance trusts for its own results, plus, with
    ``peer_code``, those the exchange peer's catalogue shipped (trusted only for the
    results of that peer's agencies; ``results.remote``)."""
    return list(
        CertificateAuthority.objects.filter(peer_code__in={"", peer_code}).values_list(
            "certificate_pem", flat=True
        )
    )
