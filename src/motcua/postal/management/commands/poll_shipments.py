"""Ask the postal service about every parcel still on its way (when an event was lost)."""

from django.core.management.base import BaseCommand

from motcua.postal import services


class Command(BaseCommand):
    help = "Poll the postal service for the parcels of results still on their way."

    def handle(self, *args, **options):
        asked, new, failed = services.poll_open()
        self.stdout.write(f"{asked} parcel(s) asked, {new} new event(s), {failed} failure(s)")
