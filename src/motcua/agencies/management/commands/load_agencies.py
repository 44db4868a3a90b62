from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from motcua.agencies.loading import load_identifiers, load_ministries, load_provinces


class Command(BaseCommand):
    help = "Load the ministries and the provinces before/after 1 July 2025 (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--provinces",
            type=Path,
            default=settings.MOTCUA_SHARED_DATA_DIR / "provinces.csv",
            help="provinces.csv (province_until_2025_06_30, kind_until, province_from_…)",
        )
        parser.add_argument(
            "--identifiers",
            type=Path,
            default=None,
            help=(
                "CSV code,identifier: official electronic identifiers (Decision "
                "20/2020/QĐ-TTg) to set on the loaded agencies, checked before any is set"
            ),
        )

    def handle(self, *args, provinces: Path, identifiers: Path | None = None, **options):
        ministries = load_ministries()
        old, new = load_provinces(provinces)
        if identifiers is not None:
            count = load_identifiers(identifiers)
            self.stdout.write(f"{count} official identifiers set.")
        self.stdout.write(
            self.style.SUCCESS(
                f"{ministries} ministries; {old} provinces before 1 July 2025 → {new} after."
            )
        )
