"""TEMPORARY stub of helper H8's ``motcua.feedback.public`` (dropped at merge).

Only the signature monitoring uses; every count is zero (no PAKN recorded).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True)
class PaknFacts:
    received: int = 0
    due_in_period: int = 0
    handled: int = 0
    handled_on_time: int = 0
    late: int = 0
    rated: int = 0
    satisfied: int = 0
    dossiers_complained: set[int] = field(default_factory=set)


def pakn_facts(agency_ids: list[int], start: dt.date, end: dt.date) -> PaknFacts:
    return PaknFacts()
