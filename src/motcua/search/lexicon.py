"""The packaged starting lexicon (``data/lexicon.csv``), loaded by a data migration."""

from __future__ import annotations

import csv
from pathlib import Path

LEXICON_CSV = Path(__file__).resolve().parent / "data" / "lexicon.csv"


def packaged_entries() -> list[dict[str, str]]:
    """The rows of the packaged lexicon: ``phrase``, ``expansion``, ``note``."""
    with LEXICON_CSV.open(encoding="utf-8", newline="") as handle:
        return [
            {key: (row.get(key) or "").strip() for key in ("phrase", "expansion", "note")}
            for row in csv.DictReader(handle)
            if (row.get("phrase") or "").strip()
        ]
