"""Benchmark: the ranking page from the rollups, against the naive scan of the dossiers.

    python bench/bench_kpi.py [--dossiers N] [--full] [--repeat R] [--reuse]

1. Seeds the demo province with N synthetic dossiers (default 50,000; ``--full``:
   10,000,000, PostgreSQL only) through ``seed_demo``'s bulk loader, which sends no
   signals, then runs ``motcua rebuild_rollups`` (set-based) and times it.
2. For the last complete month, renders the ranking page (``/giam-sat/xep-hang/``)
   R times (default 7) as the province's supervisor and as the superuser (national
   ranking), through the whole Django stack, and the overview page with its 12-month
   trends; prints the median and the slowest.
3. Runs, in the same run, the naive query the rollups replace – one ``GROUP BY`` over
   the dossiers of the month with conditional counts per agency – and prints its time,
   and checks that both give the same number of dossiers received.
4. Times live transitions (a counter intake and a decision) with the rollup receiver
   connected and disconnected: the cost of keeping the figures up to date.

By default it works on a throwaway SQLite database in a temporary directory. With
DATABASE_URL set it uses that database, which must be an empty scratch database
(migrated first) – or, with ``--reuse``, a scratch database this benchmark seeded
before (seeding 10 million dossiers takes about 40 minutes on the reference machine).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
from _django import setup_django  # noqa: E402
from _results import emit  # noqa: E402

QUICK, FULL = 50_000, 10_000_000


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=None, help=f"default {QUICK:,}")
    parser.add_argument("--full", action="store_true", help=f"{FULL:,} dossiers (PostgreSQL)")
    parser.add_argument("--repeat", type=int, default=7, help="page renders per measurement")
    parser.add_argument("--reuse", action="store_true", help="keep the dossiers already seeded")
    parser.add_argument("--seed", type=int, default=2026)
    args, _unknown = parser.parse_known_args()  # run_all.py passes everyone's arguments
    if args.dossiers is None:
        args.dossiers = FULL if args.full else QUICK
    return args


def human(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes)} min {rest:04.1f} s" if minutes else f"{rest:.1f} s"


def main() -> int:
    args = parse_args()
    if args.full and not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("--full needs PostgreSQL: set DATABASE_URL=postgres://… (an empty scratch database).")
        return 2
    scratch = setup_django("kpi")
    try:
        return run(args)
    finally:
        if scratch:
            from django.db import connections

            connections.close_all()
            shutil.rmtree(scratch, ignore_errors=True)


def timed(fn, repeat: int) -> tuple[float, float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), max(times), result


def run(args: argparse.Namespace) -> int:
    from django.core.management import call_command
    from django.db import connection

    from motcua.agencies.models import Agency
    from motcua.demo import seeding
    from motcua.dossiers.models import Dossier
    from motcua.monitoring.models import DailyRollup, DossierFact, MonthlyRollup
    from motcua.monitoring.periods import last_month
    from motcua.monitoring.rebuild import rebuild

    def log(line: str) -> None:
        print(line, flush=True)

    call_command("migrate", verbosity=0, interactive=False)
    print(f"Database: {connection.vendor} ({connection.settings_dict['NAME']})", flush=True)
    if Agency.objects.exists() and not args.reuse:
        print("The database is not empty: use an empty scratch database, or --reuse.")
        return 2
    if not args.reuse:
        started = time.monotonic()
        seeding.seed_demo(
            dossiers=args.dossiers, citizens=300, businesses=60, seed=args.seed, log=log
        )
        print(f"seed_demo --dossiers {args.dossiers:,}: {human(time.monotonic() - started)}")
    total = Dossier.objects.count()

    if args.reuse and DossierFact.objects.count() >= total:
        # Seeded and rebuilt by an earlier run of this benchmark: measure at once.
        print(f"rollups already built for the {total:,} dossiers (--reuse)", flush=True)
    else:
        started = time.monotonic()
        report = rebuild()
        rebuild_seconds = time.monotonic() - started
        print(f"rebuild_rollups: {human(rebuild_seconds)} – {report.summary()}", flush=True)
    rollup_rows = DailyRollup.objects.count()
    monthly_rows = MonthlyRollup.objects.count()

    period = last_month()
    print(f"\nRanking of {period.label} over {total:,} dossiers ({args.repeat} renders each):")
    pages = measure_pages(period, args.repeat)
    selector = ranking_figures(period, max(3, args.repeat))
    naive_median, naive_max, naive = timed(lambda: naive_ranking(period), max(3, args.repeat // 2))
    rollup_received = sum(
        DailyRollup.objects.filter(day__range=(period.start, period.end)).values_list(
            "received", flat=True
        )
    )
    naive_received = sum(row["received"] for row in naive)
    live = measure_live_transitions(10)

    print()
    for label, (median, slowest, queries) in pages.items():
        print(
            f"  {label:<44} median {human(median):>8}, slowest {human(slowest):>8}, "
            f"{queries} queries"
        )
    print(
        f"  {'ranking figures alone (rollup queries)':<44} median {human(selector[0]):>8}, "
        f"slowest {human(selector[1]):>8}"
    )
    print(
        f"  {'naive scan of the dossiers (GROUP BY agency)':<44} median {human(naive_median):>8}, "
        f"slowest {human(naive_max):>8}"
    )
    supervisor = pages["ranking page, province supervisor"][0]
    print(
        f"  naive query ÷ rollup figures: {naive_median / selector[0]:,.1f}×; "
        f"naive query ÷ whole ranking page: {naive_median / supervisor:,.1f}×"
    )
    print(
        f"  same month, dossiers received: rollups {rollup_received:,}, naive scan "
        f"{naive_received:,} – {'equal' if rollup_received == naive_received else 'DIFFERENT'}"
    )
    print(
        f"  sizes: {total:,} dossiers, {DossierFact.objects.count():,} facts, "
        f"{rollup_rows:,} daily and {monthly_rows:,} monthly rollup rows"
    )
    print(
        f"  live transition (intake + decision): {human(live[0])} with the rollup receiver, "
        f"{human(live[1])} without – {live[0] - live[1]:+.4f} s per dossier"
    )
    emit(
        kpi_ranking_ms=supervisor * 1000,
        kpi_ranking_national_ms=pages["ranking page, superuser (national)"][0] * 1000,
        kpi_figures_ms=selector[0] * 1000,
        kpi_naive_ms=naive_median * 1000,
        kpi_dossiers=total,
    )
    return 0 if rollup_received == naive_received else 1


def measure_pages(period, repeat: int) -> dict[str, tuple[float, float, int]]:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from motcua.accounts.models import User
    from motcua.demo.seeding import SUPERUSER_USERNAME, SUPERVISOR_USERNAME

    results = {}
    for label, username, url in [
        ("ranking page, province supervisor", SUPERVISOR_USERNAME, "/giam-sat/xep-hang/"),
        ("ranking page, superuser (national)", SUPERUSER_USERNAME, "/giam-sat/xep-hang/"),
        ("overview page + 12-month trends, supervisor", SUPERVISOR_USERNAME, "/giam-sat/"),
    ]:
        client = Client()
        client.force_login(User.objects.get(username=username))

        def get(client=client, url=url):
            response = client.get(url, {"period": period.key})
            assert response.status_code == 200, response.status_code
            return response

        get()  # warm caches (templates, calendar)
        median, slowest, _response = timed(get, repeat)
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            get()
        results[label] = (median, slowest, len(queries))
    return results


def ranking_figures(period, repeat: int) -> tuple[float, float]:
    """The ranking's figures straight from the selector (no HTTP, no template)."""
    from motcua.agencies.models import Agency
    from motcua.demo.seeding import PROVINCE_CODE
    from motcua.monitoring.selectors import Context, ranking

    province = Agency.objects.get(code=PROVINCE_CODE).pk
    median, slowest, _rows = timed(lambda: ranking(period, province, ctx=Context()), repeat)
    return median, slowest


