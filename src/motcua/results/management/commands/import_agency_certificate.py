import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from motcua.agencies.models import Agency
from motcua.results import pki


class Command(BaseCommand):
    help = (
        "Make an agency sign its results with its real certificate: --cert CERT.pem "
        "--key KEY.pem (PEM; an encrypted key's password from the environment variable "
        "named by --key-password-env), --ca CA.pem to trust the issuing CA first. The key "
        "is stored encrypted with MOTCUA_PKI_PASSPHRASE."
    )

    def add_arguments(self, parser):
        parser.add_argument("agency_code")
        parser.add_argument("--cert", required=True, type=Path)
        parser.add_argument("--key", required=True, type=Path)
        parser.add_argument("--ca", action="append", type=Path, default=[])
        parser.add_argument("--key-password-env", default="", metavar="VAR")

    def handle(self, *args, agency_code, cert, key, ca, key_password_env, **options):
        try:
            agency = Agency.objects.get(code=agency_code)
        except Agency.DoesNotExist:
            raise CommandError(f"no agency with code {agency_code}") from None
        password = os.environ.get(key_password_env, "").encode() if key_password_env else None
        try:
            for path in ca:
                authority, created = pki.import_ca(path.read_bytes())
                self.stdout.write(
                    f"{'Trusted' if created else 'Already trusted'} CA {authority.name}"
                )
            certificate = pki.import_agency_certificate(
                agency, cert.read_bytes(), key.read_bytes(), password or None
            )
        except (OSError, ValueError, TypeError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"{agency.code} now signs with certificate {certificate.serial} "
            f"({certificate.subject}), valid until {certificate.not_after:%Y-%m-%d}"
        )
