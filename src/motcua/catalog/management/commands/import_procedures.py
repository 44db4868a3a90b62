from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from motcua.catalog.import_file import ImportErrors
from motcua.catalog.importing import import_procedures


class Command(BaseCommand):
    help = (
        "Import the procedure catalogue from a CSV or XLSX file (all or nothing; "
        "re-importing an unchanged file creates no new versions)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="procedures.csv or .xlsx")

    def handle(self, *args, path: Path, **options):
        try:
            report = import_procedures(path)
        except ImportErrors as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError(
                f"{len(exc.errors)} lỗi; không có thay đổi nào được ghi "
                f"({len(exc.errors)} error(s); nothing was imported)."
            ) from None
        self.stdout.write(self.style.SUCCESS(report.summary()))
