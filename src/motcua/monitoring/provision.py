"""Which procedures were offered, how, and by whom, at the end of a period.

A procedure counts with the version in force on the period's last day: the latest
version published on or before that day (published or since superseded). A procedure
whose first version was published only later counts with that first version, because
catalogues are loaded after the procedures began (the demo catalogue is imported
today, its dossiers go back two years). Drafts never count.

A procedure is **eligible** for full-process online service unless its version in
force is not fully online *and* records the reason (``not_fully_online_reason``).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q

from motcua.catalog.models import ProcedureVersion, ServiceLevel


@dataclass(frozen=True)
class ProcedureState:
    procedure_id: int
    code: str
    name: str
    sector_id: int
    sector: str
    level: str
    service_level: str
    reason: str
    agency_ids: frozenset[int]

    @property
    def fully_online(self) -> bool:
        return self.service_level == ServiceLevel.FULL

    @property
    def online(self) -> bool:
        return self.service_level in (ServiceLevel.FULL, ServiceLevel.PARTIAL)

    @property
    def eligible(self) -> bool:
        return self.fully_online or not self.reason.strip()


class CatalogHistory:
    """Every published version, loaded once, answering "what was in force on day D"."""

    def __init__(self):
        versions = list(
            ProcedureVersion.objects.filter(
                Q(status=ProcedureVersion.Status.PUBLISHED)
                | Q(status=ProcedureVersion.Status.SUPERSEDED),
                published_at__isnull=False,
            )
            .order_by("procedure_id", "published_at", "number")
            .values(
                "pk",
                "procedure_id",
                "procedure__code",
                "name",
                "sector_id",
                "sector__name",
                "level",
                "service_level",
                "not_fully_online_reason",
                "published_at",
            )
        )
        links: dict[int, set[int]] = defaultdict(set)
        through = ProcedureVersion.agencies.through
        for version_id, agency_id in through.objects.filter(
            procedureversion_id__in=[v["pk"] for v in versions]
        ).values_list("procedureversion_id", "agency_id"):
            links[version_id].add(agency_id)
        self._by_procedure: dict[int, list[tuple[dt.datetime, ProcedureState]]] = defaultdict(list)
        for v in versions:
            state = ProcedureState(
                procedure_id=v["procedure_id"],
                code=v["procedure__code"],
                name=v["name"],
                sector_id=v["sector_id"],
                sector=v["sector__name"],
                level=v["level"],
                service_level=v["service_level"],
                reason=v["not_fully_online_reason"] or "",
                agency_ids=frozenset(links.get(v["pk"], ())),
            )
            self._by_procedure[v["procedure_id"]].append((v["published_at"], state))
        self._cache: dict[dt.date, dict[int, ProcedureState]] = {}

    def in_force(self, day: dt.date) -> dict[int, ProcedureState]:
        """procedure id -> its state at the end of ``day`` (local time)."""
        cached = self._cache.get(day)
        if cached is not None:
            return cached
        tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        result = {}
        for procedure_id, versions in self._by_procedure.items():
            chosen = versions[0][1]
            for published_at, state in versions:
                if published_at < end:
                    chosen = state
                else:
                    break
            result[procedure_id] = chosen
        self._cache[day] = result
        return result


def matches(state: ProcedureState, *, sector_id: int | None, level: str | None) -> bool:
    return (sector_id is None or state.sector_id == sector_id) and (
        not level or state.level == level
    )
