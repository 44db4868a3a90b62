"""Benchmark: API filings of this tree against another revision, interleaved.

    python bench/bench_ab.py --base 94415c4 [--rounds 10] [--seconds 5] [--clients 8]
    python bench/bench_ab.py --base-venv /tmp/other-venv   # the same code, two interpreters
    python bench/bench_ab.py --base-model gthread:3x2      # the same code, two gunicorn models

The CPU a filing costs is what sizes a node (``docs/DEPLOY.md``), but on a shared
2-core machine it drifts by ±15 % from one minute to the next, more than most changes
move it: two ``bench_http.py`` runs a few minutes apart cannot tell a 1 ms gain. Here
both versions are served at once, each by its own gunicorn (``deploy/gunicorn.conf.py``,
the production settings as ``bench_http.py`` sets them), its own PostgreSQL database
(the same seeded copy) and its own redis-server, and filings (create with prefill, one
upload, submit; ``bench/_load.py``) alternate between them in short rounds, the order
flipped every round, so that both see the same phases of the machine. Each round
measures the CPU per filing of each side (its gunicorn, its database's backends, its
redis-server); the paired differences give the gain and its standard error.

The base revision is checked out in a temporary git worktree (removed afterwards) and
must have the same migrations as this tree (both sides use copies of one database).
With ``--base-venv`` the base is served by another virtualenv's gunicorn (by default
the base revision is HEAD, so both sides run the same code): how much an interpreter
build changes a filing's CPU (``docs/DEPLOY.md`` §5).
PostgreSQL only (``DATABASE_URL`` of an empty scratch database, as ``bench/run.py`` gives).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import bench_http as http  # noqa: E402
from _load import CpuMeter, file_dossiers  # noqa: E402
from _results import emit  # noqa: E402

ROOT = HERE.parent


def git(*args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.strip()


def base_tree(rev: str, scratch: str) -> Path:
    """A worktree of ``rev`` (refused when its migrations differ from this tree's)."""
    commit = git("rev-parse", "--verify", f"{rev}^{{commit}}")
    changed = git("diff", "--name-only", commit, "--", "src/motcua/*/migrations/*.py")
    if changed:
        raise SystemExit(f"{rev} has other migrations than this tree:\n{changed}")
    path = Path(scratch) / "base"
    git("worktree", "add", "--detach", "--quiet", str(path), commit)
    return path


def python_of(bin_dir: Path) -> str:
    """The interpreter a virtualenv runs, as ``sys.version`` names it, and where it lives."""
    out = subprocess.run(
        [
            str(bin_dir / "python"),
            "-c",
            "import sys; print(sys.version.split()[0], sys._base_executable)",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return f"Python {out[0]} of {out[1]}"


def copy_database(url: str, name: str) -> str:
    """A database made from ``url``'s as template; returns its URL."""
    import psycopg

    server, source = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
    return f"{server}/{name}"


def drop_database(url: str) -> None:
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="HEAD", help="the revision to compare with")
    parser.add_argument(
        "--base-venv",
        type=Path,
        help="serve the base with this virtualenv's gunicorn (another interpreter, "
        "e.g. one made by another python3.11; it needs this project's dependencies)",
    )
    parser.add_argument(
        "--base-model",
        default=http.SHIPPED,
        help="serve the base with this gunicorn model instead of the shipped one, "
        "e.g. gthread:3x2 or sync:5 (bench_http.py --models)",
    )
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=5.0, help="of filings per side and round")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--citizens", type=int, default=200)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("bench_ab.py needs DATABASE_URL of an empty PostgreSQL database")

    scratch = tempfile.mkdtemp(prefix="motcua-bench-ab-")
    tree = base_tree(args.base, scratch)
    ports = {side: http.free_port() for side in ("base", "this", "registry")}
    redis_ports = {side: http.free_port() for side in ("base", "this")}
    redis = {side: http.start_redis(port, scratch) for side, port in redis_ports.items()}
    if not all(redis.values()):
        raise SystemExit("bench_ab.py needs redis-server (each side gets its own)")
    for side in ("base", "this"):  # each server's metrics files
        (Path(scratch) / f"prometheus-{side}").mkdir()
    # The sides' own Redis and Prometheus folders are given to their servers below.
    os.environ.update(
        http.production_env(
            scratch,
            f"redis://127.0.0.1:{redis_ports['this']}/0",
            ports["registry"],
            Path(scratch) / "prometheus-this",
        )
    )
    http.setup_django("ab")
    from django.db import connections

    this_url = os.environ["DATABASE_URL"]
    if not (ROOT / "var" / "bench-static" / "staticfiles.json").exists():
        from django.core.management import call_command

        call_command("collectstatic", "--noinput", verbosity=0)
    plan = http.prepare(args.citizens)
    connections.close_all()
    databases = {"this": this_url, "base": copy_database(this_url, "motcua_bench_ab_base")}
    registry_url = copy_database(this_url, "motcua_bench_ab_registry")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    registry = http.start_gunicorn(
        ports["registry"],
        {**env, "GUNICORN_WORKERS": "2", "DATABASE_URL": registry_url},
        "gthread:2x4",
    )
    servers, meters = {}, {}
    try:
        bins = {"base": args.base_venv / "bin" if args.base_venv else http.BIN, "this": http.BIN}
        for side, src in (("base", tree / "src"), ("this", ROOT / "src")):
            prometheus = Path(scratch) / f"prometheus-{side}"
            redis_url = f"redis://127.0.0.1:{redis_ports[side]}"
            servers[side] = http.start_gunicorn(
                ports[side],
                {
                    **env,
                    "PYTHONPATH": str(src),
                    "DATABASE_URL": databases[side],
                    "PROMETHEUS_MULTIPROC_DIR": str(prometheus),
                    "REDIS_URL": f"{redis_url}/0",
                    "CELERY_BROKER_URL": f"{redis_url}/1",
                },
                model=args.base_model if side == "base" else http.SHIPPED,
                bin_dir=bins[side],
                tree=src.parent,
            )
            name = databases[side].rsplit("/", 1)[1]
            meters[side] = CpuMeter(
                servers[side].pid, redis[side].pid, lambda name=name: http.backends(name)
            )
        edited = "+" if git("status", "--porcelain", "--", "src") else ""  # uncommitted
        for side in servers:  # warm every worker
            file_dossiers(ports[side], plan, args.clients, 6)
        print(
            f"filings (create with prefill, 1 upload, submit), {args.clients} clients, "
            f"{args.rounds} rounds of {args.seconds:g} s per side; base {args.base} "
            f"({git('rev-parse', '--short', args.base)}, {python_of(bins['base'])}, gunicorn "
            f"{args.base_model}), this tree "
            f"({git('rev-parse', '--short', 'HEAD')}{edited}, {python_of(bins['this'])})",
            flush=True,
        )
        rounds: list[dict] = []
        for number in range(args.rounds):
            order = ("base", "this") if number % 2 == 0 else ("this", "base")
            row = {}
            for side in order:
                meters[side].start()
                result = file_dossiers(ports[side], plan, args.clients, args.seconds)
                cpu_s = meters[side].stop()
                filed = result["filed"] or 1
                row[side] = {
                    "filed": result["filed"],
                    "cpu_ms": cpu_s * 1000 / filed,
                    "parts": {k: v * 1000 / filed for k, v in meters[side].parts.items()},
                    "per_s": result["filed"] / args.seconds,
                }
            rounds.append(row)
            print(
                f"round {number + 1:2d}: "
                + " | ".join(
                    f"{side} {row[side]['per_s']:5.1f}/s {row[side]['cpu_ms']:5.1f} ms"
                    for side in order
                ),
                flush=True,
            )
    finally:
        for server in (*servers.values(), registry):
            http.stop_process(server)
        for server in redis.values():
            server.kill()
        connections.close_all()
        for url in (databases.get("base"), registry_url):
            if url:
                drop_database(url)
        subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False)

    def mean(side: str, key: str) -> float:
        return statistics.fmean(r[side][key] for r in rounds)

    def part(side: str, name: str) -> float:
        return statistics.fmean(r[side]["parts"].get(name, 0.0) for r in rounds)

    differences = [r["this"]["cpu_ms"] - r["base"]["cpu_ms"] for r in rounds]
    gain = -statistics.fmean(differences)
    error = statistics.stdev(differences) / len(differences) ** 0.5 if len(rounds) > 1 else 0.0
    for side in ("base", "this"):
        print(
            f"{side:4s}: {mean(side, 'per_s'):5.1f} filings/s, CPU {mean(side, 'cpu_ms'):5.2f} "
            f"ms/filing (web {part(side, 'web'):.2f} db {part(side, 'db'):.2f} "
            f"cache {part(side, 'cache'):.2f})"
        )
    print(f"this tree saves {gain:.2f} ± {error:.2f} ms of CPU per filing (paired rounds)")
    emit(
        ab_base_filing_cpu_ms=mean("base", "cpu_ms"),
        ab_filing_cpu_ms=mean("this", "cpu_ms"),
        ab_filing_cpu_gain_ms=gain,
        ab_filing_cpu_gain_se_ms=error,
        ab_base_submit_per_s=mean("base", "per_s"),
        ab_submit_per_s=mean("this", "per_s"),
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
