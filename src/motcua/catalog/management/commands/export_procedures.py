from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from motcua.catalog.exporting import export_procedures


class Command(BaseCommand):
    help = "Export the current published version of every procedure to a CSV or XLSX file."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="output .csv or .xlsx")

    def handle(self, *args, path: Path, **options):
        try:
            count = export_procedures(path)
        except (ValueError, OSError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"{count} thủ tục → {path}"))
