"""Notifications listen to dossier events and write the outbox in the same transaction.

With the dossier exchange (docs/EXCHANGE.md) a dossier lives on two instances, the
national portal the citizen filed on and the province that settles it, and every change
happens on one and is applied on the other. The side that made the change tells the
citizen; the copy of a change applied from the peer (``dossiers.remote.origin``) sends
nothing, so one change is one message, sent as soon as it happens.
"""

from django.dispatch import receiver

from motcua.dossiers.remote import origin
from motcua.dossiers.signals import dossier_event

from . import services


@receiver(dossier_event, dispatch_uid="notifications.outbox")
def queue_notifications(sender, dossier, event, data=None, **kwargs) -> None:
    if origin(dossier):
        return
    services.notify(dossier, event, data)
