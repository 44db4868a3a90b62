"""The public face of ``events`` for monitoring: which dossiers reached the national portal.

The national measurement counts "dossiers synchronised to the National Public Service
Portal" (transparency, 6 points; docs/INDICATORS.md). A dossier is synchronised when at
least one of its events was delivered (a 2xx answer) to a subscriber of kind
``portal_sync``. Monitoring reads it through this function only.
"""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Delivery, Subscriber


def portal_synced_dossiers(dossier_ids: QuerySet | list[int]) -> QuerySet | None:
    """The ids (a ``values_list`` queryset) among ``dossier_ids`` with an event delivered to
    the national portal; None when no national-portal subscriber is configured (the rate
    cannot be measured, rather than being 0 %)."""
    portals = Subscriber.objects.filter(kind=Subscriber.Kind.PORTAL_SYNC)
    if not portals.exists():
        return None
    return (
        Delivery.objects.filter(
            subscriber__in=portals,
            status=Delivery.Status.DELIVERED,
            dossier_id__in=dossier_ids,
        )
        .values_list("dossier_id", flat=True)
        .distinct()
    )
