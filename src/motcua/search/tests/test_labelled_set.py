"""The labelled citizen queries (tests/search_queries.csv): guards against ranking regressions."""

import csv
from pathlib import Path

from motcua.search.selectors import search

QUERIES = Path(__file__).resolve().parents[4] / "tests" / "search_queries.csv"


def test_labelled_queries_reach_target_accuracy(catalogue):
    with QUERIES.open(encoding="utf-8", newline="") as handle:
        rows = [(r["query"], set(r["expected"].split("|"))) for r in csv.DictReader(handle)]
    assert len(rows) >= 150
    top1 = top3 = 0
    misses = []
    for query, expected in rows:
        codes = [h.code for h in search(query, limit=3).hits]
        top1 += bool(codes and codes[0] in expected)
        top3 += bool(expected & set(codes))
        if not (codes and codes[0] in expected):
            misses.append((query, codes))
    assert top1 / len(rows) >= 0.95, misses
    assert top3 / len(rows) >= 0.99, misses
