"""The outbox listens to dossier events and writes its row in the same transaction."""

from django.dispatch import receiver

from motcua.dossiers.signals import dossier_event

from . import services


@receiver(dossier_event, dispatch_uid="events.outbox")
def write_outbox(sender, dossier, event, from_status="", to_status="", at=None, **kwargs) -> None:
    services.record_event(dossier, event, from_status, to_status, at)
