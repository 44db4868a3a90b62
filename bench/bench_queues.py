"""Benchmark: the officers' queue and search pages at scale, against naive pagination.

    python bench/bench_queues.py [--dossiers N] [--reuse] [--repeat R]
    python bench/bench_queues.py --full      # 10,000,000 dossiers, needs DATABASE_URL (PostgreSQL)

Seeds N synthetic dossiers (default 200,000) with ``seed_demo`` into an empty scratch
database (a temporary SQLite file unless DATABASE_URL is set), or with ``--reuse``
measures a database already seeded with at least N dossiers. Then, as a desk officer
of the busiest agency, its specialist and the province's supervisor, it requests every
queue page and typical searches through Django's test client (the whole view: scope,
counts, keyset page, template) and prints p50/p95 per page.

The baseline, measured in the same run on the same data, is what a plain Django list
view does: ``Paginator`` (COUNT(*) + OFFSET) over the officer's dossiers ordered by
date, deep in the list, and the queue counts as one aggregate pass over all the
officer's dossiers.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
from _django import setup_django  # noqa: E402

TARGET_MS = 300.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=200_000)
    parser.add_argument("--full", action="store_true", help="10,000,000 dossiers")
    parser.add_argument("--reuse", action="store_true", help="use an already seeded database")
    parser.add_argument("--repeat", type=int, default=15)
    args, _unknown = parser.parse_known_args()
    if args.full:
        args.dossiers = 10_000_000
    return args


def main() -> int:
    args = parse_args()
    scratch = setup_django("queues")
    try:
        return run(args)
    finally:
        if scratch:
            from django.db import connections

            connections.close_all()
            shutil.rmtree(scratch, ignore_errors=True)


def timed(fn, repeat: int) -> tuple[float, float]:
    """p50 and p95 in milliseconds of ``repeat`` calls after one warm-up call."""
    fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(round(0.95 * (len(samples) - 1))))]
    return statistics.median(samples), p95


def run(args: argparse.Namespace) -> int:
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count

    from motcua.agencies.models import Agency, Membership, Role
    from motcua.demo import seeding
    from motcua.dossiers.models import Dossier

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0, interactive=False)
    have = Dossier.objects.count() if args.reuse else 0
    if args.reuse and have < args.dossiers:
        print(f"--reuse: the database holds {have:,} dossiers, fewer than {args.dossiers:,}.")
        return 2
    if not args.reuse:
        if Agency.objects.exists():
            print("The database is not empty: point DATABASE_URL at an empty scratch database.")
            return 2
        started = time.monotonic()
        seeding.seed_demo(
            dossiers=args.dossiers,
            citizens=max(300, args.dossiers // 30),
            businesses=max(60, args.dossiers // 300),
            seed=2026,
            log=lambda _line: None,
        )
        print(f"seeded {args.dossiers:,} dossiers in {time.monotonic() - started:.0f} s")
        have = args.dossiers
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    busiest = (
        Dossier.objects.values("agency_id").annotate(n=Count("pk")).order_by("-n").first()
        if have <= 2_000_000
        else _busiest_by_sample(connection)
    )
    agency = Agency.objects.get(pk=busiest["agency_id"])
    agency_total = Dossier.objects.filter(agency=agency).count()
    officers = {}
    for role in (Role.DESK_OFFICER, Role.SPECIALIST, Role.SUPERVISOR):
        membership = (
            Membership.objects.filter(role=role, agency__parent=agency)
            .select_related("user")
            .first()
            or Membership.objects.filter(role=role).select_related("user").first()
        )
        officers[role] = membership.user
    print(
        f"database: {connection.vendor}, {have:,} dossiers; busiest agency {agency.code} "
        f"with {agency_total:,} dossiers; {args.repeat} requests per page after a warm-up"
    )
    return measure(args, agency, officers)


def _busiest_by_sample(connection) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT agency_id, count(*) FROM dossiers_dossier TABLESAMPLE SYSTEM (1) "
            "GROUP BY agency_id ORDER BY 2 DESC LIMIT 1"
        )
        agency_id, _n = cursor.fetchone()
    return {"agency_id": agency_id}


def measure(args, agency, officers) -> int:
    from django.core.paginator import Paginator
    from django.db.models import Count, Q
    from django.db.models.functions import Coalesce
    from django.test import Client

    from motcua.agencies.models import Role
    from motcua.backoffice import scope, selectors
    from motcua.dossiers.models import Dossier, Status

    desk = officers[Role.DESK_OFFICER]
    sample = (
        Dossier.objects.filter(agency=agency, status=Status.RETURNED)
        .select_related("applicant", "procedure_version__procedure")
        .order_by("-pk")
        .first()
    )
    surname = sample.applicant.name.split()[-1]
    pages = [
        (desk, "hang=moi"),
        (desk, "hang=dang-xu-ly"),
        (desk, "hang=sap-den-han"),
        (desk, "hang=qua-han"),
        (desk, "hang=cho-bo-sung"),
        (officers[Role.SPECIALIST], "hang=viec-cua-toi"),
        (officers[Role.SUPERVISOR], "hang=qua-han"),
        (desk, f"hang=tat-ca&code={sample.code}"),
        (desk, f"hang=tat-ca&code={sample.code[:-5]}"),
        (desk, f"hang=tat-ca&applicant={sample.applicant.name}"),
        (desk, f"hang=tat-ca&applicant={surname}"),
        (desk, f"hang=tat-ca&procedure={sample.procedure_version.procedure.code}"),
        (desk, "hang=tat-ca&status=returned&received_from=2025-10-01&received_to=2025-10-31"),
    ]
    worst = 0.0
    print(f"\n{'page (officer)':<70} {'p50 ms':>8} {'p95 ms':>8}")
    for user, query in pages:
        client = Client()
        client.force_login(user)

        def get(client=client, query=query):
            response = client.get(f"/mot-cua/?{query}")
            assert response.status_code == 200, response.status_code

        p50, p95 = timed(get, args.repeat)
        worst = max(worst, p95)
        print(f"{query[:55] + ' (' + user.username + ')':<70} {p50:8.1f} {p95:8.1f}")

    # Deep in a queue: the 40th page through the keyset cursor.
    client = Client()
    client.force_login(desk)
    after = ""
    for _ in range(39):
        page = selectors.queue_page(desk, "tat-ca", after=after)
        after = page.next_cursor or ""
    p50_deep, p95_deep = timed(
        lambda: client.get(f"/mot-cua/?hang=tat-ca&sau={after}"), args.repeat
    )
    worst = max(worst, p95_deep)
    print(f"{'hang=tat-ca, page 40 via keyset cursor':<70} {p50_deep:8.1f} {p95_deep:8.1f}")

    # Baseline: a plain list view (Paginator: COUNT + OFFSET) and one-pass counts.
    visible = scope.dossiers_for(desk)
    ordered = visible.annotate(
        sort_at=Coalesce("received_at", "submitted_at", "created_at")
    ).order_by("-sort_at", "-pk")

    def paginator_page():
        page = Paginator(ordered.select_related("applicant"), 25).page(40)
        list(page.object_list)

    def one_pass_counts():
        visible.aggregate(
            moi=Count("pk", filter=Q(status=Status.SUBMITTED)),
            dang=Count("pk", filter=Q(status__in=selectors.RUNNING_CLOCK)),
            bo_sung=Count("pk", filter=Q(status=Status.WAITING_SUPPLEMENT)),
        )

    repeat = max(3, args.repeat // 3)
    base_page = timed(paginator_page, repeat)
    base_counts = timed(one_pass_counts, repeat)
    ours_counts = timed(lambda: selectors.queue_counts(desk), repeat)
    print(
        f"\nbaseline (same data, same run), p50/p95 ms:\n"
        f"  Paginator page 40 (COUNT + OFFSET, ordered by date): "
        f"{base_page[0]:.1f} / {base_page[1]:.1f}\n"
        f"  queue counts in one aggregate pass:                   "
        f"{base_counts[0]:.1f} / {base_counts[1]:.1f}\n"
        f"  ours: keyset page 40 (whole request) {p50_deep:.1f} / {p95_deep:.1f}; "
        f"indexed counts {ours_counts[0]:.1f} / {ours_counts[1]:.1f}"
    )
    verdict = "OK" if worst < TARGET_MS else "SLOWER THAN TARGET"
    print(f"\nslowest page p95: {worst:.1f} ms (target < {TARGET_MS:.0f} ms): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
