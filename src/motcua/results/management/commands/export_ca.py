from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from motcua.results import pki


class Command(BaseCommand):
    help = (
        "Write the certificates of the CAs the platform trusts (PEM) to OUT, e.g. for "
        "`pyhanko sign validate --trust-replace --trust OUT FILE.pdf`. Creates the demo CA "
        "when there is none yet."
    )

    def add_arguments(self, parser):
        parser.add_argument("out", type=Path)

    def handle(self, *args, out, **options):
        if not pki.trusted_certificates():
            pki.ensure_ca()
        pems = pki.trusted_certificates()
        try:
            out.write_text("".join(pems))
        except OSError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Wrote {len(pems)} CA certificate(s) to {out}")
