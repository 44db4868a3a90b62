"""Benchmark: online submission and status look-up through the HTTP API, with locust.

    python bench/bench_http.py [--seconds 15] [--users 16] [--workers 3]

1. Prepares a scratch database (PostgreSQL when DATABASE_URL points at an empty one,
   as ``bench/run.py`` does; else a temporary SQLite file): migrate, the demo province
   with 200 citizens known to the registry simulator, a bearer token per citizen.
2. Serves the project with gunicorn (``deploy/gunicorn.conf.py``; workers from
   ``--workers``), the registry simulator included (no added latency), and warms it up.
3. Runs locust headless (closed loop, no think time) for each scenario and prints
   requests/s and p50/p99 from locust's statistics:
   - **submit**: each user files dossiers back to back — create the draft (prefilled
     from the registry simulator over HTTP), upload a PDF per component the registries do
     not replace, submit (the values from the registries are checked again);
     baseline: the same dossier and history rows inserted directly with psycopg by the
     same number of connections (the ratio is the framework's overhead);
   - **lookup**: ``POST /api/v1/public/lookup`` by code and look-up code;
     baseline: ``/healthz`` of the same server (a static "hello").
4. Reads the resident memory (RSS) of every gunicorn worker after the runs.

Locust, gunicorn and PostgreSQL share the machine's cores: the figures are what one
small machine does with the load generator on board.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
from _django import setup_django  # noqa: E402
from _results import emit  # noqa: E402

BIN = Path(sys.executable).parent
PROCEDURE = "MC.TP.01"  # Phiếu lý lịch tư pháp at Sở Tư pháp: a fee, fully online
AGENCY = "BN.STP"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(citizens: int) -> dict:
    """Seed the scratch database; returns the plan shared with the locust users."""
    import datetime as dt
    import secrets

    from django.core.management import call_command
    from django.utils import timezone
    from oauth2_provider.models import AccessToken

    from motcua.accounts.models import Applicant
    from motcua.catalog.models import Procedure
    from motcua.dossiers import services
    from motcua.portal import selectors as portal_selectors

    call_command("migrate", verbosity=0, interactive=False)
    call_command(
        "seed_demo",
        "--dossiers",
        "0",
        "--citizens",
        str(citizens),
        "--businesses",
        "0",
        "--walkthrough",
        "0",
        "--signed-results",
        "0",
        stdout=open(os.devnull, "w"),  # noqa: SIM115
    )
    people = list(
        Applicant.objects.filter(kind=Applicant.Kind.PERSON, user__isnull=False).select_related(
            "user"
        )
    )
    expires = timezone.now() + dt.timedelta(days=1)
    tokens = []
    for person in people:
        raw = secrets.token_urlsafe(30)
        AccessToken.objects.create(
            user=person.user, token=raw, expires=expires, scope="dossiers:read dossiers:write"
        )
        tokens.append(raw)
    version = Procedure.objects.get(code=PROCEDURE).current_version
    from motcua.agencies.models import Agency

    probe = services.create_draft(
        applicant=people[0], version=version, agency=Agency.objects.get(code=AGENCY)
    )
    components = [c.pk for c in portal_selectors.missing_components(probe)]
    probe.delete()
    return {
        "procedure": PROCEDURE,
        "agency": AGENCY,
        "form": {"phone": "0912345678", "request_note": "Cần phiếu để bổ sung hồ sơ xin việc"},
        "components": components,
        "tokens": tokens,
    }


def lookups(limit: int = 2000) -> list[list[str]]:
    from motcua.dossiers.models import Dossier, Status

    rows = Dossier.objects.exclude(status=Status.DRAFT).values_list("code", "lookup_secret")
    return [list(row) for row in rows[:limit]]


def start_gunicorn(port: int, workers: int, env: dict) -> subprocess.Popen:
    command = [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "motcua.wsgi:application"]
    server = subprocess.Popen(
        command,
        cwd=ROOT,
        env={
            **env,
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_WORKERS": str(workers),
            "GUNICORN_THREADS": "4" if workers == 1 else "2",
            "GUNICORN_ACCESS_LOG": "",
            "GUNICORN_MAX_REQUESTS": "0",
            "GUNICORN_LOG_LEVEL": "warning",
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    threading.Thread(target=lambda: server.stderr.read(), daemon=True).start()
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit("gunicorn did not answer /healthz")


def worker_rss_mb(master: int) -> list[float]:
    sizes = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() == str(master) and "VmRSS" in fields:
            sizes.append(int(fields["VmRSS"].split()[0]) / 1024)
    return sizes


def run_locust(base: str, plan: dict, scenario: str, seconds: int, users: int, scratch: str):
    """Run one scenario headless; returns {name: (requests/s, p50 ms, p99 ms, failures)}."""
    path = Path(scratch) / f"plan-{scenario}.json"
    path.write_text(json.dumps({**plan, "scenario": scenario}))
    prefix = Path(scratch) / f"locust-{scenario}"
    filed = Path(scratch) / f"filed-{scenario}.json"
    command = [
        str(BIN / "locust"),
        "-f",
        str(ROOT / "bench" / "locust_motcua.py"),
        "--headless",
        "--only-summary",
        "-u",
        str(users),
        "-r",
        str(users),
        "-t",
        f"{seconds}s",
        "--host",
        base,
        "--csv",
        str(prefix),
        "--loglevel",
        "ERROR",
    ]
    env = {**os.environ, "MOTCUA_BENCH_PLAN": str(path), "MOTCUA_BENCH_FILED": str(filed)}
    done = subprocess.run(command, cwd=ROOT, env=env, check=False, capture_output=True, text=True)
    failures = Path(f"{prefix}_failures.csv")
    if failures.exists():
        for row in list(csv.DictReader(failures.open(encoding="utf-8")))[:3]:
            print(f"  ! {scenario} {row['Name']}: {row['Occurrences']}× {row['Error'][:300]}")
    if not Path(f"{prefix}_stats.csv").exists():
        print(done.stdout[-2000:], done.stderr[-2000:])

    def number(text: str) -> float:
        return float(text) if text and text != "N/A" else 0.0

    stats = {}
    with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            stats[row["Name"]] = (
                number(row["Requests/s"]),
                number(row["50%"]),
                number(row["99%"]),
                int(row["Failure Count"]),
                int(row["Request Count"]),
            )
    done = json.loads(filed.read_text()) if filed.exists() else {}
    return stats, done


def psycopg_baseline(seconds: float, connections: int) -> float:
    """Dossier + history rows inserted directly (one transaction each), rows per second."""
    import psycopg
    from django.conf import settings
    from django.db import connection

    from motcua.accounts.models import Applicant
    from motcua.agencies.models import Agency
    from motcua.catalog.models import Procedure

    if connection.vendor != "postgresql":
        return 0.0
    db = settings.DATABASES["default"]
    dsn = (
        f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} "
        f"dbname={db['NAME']} user={db['USER']}"
    )
    version_id = Procedure.objects.get(code=PROCEDURE).current_version_id
    agency_id = Agency.objects.get(code=AGENCY).pk
    applicant_ids = list(Applicant.objects.values_list("pk", flat=True))
    counts = [0] * connections
    stop = time.monotonic() + seconds

    def work(n: int) -> None:
        import uuid

        with psycopg.connect(dsn, autocommit=False) as conn:
            while time.monotonic() < stop:
                with conn.transaction(), conn.cursor() as cur:
                    cur.execute(
                        "INSERT INTO dossiers_dossier (public_id, code, applicant_id, "
                        "procedure_version_id, agency_id, channel, status, form_data, fee_vnd, "
                        "created_at, submitted_at, updated_at, prefill_sources, reused_data, "
                        "fee_paid_online, result_electronic, lookup_secret) VALUES (%s, %s, %s, "
                        "%s, %s, 'online', 'submitted', '{}', 100000, now(), now(), now(), "
                        "'{}', true, false, false, 'ABCDEFGH') RETURNING id",
                        [
                            uuid.uuid4(),
                            f"B{n}-{counts[n]}-{uuid.uuid4().hex[:8]}",
                            applicant_ids[counts[n] % len(applicant_ids)],
                            version_id,
                            agency_id,
                        ],
                    )
                    dossier_id = cur.fetchone()[0]
                    cur.execute(
                        "INSERT INTO dossiers_statuschange (dossier_id, action, from_status, "
                        "to_status, at, note) VALUES (%s, 'submit', 'draft', 'submitted', "
                        "now(), '')",
                        [dossier_id],
                    )
                counts[n] += 1

    threads = [threading.Thread(target=work, args=(n,)) for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / seconds


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--citizens", type=int, default=200)
    args = parser.parse_args()

    os.environ.update(
        {
            "MOTCUA_API_RATE_PUBLIC": "1000000/m",
            "MOTCUA_API_RATE_AUTHENTICATED": "1000000/m",
            "MOTCUA_REGISTRYSIM_LATENCY_MS": "0",
            "MOTCUA_METRICS": "0",
        }
    )
    scratch_db = setup_django("http")
    scratch = tempfile.mkdtemp(prefix="motcua-bench-http-")
    from django.db import connection, connections

    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})", flush=True)
    started = time.monotonic()
    plan = prepare(args.citizens)
    print(
        f"prepared in {time.monotonic() - started:.0f} s: {len(plan['tokens'])} citizens with "
        f"tokens; {PROCEDURE} at {AGENCY} needs {len(plan['components'])} upload(s)",
        flush=True,
    )
    connections.close_all()
    port, registry_port = free_port(), free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "MOTCUA_REGISTRY_BASE_URL": f"http://127.0.0.1:{registry_port}/mo-phong/csdl/",
        "MOTCUA_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PYTHONPATH": str(ROOT / "src"),
    }
    # The national registries are another system: their simulator gets its own server.
    registry = start_gunicorn(registry_port, 1, env)
    server = start_gunicorn(port, args.workers, env)
    try:
        # Warm every worker (the first request of a worker loads the URLconf and caches).
        run_locust(base, plan, "hello", 3, args.users, scratch)
        run_locust(base, plan, "submit", 3, 4, scratch)
        figures = {}
        submit, filed = run_locust(base, plan, "submit", args.seconds, args.users, scratch)
        per_s = submit.get("submit", (0, 0, 0, 0, 0))
        create = submit.get("create", (0, 0, 0, 0, 0))
        upload = submit.get("upload", (0, 0, 0, 0, 0))
        baseline = psycopg_baseline(min(10, args.seconds), args.users)
        plan["lookups"] = lookups()
        look, _ = run_locust(base, plan, "lookup", args.seconds, args.users, scratch)
        hello, _ = run_locust(base, plan, "hello", args.seconds, args.users, scratch)
        rss = worker_rss_mb(server.pid)
    finally:
        for process in (server, registry):
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        shutil.rmtree(scratch, ignore_errors=True)
        if scratch_db:
            shutil.rmtree(scratch_db, ignore_errors=True)

    lookup = look.get("lookup", (0, 0, 0, 0, 0))
    hello_row = hello.get("hello", (0, 0, 0, 0, 0))
    failures = per_s[3] + create[3] + upload[3]
    print(
        f"\n{args.users} concurrent clients, {args.seconds} s per scenario, "
        f"gunicorn {args.workers} workers × 2 threads, database {connection.vendor}\n"
        f"  submission (create + {len(plan['components'])} upload + submit): "
        f"{per_s[0]:,.1f} dossiers/s; submit p50 {per_s[1]:.0f} ms, p99 {per_s[2]:.0f} ms; "
        f"create p50 {create[1]:.0f} ms, p99 {create[2]:.0f} ms; failures {failures} "
        f"(filed {filed.get('ok', 0):,})\n"
        f"    baseline, psycopg INSERT dossier + history, {args.users} connections: "
        f"{baseline:,.0f} dossiers/s"
        + (f" ({baseline / per_s[0]:,.0f}× the API)" if per_s[0] else "")
        + f"\n  look-up: {lookup[0]:,.0f} requests/s, p50 {lookup[1]:.0f} ms, "
        f"p99 {lookup[2]:.0f} ms, failures {lookup[3]}\n"
        f"    baseline, /healthz (hello) on the same server: {hello_row[0]:,.0f} requests/s, "
        f"p99 {hello_row[2]:.0f} ms\n"
        f"  gunicorn worker RSS after the runs: "
        + ", ".join(f"{mb:.0f} MB" for mb in sorted(rss))
        + " (target < 200 MB)"
    )
    figures.update(
        submit_per_s=per_s[0],
        submit_p50_ms=per_s[1],
        submit_p99_ms=per_s[2],
        submit_create_p99_ms=create[2],
        submit_failures=failures,
        submit_baseline_per_s=baseline,
        lookup_per_s=lookup[0],
        lookup_p50_ms=lookup[1],
        lookup_p99_ms=lookup[2],
        lookup_failures=lookup[3],
        lookup_baseline_per_s=hello_row[0],
        lookup_baseline_p99_ms=hello_row[2],
        worker_rss_mb=max(rss) if rss else None,
        http_users=args.users,
        http_workers=args.workers,
    )
    emit(**figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
