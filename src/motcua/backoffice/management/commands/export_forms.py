"""Write the official forms of a dossier (Circular 03/2025/TT-VPCP, Appendix I) as PDF
files: every form that applies to it, and with ``--register`` the one-stop register
(form 07) of its agency for the month it was received. For desks that print in batches,
and for the demo's screenshots (docs/FORMS.md)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from motcua.backoffice.paperwork import documents, register
from motcua.backoffice.paperwork.common import local
from motcua.backoffice.paperwork.rendering import render_form
from motcua.dossiers.models import Dossier


class Command(BaseCommand):
    help = "Write the official forms (Circular 03/2025/TT-VPCP, Appendix I) of a dossier as PDF."

    def add_arguments(self, parser):
        parser.add_argument("--code", required=True, help="the dossier's code")
        parser.add_argument("--out", required=True, help="the folder to write into")
        parser.add_argument(
            "--register",
            action="store_true",
            dest="with_register",
            help="also form 07 of the dossier's agency (from the first day of its month)",
        )

    def handle(self, *args, code, out, with_register: bool = False, **options):
        try:
            dossier = Dossier.objects.select_related(
                "applicant", "agency", "procedure_version__procedure"
            ).get(code=code)
        except Dossier.DoesNotExist:
            raise CommandError(f"No dossier with code {code!r}.") from None
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        forms = documents.applicable(dossier)
        for form in forms:
            path = folder / f"form-{form.number}-{form.slug}.pdf"
            path.write_bytes(render_form(form.template, documents.context_for(form, dossier)))
            self.stdout.write(f"{path}")
        if with_register and dossier.received_at:
            received = local(dossier.received_at).date()
            filters = register_filter(dossier, received)
            path = folder / "form-07-so-theo-doi.pdf"
            dossiers = register.register_queryset(None, filters)
            path.write_bytes(
                register.pdf_bytes(dossiers, filters.describe(), dossier.agency.home_agency)
            )
            self.stdout.write(f"{path}")
        if not forms:
            self.stdout.write("No form applies to this dossier yet.")


def register_filter(dossier: Dossier, received):
    filters = register.RegisterFilter(
        None,
        {
            "date_from": received.replace(day=1).isoformat(),
            "date_to": max(received, timezone.localdate()).isoformat(),
            "agency": dossier.agency.home_agency.pk,
        },
    )
    filters.is_valid()
    return filters
