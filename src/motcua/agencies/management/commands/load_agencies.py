from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from motcua.agencies.loading import load_ministries, load_provinces


class Command(BaseCommand):
    help = "Load the ministries and the provinces before/after 1 July 2025 (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--provinces",
            type=Path,
            default=settings.MOTCUA_SHARED_DATA_DIR / "provinces.csv",
            help="provinces.csv (province_until_2025_06_30, kind_until, province_from_…)",
        )

    def handle(self, *args, provinces: Path, **options):
        ministries = load_ministries()
        old, new = load_provinces(provinces)
        self.stdout.write(
            self.style.SUCCESS(
                f"{ministries} ministries; {old} provinces before 1 July 2025 → {new} after."
            )
        )
