from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from motcua.results import selectors


class Command(BaseCommand):
    help = (
        "Write the signed result PDF of the dossier --code CODE (or, with --any, the most "
        "recent signed result) to OUT."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--code", help="the dossier's code")
        which.add_argument("--any", action="store_true", help="the most recent signed result")
        parser.add_argument("out", type=Path)

    def handle(self, *args, code, out, **options):
        document = selectors.latest_document(code=code)
        if document is None:
            raise CommandError(
                f"dossier {code} has no signed result" if code else "no signed result yet"
            )
        try:
            with document.attachment.file.open("rb") as stored:
                out.write_bytes(stored.read())
        except OSError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Wrote the result {document.number} of dossier {document.dossier.code} to {out}"
        )
