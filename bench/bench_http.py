"""Benchmark: the public look-up, the catalogue and online filing over HTTP, served as
``docs/DEPLOY.md`` deploys them, with the floors measured in the same run.

    python bench/bench_http.py [--seconds 8] [--models gthread:3x4,sync:5]

1. Prepares a scratch database (PostgreSQL when DATABASE_URL points at an empty one,
   as ``bench/run.py`` does; else a temporary SQLite file): migrate, the demo province
   with 200 citizens known to the registry simulator, a bearer token per citizen.
2. Serves the project with the production settings (``MOTCUA_PRODUCTION=1``: persistent
   database connections, the Redis cache — a redis-server of its own, so that its CPU is
   the bench's —, Prometheus metrics on) under gunicorn with ``deploy/gunicorn.conf.py``
   (the model shipped there, or each of ``--models``), the registry simulator on a
   server of its own (another system: its CPU is not counted).
3. Drives the read paths with wrk (keep-alive, 2 threads; a Lua script posts the
   look-ups) at 16 and 64 connections: ``/healthz`` (the probe, before most middleware),
   the plain view ``/bench/plain/`` (``MOTCUA_BENCH=1``: a view that does nothing,
   behind the whole middleware), the look-up ``POST /api/v1/public/lookup`` and a procedure
   page ``/thu-tuc/<code>/``; and filings (create with prefill, one upload, submit) with
   a keep-alive client of Python threads (``bench/_load.py``) at 16 clients.
4. For each: requests/s, p50/p99 and the CPU milliseconds per request of gunicorn,
   the PostgreSQL backends of the bench database and redis-server together.
5. Floors: raw psycopg running the look-up's SQL, and a filing's dossier + history
   inserts, each with an audit chain's head row locked as the platform locks it
   (``audit.services.head_sql``): one chain platform-wide or one per agency (two), to
   show what a shared chain costs.
6. The queries and transactions of one API filing, counted in-process.
"""

from __future__ import annotations

import argparse
import contextlib
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
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
from _django import setup_django  # noqa: E402
from _load import CpuMeter, ensure_wrk, file_dossiers, lookup_script, run_wrk  # noqa: E402
from _results import emit  # noqa: E402

BIN = Path(sys.executable).parent
PROCEDURE = "MC.CT.01"  # Đăng ký thường trú at a commune police: a fee, one upload
AGENCY = "BN.CATUSON"
SHIPPED = "shipped"  # the model deploy/gunicorn.conf.py picks by itself


def production_env(scratch: str, redis_url: str, registry_port: int, prometheus: Path) -> dict:
    """The environment of a server under test: the production settings, as
    docs/DEPLOY.md deploys them; limits high enough for one load generator (one client
    address), but still counted on every request."""
    return {
        "MOTCUA_PRODUCTION": "1",
        "MOTCUA_HTTPS": "0",
        "MOTCUA_ALLOW_DEMO_SECRETS": "1",
        "MOTCUA_NOTIFICATIONS_INLINE": "0",
        "MOTCUA_METRICS": "1",
        "MOTCUA_BENCH": "1",
        "PROMETHEUS_MULTIPROC_DIR": str(prometheus),
        "REDIS_URL": redis_url,
        # Tasks queue in Redis (no worker runs during the bench).
        "CELERY_BROKER_URL": redis_url.rsplit("/", 1)[0] + "/1",
        "MOTCUA_API_RATE_PUBLIC": "100000000/m",
        "MOTCUA_API_RATE_AUTHENTICATED": "100000000/m",
        "MOTCUA_LOOKUP_RATE": "100000000/m",
        "MOTCUA_LOOKUP_CODE_RATE": "100000000/h",
        "MOTCUA_REGISTRYSIM_LATENCY_MS": "0",
        "MOTCUA_REGISTRY_BASE_URL": f"http://127.0.0.1:{registry_port}/mo-phong/csdl/",
        "MOTCUA_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "MOTCUA_VAR_DIR": scratch,
        # Hashed static files, as collectstatic leaves them in production (kept
        # between runs: collected only when missing).
        "MOTCUA_STATIC_ROOT": str(ROOT / "var" / "bench-static"),
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(citizens: int, reuse: bool = False) -> dict:
    """Seed the scratch database (``reuse``: it already is); returns the plan of the
    filing clients: a token and a filled e-form per citizen."""
    import datetime as dt
    import secrets

    from django.utils import timezone
    from oauth2_provider.models import AccessToken

    from motcua.accounts.models import Applicant
    from motcua.catalog.models import Procedure
    from motcua.dossiers import services
    from motcua.portal import selectors as portal_selectors

    if not reuse:
        seed(citizens)
        from django.db import connection

        if connection.vendor == "postgresql":
            # The planner's statistics of a live database (autovacuum keeps them), not
            # those of the empty tables the migrations made.
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
    from motcua.demo.signed_results import demo_form_data

    people = list(
        Applicant.objects.filter(kind=Applicant.Kind.PERSON, user__isnull=False)
        .select_related("user")
        .order_by("pk")
    )
    expires = timezone.now() + dt.timedelta(days=1)
    tokens, forms = [], []
    for person in people:
        form = demo_form_data(PROCEDURE, person)
        if form is None:
            continue
        raw = secrets.token_urlsafe(30)
        AccessToken.objects.create(
            user=person.user, token=raw, expires=expires, scope="dossiers:read dossiers:write"
        )
        tokens.append(raw)
        forms.append(form)
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
        "forms": json.loads(json.dumps(forms, default=str)),
        "components": components,
        "tokens": tokens,
    }


