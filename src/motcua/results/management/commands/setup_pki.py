from django.core.management.base import BaseCommand
from django.utils import timezone

from motcua.agencies.models import Agency
from motcua.agencies.selectors import active_agencies
from motcua.results import pki


class Command(BaseCommand):
    help = (
        "Create the demo certification authority and a signing certificate for every "
        "agency that has no valid one (idempotent). Units (phòng, bộ phận) sign through "
        "their agency and get none. Production imports real certificates instead: see "
        "import_agency_certificate."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--agency", action="append", dest="codes", metavar="CODE", help="only these agencies"
        )

    def handle(self, *args, codes, **options):
        agencies = active_agencies(timezone.localdate()).exclude(kind=Agency.Kind.UNIT)
        if codes:
            agencies = agencies.filter(code__in=codes)
        ca, ca_created, made = pki.setup(agencies.order_by("code"))
        self.stdout.write(
            f"{'Created' if ca_created else 'Existing'} CA: {ca.name} (serial {ca.serial})"
        )
        for certificate in made:
            self.stdout.write(
                f"Created certificate {certificate.serial} for {certificate.agency.code} "
                f"({certificate.agency.name}), valid until {certificate.not_after:%Y-%m-%d}"
            )
        self.stdout.write(f"Certificates created: {len(made)}")
