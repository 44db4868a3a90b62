"""Benchmark: the virtual assistant on situations, hard single questions and out-of-scope talk.

    python bench/bench_assistant.py [--size 6000] [--passes 3] [-v]

Runs the questions of ``bench/data/assistant_heldout.csv`` (written before any tuning,
never tuned on) and ``bench/data/assistant_dev.csv`` (the set to tune on) through

* **baseline**: the assistant as it was before situations (issue #22) – a frozen copy
  of its logic below (``baseline_answer``: the question cut to 300 characters, three
  search hits, "answer" / "clarify" / "not_found"), on today's ``search``;
* **assistant**: ``motcua.search.assistant.answer`` as it is in this checkout, whatever
  its reply shape (the plan shape ``kind``/``plan``/``alternatives`` or the older
  ``procedures``/``options`` one is detected from the keys).

and reports, for each set:

* **recall** (situation questions): the share of the expected procedures found in the
  plan (for the old shape, among every procedure the reply names);
* **top-1** (single questions): the first procedure of the plan, else of the
  alternatives (old shape: of the procedures, else of the options) is the expected one;
* **out of scope recognised**: the reply is ``out_of_scope``, ``greeting`` or
  ``not_understood`` (old shape: ``not_found``);
* **refused in scope**: in-scope questions answered as if out of scope;
* **latency** p50 / p95 of one answer, on the catalogue grown to ``--size`` procedures
  (synthetic variants of the real ones, as ``bench_search.py`` grows it).

Quality is measured on the 72 real procedures first, then again after growth (where a
synthetic variant ranked first counts as a miss). Figures are printed, handed to
``bench/run.py`` (``BENCH_RESULT``) and written with every miss to
``bench/results/assistant-<database>.json``.

By default it works on a throwaway SQLite database; with DATABASE_URL set it uses that
database instead, which must be an empty scratch database (it is migrated first).
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
from _django import setup_django  # noqa: E402
from _results import emit  # noqa: E402
from bench_search import grow_catalogue, percentile  # noqa: E402

HELD_OUT = ROOT / "bench" / "data" / "assistant_heldout.csv"
DEV = ROOT / "bench" / "data" / "assistant_dev.csv"
RESULTS = ROOT / "bench" / "results"
REFUSALS = {"out_of_scope", "greeting", "not_understood", "not_found"}
KINDS = ("situation", "single", "out_of_scope")
# The goals of issue #22 on the held-out set.
GOALS = {"recall": 0.85, "top1": 0.85, "out_of_scope": 0.90, "p95_ms": 50.0}


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=6000, help="procedures after growth")
    parser.add_argument("--passes", type=int, default=3, help="latency passes over the questions")
    parser.add_argument("-v", action="store_true", help="print every miss")
    args, _unknown = parser.parse_known_args()  # run.py passes everyone's arguments
    return args


def load(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["kind"] not in KINDS:
            raise SystemExit(f"{path.name}: unknown kind {row['kind']!r}")
        row["expected"] = [code for code in (row["expected"] or "").split("|") if code]
    return rows


def baseline_answer(question: str) -> dict:
    """The assistant before issue #22, reduced to what it chose (frozen copy of its logic)."""
    from motcua.search.selectors import search

    question = (question or "").strip()[:300]
    result = search(question, limit=3)
    if not result.hits:
        return {"kind": "not_found", "procedures": [], "options": []}
    first, *others = result.hits
    if others and others[0].score >= 0.9 * first.score:
        return {"kind": "clarify", "procedures": [], "options": [first.code, others[0].code]}
    return {"kind": "answer", "procedures": [first.code], "options": [h.code for h in others]}


def _code(item) -> str:
    return item["code"] if isinstance(item, dict) else str(item)


def read_reply(reply: dict) -> tuple[str, list[str], list[str], bool]:
    """(kind, plan codes, alternative codes, has a plan) of a reply of either shape."""
    kind = reply.get("kind", "")
    if "plan" in reply or "alternatives" in reply:
        plan = [_code(i) for i in reply.get("plan") or []]
        alternatives = [_code(i) for i in reply.get("alternatives") or []]
        return kind, plan, alternatives, True
    # The older shape: one procedure (with details) and options, no plan.
    plan = [_code(i) for i in reply.get("procedures") or []]
    alternatives = [_code(i) for i in reply.get("options") or []]
    return kind, plan, alternatives, False


def score(answer, rows: list[dict]) -> dict:
    """Quality figures of ``answer`` over ``rows``, with the misses."""
    found = needed = top1 = singles = recognised = outside = refused = inside = 0
    misses = []
    for row in rows:
        kind, plan, alternatives, planned = read_reply(answer(row["question"]))
        is_refusal = kind in REFUSALS
        if row["kind"] == "out_of_scope":
            outside += 1
            recognised += is_refusal
            if not is_refusal:
                misses.append(_miss(row, kind, plan, alternatives))
            continue
        inside += 1
        refused += is_refusal
        if row["kind"] == "situation":
            # The old shape has no plan: everything it names counts for it.
            named = plan if planned else plan + alternatives
            hit = [code for code in row["expected"] if code in named]
            found += len(hit)
            needed += len(row["expected"])
            if len(hit) < len(row["expected"]):
                misses.append(_miss(row, kind, plan, alternatives))
        else:
            singles += 1
            first = (plan or alternatives)[:1]
            ok = first == row["expected"][:1]
            top1 += ok
            if not ok:
                misses.append(_miss(row, kind, plan, alternatives))
    return {
        "recall": found / needed if needed else None,
        "top1": top1 / singles if singles else None,
        "out_of_scope": recognised / outside if outside else None,
        "refused_in_scope": refused / inside if inside else None,
        "questions": len(rows),
        "misses": misses,
    }