def seed(citizens: int) -> None:
    from django.core.management import call_command

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


def lookups(limit: int = 2000) -> list[list[str]]:
    from motcua.dossiers.models import Dossier, Status

    rows = Dossier.objects.exclude(status=Status.DRAFT).values_list("code", "lookup_secret")
    return [list(row) for row in rows[:limit]]


def warm_lookups(port: int, pairs: list[list[str]]) -> None:
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for code, secret in pairs:
        body = json.dumps({"code": code, "secret": secret})
        conn.request("POST", "/api/v1/public/lookup", body, {"Content-Type": "application/json"})
        conn.getresponse().read()
    conn.close()


def start_gunicorn(
    port: int, env: dict, model: str = SHIPPED, bin_dir: Path = BIN, tree: Path = ROOT
) -> subprocess.Popen:
    """gunicorn with ``tree``'s deploy/gunicorn.conf.py; ``model`` "gthread:3x4" or
    "sync:5" overrides its worker class, workers and threads; ``bin_dir`` is the
    virtualenv's bin folder (this interpreter's by default)."""
    extra = {}
    if model != SHIPPED:
        kind, _, size = model.partition(":")
        workers, _, threads = size.partition("x")
        extra = {
            "GUNICORN_WORKER_CLASS": kind,
            "GUNICORN_WORKERS": workers,
            "GUNICORN_THREADS": threads or "1",
        }
    command = [
        str(bin_dir / "gunicorn"),
        "-c",
        "deploy/gunicorn.conf.py",
        "motcua.wsgi:application",
    ]
    server = subprocess.Popen(
        command,
        cwd=tree,
        env={
            **env,
            **extra,
            "GUNICORN_BIND": f"127.0.0.1:{port}",
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


def registry_database(scratch: str) -> str:
    """A copy of the seeded bench database for the registry simulator (the national
    registries are another system, with a database of their own): on PostgreSQL a
    database made from the bench's as template (nothing may be connected to it), on
    SQLite a copy of the file. Returns its DATABASE_URL."""
    from django.db import connection

    settings = connection.settings_dict
    if connection.vendor != "postgresql":
        copy = Path(scratch) / "registry.sqlite3"
        shutil.copyfile(settings["NAME"], copy)
        return f"sqlite:///{copy}"
    import psycopg

    name = f"{settings['NAME']}_registry"
    admin_dsn = _dsn().replace(f"dbname={settings['NAME']}", "dbname=postgres")
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{settings["NAME"]}"')
    user = settings["USER"] or "postgres"
    auth = f"{user}:{settings['PASSWORD']}" if settings["PASSWORD"] else user
    host, port = settings["HOST"] or "127.0.0.1", settings["PORT"] or 5432
    return f"postgres://{auth}@{host}:{port}/{name}"


def drop_registry_database(url: str | None) -> None:
    if not url or not url.startswith("postgres"):
        return  # the SQLite copy goes with the scratch folder
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def stop_process(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def start_redis(port: int, scratch: str) -> subprocess.Popen | None:
    binary = shutil.which("redis-server")
    if not binary:
        return None
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        + ["--dir", scratch],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    for _ in range(50):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    return None


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


def _dsn() -> str:
    from django.conf import settings

    db = settings.DATABASES["default"]
    return (
        f"host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432} "
        f"dbname={db['NAME']} user={db['USER']}"
    )


def checkpoint() -> None:
    """CHECKPOINT on PostgreSQL (the bench's user may lack the right: then nothing)."""
    import psycopg
    from django.db import connection

    if connection.vendor != "postgresql":
        return
    try:
        with psycopg.connect(_dsn(), autocommit=True) as conn:
            conn.execute("CHECKPOINT")
    except psycopg.Error as error:
        print(f"  (no CHECKPOINT before the filings: {error})", flush=True)


def backend_writes() -> int | None:
    """Buffers PostgreSQL's backends wrote out themselves so far (``pg_stat_bgwriter``,
    PostgreSQL ≤ 16); None elsewhere."""
    import psycopg
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    try:
        with psycopg.connect(_dsn(), autocommit=True) as conn:
            return conn.execute("SELECT buffers_backend FROM pg_stat_bgwriter").fetchone()[0]
    except psycopg.Error:
        return None


def backends(database: str | None = None) -> list[int]:
    """The PostgreSQL backends connected to the bench database (their CPU is counted),
    or to ``database``."""
    import psycopg
    from django.db import connection

    if connection.vendor != "postgresql":
        return []
    with psycopg.connect(_dsn(), autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = coalesce(%s, current_database()) "
            "AND pid <> pg_backend_pid()",
            [database],
        ).fetchall()
    return [row[0] for row in rows]


def _threads(connections: int, seconds: float, work) -> float:
    """Run ``work(conn, n)`` (one unit, returns nothing) back to back on ``connections``
    psycopg connections for ``seconds``; units per second."""
    import psycopg

    counts = [0] * connections
    stop = time.monotonic() + seconds

    def loop(n: int) -> None:
        with psycopg.connect(_dsn(), autocommit=False) as conn:
            while time.monotonic() < stop:
                work(conn, n, counts[n])
                counts[n] += 1

    threads = [threading.Thread(target=loop, args=(n,)) for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / seconds


LOOKUP_SQL = (
    "SELECT d.id, d.code, d.status, d.lookup_secret, d.submitted_at, d.due_date, "
    "d.agency_id, d.procedure_version_id, v.name, a.code, a.name, p.name, p.kind, "
    "p.personal_id, p.tax_code FROM dossiers_dossier d "
    "JOIN catalog_procedureversion v ON v.id = d.procedure_version_id "
    "JOIN agencies_agency a ON a.id = d.agency_id "
    "JOIN accounts_applicant p ON p.id = d.applicant_id "
    "WHERE d.code = %s AND d.status <> 'draft' LIMIT 1"
)
HISTORY_SQL = (
    "SELECT from_status, to_status, action, at FROM dossiers_statuschange "
    "WHERE dossier_id = %s ORDER BY at, id"
)


def raw_lookup_floor(pairs: list[list[str]], connections: int, seconds: float) -> float:
    """The look-up's two SELECTs (as an uncached look-up runs them), per second."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0

    def work(conn, n, i):
        code = pairs[(n * 7919 + i) % len(pairs)][0]
        with conn.cursor() as cur:
            cur.execute(LOOKUP_SQL, [code])
            row = cur.fetchone()
            cur.execute(HISTORY_SQL, [row[0]])
            cur.fetchall()
        conn.rollback()

    return _threads(connections, seconds, work)


def raw_filing_floor(connections: int, seconds: float, lock: str) -> float:
    """A filing's dossier + history INSERTs in one transaction, per second; ``lock``
    "none", "platform" (one audit chain head row locked by every transaction, as one
    chain for the platform) or "agency" (one head per agency, connections spread over
    two agencies), taken last, just before the commit."""
    import uuid

    from django.db import connection

    from motcua.accounts.models import Applicant
    from motcua.agencies.models import Agency
    from motcua.audit.services import head_sql as chain_head_sql
    from motcua.catalog.models import Procedure

    head_sql = chain_head_sql(connection)
    version_id = Procedure.objects.get(code=PROCEDURE).current_version_id
    agencies = list(Agency.objects.order_by("pk").values_list("pk", flat=True)[:2])
    applicant_ids = list(Applicant.objects.values_list("pk", flat=True))

    def work(conn, n, i):
        agency_id = agencies[n % len(agencies)] if lock == "agency" else agencies[0]
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
                    f"B{n}-{i}-{uuid.uuid4().hex[:8]}",
                    applicant_ids[i % len(applicant_ids)],
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
            if lock != "none":
                # The audit chain's head row, locked and read as the platform does it
                # (``audit.services.head_sql``), one chain for every transaction or one
                # per agency (its hash left as it was: the bench writes no audit record).
                chain = "bench:platform" if lock == "platform" else f"bench:agency:{agency_id}"
                cur.execute(head_sql, [chain, "0" * 64])

    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    return _threads(connections, seconds, work)


def filing_counts(plan: dict) -> tuple[int, int, int]:
    """(queries, transactions, savepoints) of one API filing, in-process.

    A transaction is a commit of an outermost atomic block, or a write run outside
    any (autocommit: a transaction of its own)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {"commits": 0, "autocommit_writes": 0, "savepoints": 0}

    def wrapper(execute, sql, params, many, context):
        head = sql.lstrip()[:9].upper()
        if head.startswith("SAVEPOINT"):
            counts["savepoints"] += 1
        elif not context["connection"].in_atomic_block and head.split(" ")[0] in {
            "INSERT",
            "UPDATE",
            "DELETE",
        }:
            counts["autocommit_writes"] += 1
        return execute(sql, params, many, context)

    original_commit = connection.commit

    def counting_commit():
        counts["commits"] += 1
        return original_commit()

    from _load import BOUNDARY, multipart

    def file(index: int, counted: bool):
        client = Client(HTTP_AUTHORIZATION=f"Bearer {plan['tokens'][index]}")
        context = (
            (CaptureQueriesContext(connection), connection.execute_wrapper(wrapper))
            if counted
            else (contextlib.nullcontext(), contextlib.nullcontext())
        )
        with context[0] as queries, context[1]:
            created = client.post(
                "/api/v1/dossiers",
                {
                    "procedure": plan["procedure"],
                    "agency": plan["agency"],
                    "form": plan["forms"][index],
                },
                content_type="application/json",
                HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
            )
            assert created.status_code == 201, created.content[:300]
            dossier = created.json()["id"]
            for component in plan["components"]:
                upload = client.post(
                    f"/api/v1/dossiers/{dossier}/attachments",
                    multipart(component),
                    content_type=f"multipart/form-data; boundary={BOUNDARY}",
                    HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
                )
                assert upload.status_code == 201, upload.content[:300]
            submitted = client.post(f"/api/v1/dossiers/{dossier}/submit")
            assert submitted.status_code == 200, submitted.content[:300]
        return queries

    # A first filing by another citizen fills the per-process memos (lib.refcache), as
    # on a server that has been answering for a while; the second one is counted.
    file(1, counted=False)
    connection.commit = counting_commit
    try:
        queries = file(0, counted=True)
    finally:
        del connection.commit
    return (
        len(queries.captured_queries),
        counts["commits"] + counts["autocommit_writes"],
        counts["savepoints"],
    )


def measure(wrk, base, path, connections, seconds, meter, script=None) -> dict:
    meter.start()
    result = run_wrk(wrk, base, path, connections, seconds, script)
    cpu_s = meter.stop()
    n = result["requests"] or 1
    result["cpu_ms"] = cpu_s * 1000 / n if result["requests"] else 0.0
    result["split"] = {kind: s * 1000 / n for kind, s in meter.parts.items()}
    return result


def line(name: str, r: dict) -> str:
    return (
        f"  {name:<34} {r['per_s']:>8,.0f}/s  p50 {r['p50_ms']:>6.1f} ms  "
        f"p99 {r['p99_ms']:>6.1f} ms  CPU {r['cpu_ms']:>5.2f} ms/req "
        f"({_split(r)})  errors {r['errors']}"
    )


def _split(r: dict) -> str:
    split = r.get("split") or {}
    return " ".join(f"{kind} {split.get(kind, 0):.2f}" for kind in ("web", "db", "cache"))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=8, help="per read-path run")
    parser.add_argument("--filing-seconds", type=int, default=20)
    parser.add_argument(
        "--models",
        default="",
        help="gunicorn models to compare (the look-up at 16 and 64 connections, /healthz "
        "and the procedure page at 64), e.g. gthread:2x8,gthread:3x4,sync:5",
    )
    parser.add_argument("--citizens", type=int, default=200)
    parser.add_argument("--reuse", action="store_true", help="the database is seeded already")
    args = parser.parse_args()

    wrk = ensure_wrk()
    scratch = tempfile.mkdtemp(prefix="motcua-bench-http-")
    port, registry_port, redis_port = free_port(), free_port(), free_port()
    redis = start_redis(redis_port, scratch)
    redis_url = f"redis://127.0.0.1:{redis_port}/0" if redis else "redis://127.0.0.1:6379/15"
    prometheus = Path(scratch) / "prometheus"
    prometheus.mkdir()
    os.environ.update(production_env(scratch, redis_url, registry_port, prometheus))
    scratch_db = setup_django("http")
    from django.db import connection, connections

    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})", flush=True)
    started = time.monotonic()
    if not (ROOT / "var" / "bench-static" / "staticfiles.json").exists():
        from django.core.management import call_command

        call_command("collectstatic", "--noinput", verbosity=0)
    plan = prepare(args.citizens, args.reuse)
    print(
        f"prepared in {time.monotonic() - started:.0f} s: {len(plan['tokens'])} citizens with "
        f"tokens; {PROCEDURE} at {AGENCY} needs {len(plan['components'])} upload(s)",
        flush=True,
    )
    connections.close_all()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    # The national registries are another system: their simulator gets its own server
    # and its own database (a copy of the seeded one), so that neither its CPU nor its
    # queries count as the platform's.
    registry_db = registry_database(scratch)
    registry = start_gunicorn(
        registry_port,
        {**env, "GUNICORN_WORKERS": "2", "DATABASE_URL": registry_db},
        "gthread:2x4",
    )
    server = None
    figures: dict = {}
    try:
        queries, transactions, savepoints = filing_counts(plan)
        connections.close_all()
        print(
            f"one API filing (create + {len(plan['components'])} upload + submit): "
            f"{queries} queries, {transactions} transactions, {savepoints} savepoints",
            flush=True,
        )
        server = start_gunicorn(port, env)
        pids = CpuMeter(server.pid, redis.pid if redis else None, backends)
        # Warm every worker (URLconf, caches) and file dossiers for the look-ups. With as
        # many clients as the busiest run below, so that every thread of every worker has
        # opened its database connection and had PostgreSQL prepare the statements it
        # repeats (after 5 runs of each, prepare_threshold), as on a server that has been
        # answering for a while: warmed with 8 clients, the run with 16 paid for the
        # threads that had not served yet (new backends, statements planned again).
        file_dossiers(port, plan, 16, 6)
        # The seeding and the warm-up left the shared buffers full of dirty pages; had
        # they stayed, the filings' backends would write them out to find free buffers
        # (PostgreSQL's default 128 MB fill quickly on a machine with other databases),
        # a cost of the bench's bulk load, not of a filing. A live server's checkpointer
        # and background writer keep up with its writes; here one checkpoint does it.
        checkpoint()
        # The machine's other users during the filings: the registry simulator (its
        # gunicorn and its database's backends) and this process, the load client.
        registry_name = registry_db.rsplit("/", 1)[1]  # unused on SQLite: no backends
        elsewhere = CpuMeter(registry.pid, None, lambda: backends(registry_name))
        filing = {}
        # 16 clients keep the two cores busy (the throughput); 8 show the latency below
        # saturation (with N clients back to back, a filing takes N / rate on average).
        for clients in (8, 16):
            pids.start()
            elsewhere.start()
            client_before = time.process_time()
            writes_before = backend_writes()
            result = file_dossiers(port, plan, clients, args.filing_seconds)
            client_s = time.process_time() - client_before
            writes_after = backend_writes()
            cpu_s = pids.stop()
            registry_s = elsewhere.stop()
            result["cpu_ms"] = cpu_s * 1000 / result["filed"] if result["filed"] else 0.0
            n = result["filed"] or 1
            result["split"] = {kind: s * 1000 / n for kind, s in pids.parts.items()}
            result["registry_cpu_ms"] = registry_s * 1000 / n
            result["client_cpu_ms"] = client_s * 1000 / n
            result["backend_writes"] = (
                (writes_after - writes_before) / n
                if writes_before is not None and writes_after is not None
                else None
            )
            filing[clients] = result
        # The look-ups cycle over 200 dossiers, each looked up once before the runs:
        # the runs measure the cached answer (a miss costs the two SELECTs of the
        # raw-SQL floor below, and the calendar for an estimated date).
        pairs = lookups(200)
        warm_lookups(port, pairs)
        script = lookup_script(Path(scratch) / "lookup.lua", pairs)
        page = f"/thu-tuc/{PROCEDURE}/"
        reads = {}
        if wrk:
            run_wrk(wrk, base, "/healthz", 64, 2)
            run_wrk(wrk, base, "/", 16, 1, script)  # fills the look-up cache
            run_wrk(wrk, base, page, 16, 1)
            for conns in (16, 64):
                reads[("healthz", conns)] = measure(
                    wrk, base, "/healthz", conns, args.seconds, pids
                )
                reads[("plain", conns)] = measure(
                    wrk, base, "/bench/plain/", conns, args.seconds, pids
                )
                reads[("lookup", conns)] = measure(
                    wrk, base, "/", conns, args.seconds, pids, script
                )
                reads[("procedure", conns)] = measure(wrk, base, page, conns, args.seconds, pids)
        rss = worker_rss_mb(server.pid)
        stop_process(server)
        server = None
        models = {}
        if wrk and args.models:
            for model in [m.strip() for m in args.models.split(",") if m.strip()]:
                server = start_gunicorn(port, env, model)
                meter = CpuMeter(server.pid, redis.pid if redis else None, backends)
                run_wrk(wrk, base, "/", 64, 2, script)
                run_wrk(wrk, base, page, 64, 1)
                models[model] = {
                    conns: measure(wrk, base, "/", conns, args.seconds, meter, script)
                    for conns in (16, 64)
                }
                # The floor and the page under the same model, 64 connections.
                models[model]["healthz"] = measure(wrk, base, "/healthz", 64, args.seconds, meter)
                models[model]["page"] = measure(wrk, base, page, 64, args.seconds, meter)
                stop_process(server)
                server = None
        floor_seconds = min(5, args.seconds)
        raw_lookup = raw_lookup_floor(pairs, 16, floor_seconds)
        raw_filing = {
            lock: raw_filing_floor(16, floor_seconds, lock)
            for lock in ("none", "platform", "agency")
        }
    finally:
        for process in (server, registry, redis):
            if process is not None:
                stop_process(process)
        drop_registry_database(registry_db)
        shutil.rmtree(scratch, ignore_errors=True)
        if scratch_db:
            shutil.rmtree(scratch_db, ignore_errors=True)

    f16 = filing[16]
    print(
        f"\nserved by gunicorn as deploy/gunicorn.conf.py ships it, production settings "
        f"(persistent connections, Redis cache, metrics on), database {connection.vendor}; "
        f"wrk -t2 -cN -d{args.seconds}s --latency; CPU = gunicorn + PostgreSQL backends + "
        f"redis-server"
    )
    for conns in (16, 64):
        if ("lookup", conns) not in reads:
            continue
        print(f"{conns} connections:")
        print(line("/healthz (floor)", reads[("healthz", conns)]))
        print(line("plain view /bench/plain/ (floor)", reads[("plain", conns)]))
        print(line("look-up POST /api/v1/public/lookup", reads[("lookup", conns)]))
        print(line(f"procedure page {page}", reads[("procedure", conns)]))
    for clients, f in filing.items():
        print(
            f"filing through the API, {clients} keep-alive clients, {args.filing_seconds} s: "
            f"{f['per_s']:,.1f}/s (filed {f['filed']}, failures {f['failures']}), "
            f"filing p50 {f['p50_ms']:.0f} ms p99 {f['p99_ms']:.0f} ms, submit p99 "
            f"{f['submit_p99_ms']:.0f} ms, CPU {f['cpu_ms']:.1f} ms/filing ({_split(f)}); "
            f"{queries} queries, {transactions} transactions per filing; outside the platform "
            f"on the same cores: the registry simulator {f['registry_cpu_ms']:.1f} ms, the "
            f"load client {f['client_cpu_ms']:.1f} ms per filing"
            + (
                f"; buffers written by PostgreSQL's backends: {f['backend_writes']:.2f} per filing"
                if f.get("backend_writes") is not None
                else ""
            )
        )
    print(
        f"floors, raw psycopg, 16 connections: look-up SQL {raw_lookup:,.0f}/s; filing writes "
        f"{raw_filing['none']:,.0f}/s without a lock, {raw_filing['platform']:,.0f}/s behind "
        f"one platform-wide audit chain head, {raw_filing['agency']:,.0f}/s with one per agency "
        f"(2 agencies)"
    )
    for model, runs in models.items():
        print(f"model {model}:")
        for name, r in runs.items():
            label = f"look-up, {name} conns" if isinstance(name, int) else f"{name}, 64 conns"
            print(line(label, r))
    print(
        "gunicorn worker RSS after the runs: "
        + ", ".join(f"{mb:.0f} MB" for mb in sorted(rss))
        + " (target < 200 MB)"
    )

    lk64 = reads.get(("lookup", 64), {})
    lk16 = reads.get(("lookup", 16), {})
    pl64 = reads.get(("plain", 64), {})
    hz64 = reads.get(("healthz", 64), {})
    pp64 = reads.get(("procedure", 64), {})
    figures.update(
        submit_8_per_s=filing[8]["per_s"],
        submit_8_p50_ms=filing[8]["p50_ms"],
        submit_8_p99_ms=filing[8]["p99_ms"],
        filing_8_cpu_ms=filing[8]["cpu_ms"],
        submit_per_s=f16["per_s"],
        submit_p50_ms=f16["p50_ms"],
        submit_p99_ms=f16["p99_ms"],
        submit_create_p99_ms=f16["create_p99_ms"],
        submit_call_p99_ms=f16["submit_p99_ms"],
        submit_failures=f16["failures"],
        submit_baseline_per_s=raw_filing["none"],
        filing_cpu_ms=f16["cpu_ms"],
        filing_registry_cpu_ms=f16["registry_cpu_ms"],
        filing_client_cpu_ms=f16["client_cpu_ms"],
        filing_backend_writes=f16.get("backend_writes"),
        filing_db_cpu_ms=(f16.get("split") or {}).get("db"),
        filing_web_cpu_ms=(f16.get("split") or {}).get("web"),
        filing_queries=queries,
        filing_transactions=transactions,
        filing_savepoints=savepoints,
        filing_raw_platform_lock_per_s=raw_filing["platform"],
        filing_raw_agency_lock_per_s=raw_filing["agency"],
        lookup_per_s=lk64.get("per_s"),
        lookup_p50_ms=lk64.get("p50_ms"),
        lookup_p99_ms=lk64.get("p99_ms"),
        lookup_failures=lk64.get("errors"),
        lookup_cpu_ms=lk64.get("cpu_ms"),
        lookup_db_cpu_ms=(lk64.get("split") or {}).get("db"),
        lookup_16_per_s=lk16.get("per_s"),
        lookup_16_p99_ms=lk16.get("p99_ms"),
        lookup_raw_sql_per_s=raw_lookup,
        lookup_baseline_per_s=hz64.get("per_s"),
        lookup_baseline_p99_ms=hz64.get("p99_ms"),
        healthz_cpu_ms=hz64.get("cpu_ms"),
        plain_view_per_s=pl64.get("per_s"),
        plain_view_p99_ms=pl64.get("p99_ms"),
        plain_view_cpu_ms=pl64.get("cpu_ms"),
        procedure_page_per_s=pp64.get("per_s"),
        procedure_page_p99_ms=pp64.get("p99_ms"),
        procedure_page_cpu_ms=pp64.get("cpu_ms"),
        worker_rss_mb=max(rss) if rss else None,
        http_users=64,
        http_filing_clients=16,
        http_model=os.environ.get("GUNICORN_WORKER_CLASS", SHIPPED),
    )
    for model, runs in models.items():
        for conns, r in runs.items():
            tag = model.replace(":", "_")
            conns = conns if isinstance(conns, int) else f"{conns}_64"
            figures[f"model_{tag}_{conns}_per_s"] = r["per_s"]
            figures[f"model_{tag}_{conns}_p99_ms"] = r["p99_ms"]
            figures[f"model_{tag}_{conns}_cpu_ms"] = r["cpu_ms"]
    emit(**figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
