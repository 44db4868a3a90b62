"""Loading the national agency lists: ministries and the 63 → 34 provinces of 2025.

Official electronic identifiers (Decision 20/2020/QĐ-TTg, ``identifiers.py``) are
imported when the list gives them: an ``identifier`` column in ministries.csv, an
``identifier_from_2025_07_01`` column in provinces.csv, or a separate ``code,identifier``
file (``load_identifiers``; ``load_agencies --identifiers``). MotCua ships no
identifiers of its own: an identifier we cannot source from the published list is left
empty, and the dossier code then falls back to the agency's internal code.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from pathlib import Path

from django.db import transaction

from motcua.lib import refcache
from motcua.lib.text import strip_diacritics

from .identifiers import identifier_problem
from .models import Agency

MINISTRIES_CSV = Path(__file__).parent / "data" / "ministries.csv"
MERGER_DAY = dt.date(2025, 7, 1)
HUE_CITY_DAY = dt.date(2025, 1, 1)


def province_code(name: str) -> str:
    return "".join(ch for ch in strip_diacritics(name).upper() if ch.isalnum())


def _kind(value: str) -> str:
    return Agency.Kind.CITY if value == "thanh_pho" else Agency.Kind.PROVINCE


def _prefixed(name: str, kind: str) -> str:
    return f"{'Thành phố' if kind == Agency.Kind.CITY else 'Tỉnh'} {name}"


class IdentifierError(ValueError):
    """A malformed identifier in an imported list (the message names the agency)."""


def _identifier(value: str | None, code: str) -> dict:
    """``{"identifier": …}`` for a row that gives one (checked), else {} (left as it is)."""
    value = (value or "").strip()
    if not value:
        return {}
    problem = identifier_problem(value)
    if problem:
        raise IdentifierError(f"{code}: {value}: {problem}")
    return {"identifier": value}


@transaction.atomic
def load_identifiers(path: Path) -> int:
    """Set the identifiers of a ``code,identifier`` CSV on the agencies it names.

    All or nothing: raises IdentifierError for a malformed identifier and
    Agency.DoesNotExist for an unknown code. Returns how many agencies were set.
    """
    count = 0
    for row in csv.DictReader(path.open(encoding="utf-8")):
        fields = _identifier(row["identifier"], row["code"])
        if fields:
            agency = Agency.objects.get(code=row["code"].strip())
            agency.identifier = fields["identifier"]
            agency.save(update_fields=["identifier"])
            count += 1
    return count


@transaction.atomic
def load_ministries(path: Path = MINISTRIES_CSV) -> int:
    """Create or update the ministries (and the ones merged in March 2025). Idempotent."""
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    for row in rows:
        Agency.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "kind": Agency.Kind.MINISTRY,
                "valid_from": row["valid_from"] or None,
                "valid_until": row["valid_until"] or None,
                **_identifier(row.get("identifier"), row["code"]),
            },
        )
    for row in rows:
        if row["successor_code"]:
            Agency.objects.filter(code=row["code"]).update(
                successor=Agency.objects.get(code=row["successor_code"])
            )
            refcache.bump()  # .update() sends no post_save
    return len(rows)


@transaction.atomic
def load_provinces(path: Path) -> tuple[int, int]:
    """Load the provinces before and after 1 July 2025 with successor links. Idempotent.

    A province whose name and territory did not change stays one agency. A
    province that absorbed others becomes a new agency from 1 July 2025 (code
    suffixed ``-2025``), and every old province it was made of ends on 30 June
    2025 with the new one as successor. Returns (old count, new count).
    """
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    members: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        members[row["province_from_2025_07_01"]].append(row)

    def upsert(code: str, **fields) -> Agency:
        agency, _ = Agency.objects.update_or_create(code=code, defaults=fields)
        return agency

    for new_name, parts in members.items():
        new_kind = _kind(parts[0]["kind_from"])
        if len(parts) == 1 and parts[0]["province_until_2025_06_30"] == new_name:
            upsert(
                province_code(new_name),
                name=_prefixed(new_name, new_kind),
                kind=new_kind,
                valid_from=None,
                valid_until=None,
                successor=None,
                **_identifier(parts[0].get("identifier_from_2025_07_01"), new_name),
            )
            continue
        # Thừa Thiên Huế became the city of Huế on 1 January 2025, alone;
        # every other change is the merger of 1 July 2025.
        renamed_only = len(parts) == 1
        start_day = HUE_CITY_DAY if renamed_only else MERGER_DAY
        keeps_name = any(p["province_until_2025_06_30"] == new_name for p in parts)
        successor = upsert(
            province_code(new_name) + ("-2025" if keeps_name else ""),
            name=_prefixed(new_name, new_kind),
            kind=new_kind,
            valid_from=start_day,
            valid_until=None,
            successor=None,
            **_identifier(parts[0].get("identifier_from_2025_07_01"), new_name),
        )
        for part in parts:
            old_name = part["province_until_2025_06_30"]
            upsert(
                province_code(old_name),
                name=_prefixed(old_name, _kind(part["kind_until"])),
                kind=_kind(part["kind_until"]),
                valid_from=None,
                valid_until=start_day - dt.timedelta(days=1),
                successor=successor,
            )
    return len(rows), len(members)
