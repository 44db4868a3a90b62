from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from motcua.idp import services


class Command(BaseCommand):
    help = (
        "Register the citizen portal as the client of the bundled demo identity provider "
        "(idempotent). The client id and secret default to MOTCUA_OIDC_CLIENT_ID and "
        "MOTCUA_OIDC_CLIENT_SECRET, so the portal can sign citizens in right away."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url",
            action="append",
            dest="base_urls",
            metavar="URL",
            help="the portal's address, repeatable (default: MOTCUA_PUBLIC_URL and its "
            "localhost twin, else http://127.0.0.1:8000 and http://localhost:8000)",
        )
        parser.add_argument("--client-id", default=None)
        parser.add_argument("--client-secret", default=None)
        parser.add_argument(
            "--citizen-password",
            default=None,
            help="demo only: give this password to every citizen who has none yet",
        )

    def handle(self, *args, base_urls, client_id, client_secret, citizen_password, **options):
        try:
            application = services.register_portal_client(
                client_id=client_id or settings.MOTCUA_OIDC_CLIENT_ID,
                client_secret=client_secret or settings.MOTCUA_OIDC_CLIENT_SECRET,
                base_urls=base_urls or services.default_portal_base_urls(),
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Client {application.client_id}: redirect URIs {application.redirect_uris}"
        )
        if citizen_password:
            changed = services.give_citizens_password(citizen_password)
            self.stdout.write(f"Citizens given the demo password: {changed}")
