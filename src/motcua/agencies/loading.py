"""Loading the national agency lists: ministries and the 63 → 34 provinces of 2025."""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from pathlib import Path

from django.db import transaction

from motcua.lib.text import strip_diacritics

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
            },
        )
    for row in rows:
        if row["successor_code"]:
            Agency.objects.filter(code=row["code"]).update(
                successor=Agency.objects.get(code=row["successor_code"])
            )
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
