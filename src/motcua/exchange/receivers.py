"""The dossier changes the exchange sends to the peer, written in the change's own
transaction (so a change and its message commit or roll back together).

* National side (``MOTCUA_EXCHANGE_ROLE=national``): a dossier whose agency is settled
  by a peer (``Agency.home_instance``) is handed over on ``submit`` (``dossier.filed``);
  afterwards the citizen's own actions (payment, supplement, withdrawal, stop, rating)
  go to the province (``front.forward``).
* Province side (``province``): every change of a dossier that came from the portal
  (``Link`` side ``back``) goes back to it (``back.report``).

A change that was itself applied from the peer (``dossiers.remote.origin``) is not sent
back: no echo. Order: ``dossier_event`` is sent in the order of the changes, and the
outbox numbers a link's messages in the order they are written.
"""

from __future__ import annotations

from django.dispatch import receiver

from motcua.dossiers.models import Dossier
from motcua.dossiers.remote import origin
from motcua.dossiers.signals import dossier_event

from . import back, front, messages
from .models import Link


@receiver(dossier_event, sender=Dossier, dispatch_uid="exchange_send_to_peer")
def send_to_peer(sender, dossier, event, from_status, to_status, actor, at, data, **kwargs):
    mode = messages.role()
    if mode == "off" or origin(dossier):
        return
    data = data or {}
    if mode == "national":
        if not dossier.agency.home_instance:
            return  # settled here
        if event == "submit":
            front.hand_over(dossier, at)
            return
        link = Link.objects.filter(dossier=dossier, side=Link.Side.FRONT).select_related("peer")
        link = link.first()
        if link is not None:
            front.forward(link, dossier, event, at, data)
    elif mode == "province":
        link = Link.objects.filter(dossier=dossier, side=Link.Side.BACK).select_related("peer")
        link = link.first()
        if link is not None:
            back.report(link, dossier, event, from_status, at, data)