def _miss(row: dict, kind: str, plan: list[str], alternatives: list[str]) -> dict:
    return {
        "kind": row["kind"],
        "question": row["question"],
        "expected": row["expected"],
        "reply_kind": kind,
        "plan": plan,
        "alternatives": alternatives,
    }


def latency(answer, rows: list[dict], passes: int) -> list[float]:
    for row in rows[:5]:
        answer(row["question"])  # warm the index and the models
    timings = []
    for _ in range(passes):
        for row in rows:
            started = time.perf_counter()
            answer(row["question"])
            timings.append((time.perf_counter() - started) * 1000)
    return timings


def _pct(value) -> str:
    return "   n/a" if value is None else f"{value:6.1%}"


def show(label: str, figures: dict) -> None:
    print(
        f"{label:<34} recall {_pct(figures['recall'])}  top-1 {_pct(figures['top1'])}  "
        f"out-of-scope {_pct(figures['out_of_scope'])}  "
        f"refused in scope {_pct(figures['refused_in_scope'])}"
    )


def main() -> None:
    args = parse_args()
    scratch = setup_django("assistant")
    try:
        from django.conf import settings
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0)
        from motcua.catalog.importing import import_procedures
        from motcua.catalog.models import Procedure
        from motcua.search import assistant

        if Procedure.objects.exists():
            sys.exit("DATABASE_URL must point at an empty scratch database (procedures found).")
        import_procedures(settings.MOTCUA_SHARED_DATA_DIR / "procedures.csv")
        sets = {"held-out": load(HELD_OUT), "dev": load(DEV)}
        systems = {"baseline": baseline_answer, "assistant": assistant.answer}
        print(
            f"database: {connection.vendor}; held-out {len(sets['held-out'])} questions "
            f"(written before tuning, never tuned on), dev {len(sets['dev'])} (for tuning)"
        )
        report: dict = {"database": connection.vendor, "goals": GOALS, "runs": {}}

        def run(catalogue: str) -> None:
            for set_name, rows in sets.items():
                print(f"-- {set_name} set, {catalogue}")
                for system, answer in systems.items():
                    figures = score(answer, rows)
                    show(f"{system}", figures)
                    report["runs"][f"{system}/{set_name}/{catalogue}"] = figures
                    if args.v and set_name == "dev":
                        for miss in figures["misses"]:
                            print(f"   miss: {json.dumps(miss, ensure_ascii=False)}")

        run("72 procedures")
        added = grow_catalogue(args.size)
        total = Procedure.objects.count()
        print(f"grown to {total} procedures (+{added} synthetic variants)")
        print("(after growth a synthetic variant ranked before the expected procedure is a miss)")
        run(f"{total} procedures")
        questions = sets["held-out"] + sets["dev"]
        timing = {}
        for system, answer in systems.items():
            timings = latency(answer, questions, args.passes)
            timing[system] = {
                "p50_ms": percentile(timings, 50),
                "p95_ms": percentile(timings, 95),
                "answers": len(timings),
            }
            print(
                f"latency {system:<10} over {len(timings)} answers on {total} procedures: "
                f"p50 {timing[system]['p50_ms']:.2f} ms  p95 {timing[system]['p95_ms']:.2f} ms"
                f"  (goal p95 < {GOALS['p95_ms']:.0f} ms)"
            )
        report["latency"] = timing
        report["procedures"] = total
        out = RESULTS / f"assistant-{connection.vendor}.json"
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        print(f"details and misses → {out.relative_to(ROOT)}")
        ours = report["runs"]["assistant/held-out/72 procedures"]
        base = report["runs"]["baseline/held-out/72 procedures"]
        dev = report["runs"]["assistant/dev/72 procedures"]
        # Figures of a PostgreSQL run are named apart so that run.py keeps both.
        suffix = "_pg" if connection.vendor == "postgresql" else ""
        figures = dict(
            assistant_recall=ours["recall"],
            assistant_top1=ours["top1"],
            assistant_out_of_scope=ours["out_of_scope"],
            assistant_p50_ms=timing["assistant"]["p50_ms"],
            assistant_p95_ms=timing["assistant"]["p95_ms"],
            assistant_baseline_recall=base["recall"],
            assistant_baseline_top1=base["top1"],
            assistant_baseline_out_of_scope=base["out_of_scope"],
            assistant_baseline_p95_ms=timing["baseline"]["p95_ms"],
            assistant_dev_recall=dev["recall"],
            assistant_dev_top1=dev["top1"],
            assistant_dev_out_of_scope=dev["out_of_scope"],
            assistant_procedures=total,
        )
        emit(**{f"{name}{suffix}": value for name, value in figures.items()})
    finally:
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
