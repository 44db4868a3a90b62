"""The 766 indicator "hồ sơ đồng bộ lên Cổng DVCQG", measured from the exchange itself.

Decision 766/QĐ-TTg (2023) measures how many of an agency's dossiers are synchronised
to the National Public Service Portal and how fast. Here, for a period, per settling
agency (the dossier's ``agency``):

* **dossiers**: the exchanged dossiers (those with a ``Link``) with at least one message
  about them, sent or received, created in the period;
* **synced**: those whose every such message is through — each sent message delivered
  to the peer, each received message applied here;
* **rate**: synced / dossiers;
* **delay** (median and maximum, in seconds) over the messages that are through: for a
  sent message ``delivered_at − created_at`` (from the change to the peer's
  acknowledgement), for a received one ``received_at − created_at`` (the change on the
  sender to its arrival here; ``sent_at`` when the sender gave no ``created_at``).

A province sees its own agencies' dossiers going up; the national instance sees every
province's, as they come down to it.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.agencies.models import Agency

from .models import InMessage, Link, OutMessage


@dataclass
class SyncRow:
    agency: Agency | None  # None: the total
    dossiers: int = 0
    synced: int = 0
    delays: list[float] = field(default_factory=list, repr=False)

    @property
    def rate(self) -> float | None:
        return self.synced / self.dossiers if self.dossiers else None

    @property
    def delay_p50_s(self) -> float | None:
        return statistics.median(self.delays) if self.delays else None

    @property
    def delay_max_s(self) -> float | None:
        return max(self.delays) if self.delays else None

    @property
    def percent(self) -> float | None:
        return None if self.rate is None else self.rate * 100

    @property
    def p50_label(self) -> str:
        return duration_label(self.delay_p50_s)

    @property
    def max_label(self) -> str:
        return duration_label(self.delay_max_s)


def duration_label(seconds: float | None) -> str:
    """``45 giây``, ``3 phút 20 giây``, ``2 giờ 5 phút``; ``–`` when unknown."""
    if seconds is None:
        return "–"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return _("%(h)d giờ %(m)d phút") % {"h": hours, "m": minutes}
    if minutes:
        return _("%(m)d phút %(s)d giây") % {"m": minutes, "s": secs}
    return _("%(s)d giây") % {"s": secs}


def _bounds(start, end) -> tuple[dt.datetime, dt.datetime]:
    """[start, end): dates are whole local days, ``end`` included."""
    if not isinstance(start, dt.datetime):
        start = timezone.make_aware(dt.datetime.combine(start, dt.time()))
    if not isinstance(end, dt.datetime):
        end = timezone.make_aware(dt.datetime.combine(end + dt.timedelta(days=1), dt.time()))
    return start, end


def sync_by_agency(start, end, *, peer=None) -> list[SyncRow]:
    """The sync figures per settling agency over ``start`` … ``end`` (dates, both
    included, or aware datetimes, ``end`` excluded), agencies in code order."""
    start, end = _bounds(start, end)
    through: dict[int, bool] = {}  # link id → every message of the period is through
    delays: dict[int, list[float]] = {}
    sent = OutMessage.objects.filter(link__isnull=False, created_at__gte=start, created_at__lt=end)
    received = InMessage.objects.filter(link__isnull=False, received_at__gte=start)
    if peer is not None:
        sent, received = sent.filter(peer=peer), received.filter(peer=peer)
    for link_id, state, created, delivered in sent.values_list(
        "link_id", "state", "created_at", "delivered_at"
    ):
        done = state == OutMessage.State.DELIVERED and delivered is not None
        through[link_id] = through.get(link_id, True) and done
        if done:
            delays.setdefault(link_id, []).append(max((delivered - created).total_seconds(), 0))
    for link_id, applied, created, sent_at, arrived in received.values_list(
        "link_id", "applied_at", "created_at", "sent_at", "received_at"
    ):
        origin = created or sent_at or arrived
        if not start <= origin < end:
            continue
        done = applied is not None
        through[link_id] = through.get(link_id, True) and done
        if done:
            delays.setdefault(link_id, []).append(max((arrived - origin).total_seconds(), 0))
    agency_of = dict(Link.objects.filter(pk__in=through).values_list("pk", "dossier__agency_id"))
    agencies = Agency.objects.in_bulk(set(agency_of.values()))
    rows: dict[int, SyncRow] = {}
    for link_id, done in through.items():
        agency_id = agency_of[link_id]
        row = rows.setdefault(agency_id, SyncRow(agencies[agency_id]))
        row.dossiers += 1
        row.synced += done
        row.delays.extend(delays.get(link_id, []))
    return sorted(rows.values(), key=lambda row: row.agency.code)


def total(rows: list[SyncRow]) -> SyncRow:
    """All agencies together."""
    whole = SyncRow(None)
    for row in rows:
        whole.dossiers += row.dossiers
        whole.synced += row.synced
        whole.delays.extend(row.delays)
    return whole
