"""Payments listen to dossier events: a refused dossier's paid fee is refunded."""

from django.dispatch import receiver

from motcua.dossiers.signals import dossier_event

from . import refunds

# The workflow actions that end a dossier as refused.
REFUSALS = frozenset({"refuse", "refuse_intake", "expire_supplement"})


@receiver(dossier_event, dispatch_uid="payments.refund_on_refusal")
def refund_on_refusal(sender, dossier, event, actor=None, **kwargs) -> None:
    """Open the refunds inside the refusal's transaction; the gateway is called after it."""
    if event in REFUSALS:
        refunds.refund_refused_dossier(dossier, by=actor)
