"""Advance the simulated parcels that are due (demo): resend unacknowledged events,
then deliver (or ``--return``) every parcel in transit long enough."""

from django.core.management.base import BaseCommand

from motcua.postsim import services
from motcua.postsim.models import SimStatus


class Command(BaseCommand):
    help = "Postal simulator: deliver (or return to sender) every parcel that is due."

    def add_arguments(self, parser):
        parser.add_argument(
            "--return",
            dest="returned",
            action="store_true",
            help="Return the parcels to their sender instead of delivering them.",
        )

    def handle(self, *args, returned=False, **options):
        outcome = SimStatus.RETURNED if returned else SimStatus.DELIVERED
        resent, finished = services.deliver_due(outcome=outcome)
        self.stdout.write(f"{finished} parcel(s) {outcome}, {resent} event(s) resent")
