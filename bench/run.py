"""Run the benchmarks and write every figure to ``bench/results/latest.json``.

    python bench/run.py            # quick sizes (`make bench`, a few minutes)
    python bench/run.py --full     # the sizes of the performance goals (PostgreSQL)
    python bench/run.py --only http,search

Each benchmark prints its figures next to the baseline measured in the same run, and
hands them over as a ``BENCH_RESULT`` JSON line (``bench/_results.py``). The JSON file
holds the figures plus the machine (cores, memory), the commit and the sizes used.

Quick: HTTP read paths (wrk) for 8 s each at 16 and 64 connections and filings for
12 s (PostgreSQL when it answers at ``MOTCUA_BENCH_PG``, else SQLite), the ranking over
50,000 dossiers (SQLite), search over 6,000 procedures, the assistant's held-out
questions over 6,000 procedures (SQLite), seeding 20,000 dossiers (projected to a
million), the memory of one process over 600 officer actions (SQLite; 3,000 with --full).

Full (needs PostgreSQL at ``MOTCUA_BENCH_PG``, default postgres://postgres@127.0.0.1:5432):
HTTP read paths for 20 s each; the ranking over 10,000,000 dossiers in the database
``motcua_bench10m`` (seeded on the first run, about 45 minutes; reused afterwards); search
over 6,000 procedures; the assistant over 6,000 procedures on SQLite and on PostgreSQL;
``seed_demo --dossiers 1000000`` timed in ``motcua_bench_seed``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from _results import PREFIX  # noqa: E402

PG = os.environ.get("MOTCUA_BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")


def pg_answers() -> bool:
    try:
        import psycopg

        with psycopg.connect(f"{PG}/postgres", connect_timeout=3):
            return True
    except Exception:
        return False


def recreate(database: str) -> str:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{database}"')
    return f"{PG}/{database}"


def database_exists(database: str) -> bool:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
    return row is not None


def plan(full: bool, postgres: bool) -> list[tuple[str, list[str], dict]]:
    """(script, arguments, extra environment) for each benchmark, in order."""
    http_env = {"DATABASE_URL": recreate("motcua_bench_http")} if postgres else {}
    steps = [("bench_http.py", ["--seconds", "20" if full else "8"], http_env)]
    if full:
        kpi_db = "motcua_bench10m"
        reuse = database_exists(kpi_db)
        url = f"{PG}/{kpi_db}" if reuse else recreate(kpi_db)
        steps.append(
            ("bench_kpi.py", ["--full", *(["--reuse"] if reuse else [])], {"DATABASE_URL": url})
        )
        steps.append(("bench_search.py", ["--size", "6000"], {}))
        steps.append(("bench_eforms.py", ["--repeat", "30"], {}))
        steps.append(("bench_assistant.py", ["--size", "6000"], {}))
        steps.append(
            (
                "bench_assistant.py",
                ["--size", "6000"],
                {"DATABASE_URL": recreate("motcua_bench_assistant")},
            )
        )
        steps.append(
            ("bench_seed.py", ["1000000"], {"DATABASE_URL": recreate("motcua_bench_seed")})
        )
        steps.append(
            ("bench_memory.py", ["--actions", "3000", "--window", "300", "--no-tracemalloc"], {})
        )
    else:
        steps.append(("bench_kpi.py", [], {}))
        steps.append(("bench_search.py", ["--size", "6000", "--passes", "3"], {}))
        steps.append(("bench_eforms.py", ["--repeat", "10"], {}))
        steps.append(("bench_assistant.py", ["--size", "6000", "--passes", "2"], {}))
        steps.append(("bench_seed.py", ["20000", "--sample", "5000"], {}))
        steps.append(("bench_memory.py", ["--quick", "--no-tracemalloc"], {}))
    return steps


def run_one(script: str, args: list[str], env: dict) -> tuple[int, dict]:
    """Run a benchmark, echoing its output; returns its exit code and its figures."""
    figures: dict = {}
    command = [sys.executable, str(HERE / script), *args]
    print(f"\n=== {script} {' '.join(args)}", flush=True)
    with subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    ) as process:
        for line in process.stdout:
            if line.startswith(PREFIX):
                figures.update(json.loads(line[len(PREFIX) :]))
            else:
                print(line, end="", flush=True)
    return process.returncode, figures


def commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        )
        return out.stdout.strip() or "unknown"
    except OSError:
        return "unknown"


def memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help="the sizes of the goals")
    parser.add_argument("--only", default="", help="comma-separated names, e.g. http,kpi")
    parser.add_argument("--out", default=str(HERE / "results" / "latest.json"))
    args = parser.parse_args()

    postgres = pg_answers()
    if args.full and not postgres:
        print(f"--full needs PostgreSQL at {PG} (MOTCUA_BENCH_PG).")
        return 2
    wanted = {f"bench_{name.strip()}.py" for name in args.only.split(",") if name.strip()}
    started = time.monotonic()
    figures: dict = {}
    failed = []
    for script, script_args, env in plan(args.full, postgres):
        if wanted and script not in wanted:
            continue
        code, found = run_one(script, script_args, env)
        figures.update(found)
        if code:
            failed.append(script)

    result = {
        "mode": "full" if args.full else "quick",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": commit(),
        "cores": os.cpu_count(),
        "memory_gib": memory_gib(),
        "python": platform.python_version(),
        "database_for_http": "postgresql" if postgres else "sqlite",
        "seconds": round(time.monotonic() - started, 1),
        "failed": failed,
        "figures": figures,
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"\n=== figures ({result['mode']}, {result['seconds']} s) → {out}")
    width = max((len(k) for k in figures), default=0)
    for key, value in figures.items():
        print(f"  {key:<{width}}  {value}")
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
