"""Notifications listen to dossier events and write the outbox in the same transaction."""

from django.dispatch import receiver

from motcua.dossiers.signals import dossier_event

from . import services


@receiver(dossier_event, dispatch_uid="notifications.outbox")
def queue_notifications(sender, dossier, event, data=None, **kwargs) -> None:
    services.notify(dossier, event, data)
