"""Finding procedures: ``search`` (the public API) and the index it reads.

The index is built in-process from the published catalogue and the lexicon
and kept until either changes. Whether it changed is decided by a cheap
fingerprint of both tables (two aggregate queries per search), so a change
made by another process – an administrator adding a lexicon entry, an import –
takes effect on the next search everywhere; the signals in ``signals.py``
also drop the index at once in the process that made the change (sector
renames, which the fingerprint does not see). Popularity (dossiers per
procedure) is a gentle ranking signal and is refreshed every few minutes.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from django.db.models import Count, Max, Sum

from motcua.catalog.models import Procedure, ProcedureComponent, ProcedureVersion
from motcua.dossiers.models import Dossier

from .index import SearchIndex
from .models import LexiconEntry

POPULARITY_TTL_SECONDS = 300
SUGGESTION_COUNT = 5


@dataclass(frozen=True)
class Hit:
    code: str
    name: str
    score: float
    version_id: int
    matched_terms: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class SearchResult:
    hits: list[Hit]
    suggestions: list[Hit]
    corrections: dict[str, str] = field(default_factory=dict)
    expansions: list[str] = field(default_factory=list)


class _State:
    lock = threading.Lock()
    index: SearchIndex | None = None
    fingerprint: tuple | None = None
    generation = 0
    popularity: dict[str, int] = {}
    popularity_at = 0.0


def invalidate() -> None:
    """Drop the in-process index; the next search rebuilds it."""
    with _State.lock:
        _State.generation += 1
        _State.index = None
        _State.popularity_at = 0.0


def _fingerprint() -> tuple:
    catalogue = Procedure.objects.aggregate(
        n=Count("id"), versions=Sum("current_version_id"), last=Max("current_version_id")
    )
    lexicon = LexiconEntry.objects.aggregate(n=Count("id"), last=Max("updated_at"), top=Max("id"))
    return (_State.generation, *catalogue.values(), *lexicon.values())


def popularity() -> dict[str, int]:
    """Dossiers filed per procedure code (all versions), cached for a few minutes."""
    now = time.monotonic()
    if now - _State.popularity_at > POPULARITY_TTL_SECONDS:
        _State.popularity = dict(
            Dossier.objects.values_list("procedure_version__procedure__code")
            .annotate(n=Count("id"))
            .values_list("procedure_version__procedure__code", "n")
        )
        _State.popularity_at = now
        _State.index = None  # popularity is baked into the index
    return _State.popularity


def catalogue_records(popular: dict[str, int] | None = None) -> list[dict]:
    """Every published current version as the index's record (name, fields, filters)."""
    popular = popular or {}
    versions = (
        ProcedureVersion.objects.filter(
            status=ProcedureVersion.Status.PUBLISHED, procedure__current_version__isnull=False
        )
        .select_related("procedure", "sector")
        .only(
            "id",
            "name",
            "level",
            "authority",
            "result_name",
            "sector__id",
            "sector__name",
            "procedure__code",
        )
    )
    records = {
        v.id: {
            "code": v.procedure.code,
            "name": v.name,
            "version_id": v.id,
            "sector_id": v.sector_id,
            "sector": v.sector.name,
            "level": v.level,
            "authority": v.authority,
            "result": v.result_name,
            "components": [],
            "agency_ids": [],
            "popularity": popular.get(v.procedure.code, 0),
        }
        for v in versions
    }
    for version_id, name in ProcedureComponent.objects.filter(
        version_id__in=list(records)
    ).values_list("version_id", "name"):
        records[version_id]["components"].append(name)
    through = ProcedureVersion.agencies.through
    for version_id, agency_id in through.objects.filter(
        procedureversion_id__in=list(records)
    ).values_list("procedureversion_id", "agency_id"):
        records[version_id]["agency_ids"].append(agency_id)
    return sorted(records.values(), key=lambda r: r["code"])


def current_index() -> SearchIndex:
    """The index of the catalogue as it is now (rebuilt when the catalogue or lexicon changed)."""
    popular = popularity()
    fingerprint = _fingerprint()
    with _State.lock:
        if _State.index is not None and _State.fingerprint == fingerprint:
            return _State.index
    index = SearchIndex(
        catalogue_records(popular), LexiconEntry.objects.values_list("phrase", "expansion")
    )
    with _State.lock:
        _State.index, _State.fingerprint = index, fingerprint
    return index


def _as_int(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def search(
    query: str,
    *,
    limit: int = 10,
    sector: int | str | None = None,
    level: str | None = None,
    agency: int | str | None = None,
) -> SearchResult:
    """The published procedures matching ``query``, best first.

    ``sector`` and ``agency`` are ids, ``level`` an ``AuthorityLevel`` value.
    Never raises on user input: an empty or meaningless query gives no hits
    and the most popular procedures as suggestions.
    """
    index = current_index()
    query = (query or "")[:200]
    sector_id, agency_id = _as_int(sector), _as_int(agency)
    allowed = index.mask(sector_id=sector_id, level=level, agency_id=agency_id)
    plan = index.analyse(query)
    ranked = index.rank(plan, allowed, limit=limit)
    hits = [
        Hit(
            code=index.docs[i].code,
            name=index.docs[i].name,
            score=round(score, 4),
            version_id=index.docs[i].version_id,
            matched_terms=matched,
        )
        for score, i, matched in ranked
    ]
    suggestions = [] if hits else popular_procedures(index, allowed)
    return SearchResult(
        hits=hits,
        suggestions=suggestions,
        corrections=plan.corrections,
        expansions=plan.expansions,
    )


def popular_procedures(
    index: SearchIndex | None = None, allowed=None, *, count: int = SUGGESTION_COUNT
) -> list[Hit]:
    """The most filed procedures (then by code): what to suggest when nothing matched,
    and the "most used services" of the home page."""
    index = index or current_index()
    docs = [d for i, d in enumerate(index.docs) if allowed is None or allowed[i]] or index.docs
    docs = sorted(docs, key=lambda d: (-d.popularity, d.code))[:count]
    return [Hit(code=d.code, name=d.name, score=0.0, version_id=d.version_id) for d in docs]
