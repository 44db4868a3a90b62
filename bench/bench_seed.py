"""Benchmark: seed_demo's raw-SQL dossier loader against plain ORM bulk_create.

    python bench/bench_seed.py [N] [--sample S]

Seeds the demo with N synthetic dossiers (default 200,000) through the same
function the ``seed_demo --dossiers N`` command runs, then inserts S more
(default 20,000, at most N) the plain ORM way – ``Dossier.objects.bulk_create``
and ``StatusChange.objects.bulk_create`` per batch, from the same generator –
and prints both rates and the time each would need for 1,000,000 dossiers.

By default it works on a throwaway SQLite database in a temporary directory.
With DATABASE_URL set it uses that database instead, which must be an empty
scratch database (it is migrated first, and the benchmark refuses to run if it
already holds agencies).
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))
from _django import setup_django  # noqa: E402
from _results import emit  # noqa: E402

MILLION = 1_000_000


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dossiers", nargs="?", type=int, default=200_000)
    parser.add_argument("--sample", type=int, default=20_000, help="dossiers for the ORM baseline")
    parser.add_argument("--seed", type=int, default=2026)
    # bench/run_all.py passes its arguments to every benchmark: ignore the others'.
    args, _unknown = parser.parse_known_args()
    return args


def human(seconds: float) -> str:
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes)} min {rest:04.1f} s" if minutes else f"{rest:.1f} s"


def main() -> int:
    args = parse_args()
    if args.dossiers < 1 or args.sample < 1:
        print("N and --sample must be positive.")
        return 2
    scratch = setup_django("seed")
    try:
        return run(args)
    finally:
        if scratch:
            from django.db import connections

            connections.close_all()
            shutil.rmtree(scratch, ignore_errors=True)


def run(args: argparse.Namespace) -> int:
    from django.core.management import call_command
    from django.db import connection

    from motcua.agencies.models import Agency
    from motcua.demo import seeding

    def quiet(_line: str) -> None:
        pass

    def log(line: str) -> None:
        print(line, flush=True)

    started = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    migrate_seconds = time.monotonic() - started
    if Agency.objects.exists():
        print("The database is not empty: point DATABASE_URL at an empty scratch database.")
        return 2
    print(
        f"Database: {connection.vendor} ({connection.settings_dict['NAME']}); "
        f"migrate {migrate_seconds:.1f} s",
        flush=True,
    )

    # 1. seed_demo --dossiers N (raw SQL: COPY on PostgreSQL, executemany on SQLite).
    started = time.monotonic()
    result = seeding.seed_demo(
        dossiers=args.dossiers, citizens=300, businesses=60, seed=args.seed, log=log
    )
    wall = time.monotonic() - started
    stats = result.stats
    fast_rows = (stats.dossiers + stats.history) / stats.seconds
    fast_projection = result.setup_seconds + stats.seconds * MILLION / stats.dossiers

    # 2. Baseline: the same generator, written with plain ORM bulk_create.
    sample = min(args.sample, args.dossiers)
    print(f"\nORM baseline: {sample:,} more dossiers with bulk_create…", flush=True)
    baseline = orm_baseline_class()(seed=args.seed + 1, log=quiet)
    baseline.load(seeding.demo_province())
    orm = baseline.run(sample)
    orm_rows = (orm.dossiers + orm.history) / orm.seconds
    orm_projection = orm.seconds * MILLION / orm.dossiers

    print(
        f"\nseed_demo --dossiers {args.dossiers:,}: {human(wall)} in all "
        f"(setup {result.setup_seconds:.1f} s, dossiers {stats.seconds:.1f} s)\n"
        f"  raw SQL:  {stats.dossiers:,} dossiers + {stats.history:,} history rows: "
        f"{stats.rate:,.0f} dossiers/s, {fast_rows:,.0f} rows/s; "
        f"projected for 1,000,000: {human(fast_projection)}\n"
        f"  ORM bulk_create: {orm.dossiers:,} dossiers + {orm.history:,} history rows: "
        f"{orm.rate:,.0f} dossiers/s, {orm_rows:,.0f} rows/s; "
        f"projected for 1,000,000: {human(orm_projection)}\n"
        f"  speed-up: {stats.rate / orm.rate:.1f}×"
    )
    measured = args.dossiers >= MILLION
    emit(
        seed_dossiers=args.dossiers,
        seed_1m_s=wall * MILLION / args.dossiers if measured else fast_projection,
        seed_1m_measured=measured,
        seed_per_s=stats.rate,
        seed_orm_baseline_per_s=orm.rate,
    )
    return 0


def orm_baseline_class():
    """Built after django.setup(): it subclasses the seeding generator."""
    from django.db import transaction

    from motcua.demo.dossier_generation import DOSSIER_FIELDS, HISTORY_FIELDS, DossierGenerator
    from motcua.dossiers.models import Dossier, StatusChange, new_lookup_secret

    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    dossier_attnames = [Dossier._meta.get_field(f).attname for f in DOSSIER_FIELDS]
    history_attnames = [StatusChange._meta.get_field(f).attname for f in HISTORY_FIELDS]

    class OrmBaseline(DossierGenerator):
        """The seeding generator, but each batch goes through model instances and bulk_create."""

        def ts_text(self, ts: int) -> dt.datetime:
            return epoch + dt.timedelta(seconds=ts)

        def flush(self, dossiers, history, touched, stats, started, total, batch_no):
            objects = []
            for row in dossiers:
                values = dict(zip(dossier_attnames, row, strict=True))
                values.update(
                    public_id=uuid.uuid4(),
                    lookup_secret=new_lookup_secret(),
                    form_data={},
                    prefill_sources={},
                )
                objects.append(Dossier(**values))
            changes = [
                StatusChange(**dict(zip(history_attnames, row, strict=True))) for row in history
            ]
            counters = [(a, d, self.counters[(a, d)]) for a, d in sorted(touched)]
            with transaction.atomic():
                Dossier.objects.bulk_create(objects)
                StatusChange.objects.bulk_create(changes)
                self.save_counters(counters)
            stats.dossiers += len(objects)
            stats.history += len(changes)

    return OrmBaseline


if __name__ == "__main__":
    sys.exit(main())