def naive_ranking(period) -> list[dict]:
    """The figures of the ranking computed straight from the dossiers: what rollups replace."""
    import zoneinfo

    from django.conf import settings
    from django.db.models import Count, F, Q, Sum

    from motcua.dossiers.models import Dossier

    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    received = Q(received_at__gte=start, received_at__lt=end)
    finished = Q(finished_at__gte=start, finished_at__lt=end) & Q(
        status__in=["approved", "result_issued", "returned", "refused"]
    )
    due = F("due_date")
    return list(
        Dossier.objects.filter(received | finished)
        .values("agency_id")
        .annotate(
            received=Count("pk", filter=received),
            online=Count("pk", filter=received & Q(channel="online")),
            reused=Count("pk", filter=received & Q(reused_data=True)),
            fee_required=Count("pk", filter=received & Q(fee_vnd__gt=0)),
            paid_online=Count("pk", filter=received & Q(fee_paid_online=True)),
            finished=Count("pk", filter=finished),
            early=Count("pk", filter=finished & Q(finished_at__date__lt=due)),
            late=Count("pk", filter=finished & Q(finished_at__date__gt=due)),
            results=Count("pk", filter=finished & Q(status__in=["result_issued", "returned"])),
            electronic=Count("pk", filter=finished & Q(result_electronic=True)),
            rating_sum=Sum("rating__score", filter=finished),
        )
        .order_by()
    )


def measure_live_transitions(count: int, rounds: int = 3) -> tuple[float, float]:
    """Seconds per dossier for a counter intake plus a decision, with and without rollups."""
    from django.db import transaction

    from motcua.accounts.models import Applicant
    from motcua.agencies.models import Agency
    from motcua.demo.seeding import PREFIX, current_versions
    from motcua.dossiers import services
    from motcua.dossiers.signals import dossier_event
    from motcua.monitoring.receivers import keep_rollups

    agency = Agency.objects.get(code=f"{PREFIX}.STP")
    version = next(v for v in current_versions() if agency in v.agencies.all())
    applicant = Applicant.objects.order_by("pk").first()

    def one_batch() -> float:
        started = time.perf_counter()
        for _ in range(count):
            with transaction.atomic():
                dossier = services.record_counter_dossier(
                    applicant=applicant, version=version, agency=agency, by=None
                )
                services.transition(dossier, "start_processing")
                services.transition(dossier, "approve")
        return (time.perf_counter() - started) / count

    # The demo's notification backend prints an SMS per event: keep the figures readable.
    # Rounds alternate with and without the receiver, after a warm-up; medians per dossier.
    with_times, without_times = [], []
    with contextlib.redirect_stdout(io.StringIO()):
        one_batch()
        for _round in range(rounds):
            with_times.append(one_batch())
            dossier_event.disconnect(keep_rollups, dispatch_uid="monitoring.rollups")
            try:
                without_times.append(one_batch())
            finally:
                dossier_event.connect(keep_rollups, dispatch_uid="monitoring.rollups")
    with_rollups = statistics.median(with_times)
    without = statistics.median(without_times)
    return with_rollups, without


if __name__ == "__main__":
    sys.exit(main())
