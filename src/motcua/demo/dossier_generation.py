"""Synthetic dossiers for the demo and the benchmarks, written in bulk with raw SQL.

Dossiers are written in batches (PostgreSQL ``COPY``, SQLite ``executemany``),
never through the ORM row by row: a million dossiers and their ~5.5 million
history rows take a few minutes. Each dossier's history follows the workflow
table, and the code counters are moved past the codes used, so later live
dossiers never collide.

The rows of each dossier and its history come from ``dossier_timeline``; this module
loads what they are drawn from and writes them.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import time

from django.core.exceptions import ImproperlyConfigured
from django.core.management.color import no_style
from django.db import connection, transaction

from motcua.accounts.models import Applicant
from motcua.agencies.models import Agency, Membership, Role
from motcua.catalog.models import AuthorityLevel, Procedure, Registry
from motcua.demo.dossier_timeline import DossierTimelines, SeedStats, VersionInfo
from motcua.demo.province import (
    Log,
    current_versions,
    demo_communes,
    demo_province,
    resolve_agency,
)
from motcua.dossiers.models import CodeCounter, Dossier, Rating, StatusChange, new_lookup_secret

# The most used procedures first; the rest follow in a seeded random order.
POPULAR = [
    "MC.CT.02",
    "MC.TP.02",
    "MC.HT.01",
    "MC.CT.01",
    "MC.CC.01",
    "MC.TP.03",
    "MC.HT.04",
    "MC.HT.05",
    "MC.DD.01",
    "MC.GT.01",
    "MC.XC.01",
    "MC.TP.01",
    "MC.BH.01",
    "MC.CT.03",
    "MC.HT.02",
    "MC.DD.03",
    "MC.TH.01",
    "MC.HK.01",
    "MC.DN.02",
    "MC.GD.01",
]
ZIPF_EXPONENT = 0.9


class _Writer:
    """Appends rows to a table with the fastest plain means of the backend."""

    def __init__(self):
        self.vendor = connection.vendor
        if self.vendor not in ("postgresql", "sqlite"):
            raise ImproperlyConfigured(
                f"seed_demo supports PostgreSQL and SQLite, not {self.vendor}"
            )

    def insert(self, model, fields: list[str], rows: list[tuple]) -> None:
        meta = model._meta
        table = connection.ops.quote_name(meta.db_table)
        columns = ", ".join(connection.ops.quote_name(meta.get_field(f).column) for f in fields)
        connection.ensure_connection()
        raw = connection.connection
        if self.vendor == "postgresql":
            with raw.cursor() as cursor:
                with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    write = copy.write_row
                    for row in rows:
                        write(row)
        else:
            marks = ", ".join("?" * len(fields))
            cursor = raw.cursor()
            try:
                cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)
            finally:
                cursor.close()


DOSSIER_FIELDS = [
    "id",
    "public_id",
    "code",
    "lookup_secret",
    "applicant",
    "procedure_version",
    "agency",
    "channel",
    "status",
    "form_data",
    "fee_vnd",
    "created_at",
    "submitted_at",
    "received_at",
    "due_date",
    "paused_at",
    "finished_at",
    "returned_at",
    "updated_at",
    "assignee",
    "prefill_sources",
    "reused_data",
    "fee_paid_at",
    "fee_paid_online",
    "result_electronic",
    "decision_data",
]
RATING_FIELDS = ["dossier", "score", "comment", "rated_at"]
HISTORY_FIELDS = ["dossier", "action", "from_status", "to_status", "actor", "at", "note"]


class DossierGenerator(DossierTimelines):
    """Synthetic dossiers over the last 24 months, written in batches with raw SQL."""

    def __init__(
        self, *, seed: int, log: Log, batch_size: int = 20_000, now: dt.datetime | None = None
    ):
        self.writer = _Writer()
        super().__init__(seed=seed, now=now, postgres=self.writer.vendor == "postgresql")
        self.log = log
        self.batch_size = batch_size

    # reference data -------------------------------------------------------------
    def load(self, province: Agency) -> None:
        communes = demo_communes(province)
        names = [c.name for c in communes]

        versions = current_versions()
        if not versions:
            raise RuntimeError("The catalogue is empty: import procedures.csv first.")
        code_of = dict(
            Procedure.objects.filter(current_version__isnull=False).values_list(
                "current_version_id", "code"
            )
        )
        infos = []
        for version in versions:
            sources = version.data_sources or []
            if Registry.BUSINESS in sources:
                business = 0.5 if Registry.POPULATION in sources else 1.0
            else:
                business = 0.0
            info = VersionInfo(
                id=version.pk,
                days=version.processing_days,
                fee=version.fee_vnd,
                online_fee=version.online_fee_vnd,
                offered_online=version.is_offered_online,
                business=business,
                supplement_days=version.supplement_days,
                agency=None,
                code=code_of[version.pk],
            )
            if version.level == AuthorityLevel.COMMUNE:
                info.by_commune = {
                    i: resolve_agency(version, province, commune=c).pk
                    for i, c in enumerate(communes)
                }
            else:
                info.agency = resolve_agency(version, province).pk
            infos.append(info)
        # Zipf-like popularity: the popular codes first, the others in a seeded order.
        popular = {code: rank for rank, code in enumerate(POPULAR)}
        order = sorted(
            infos,
            key=lambda v: (popular.get(code_of[v.id], len(POPULAR)), self.rng.random()),
        )
        self.versions = order
        self.version_cum = list(
            itertools.accumulate(1 / (rank**ZIPF_EXPONENT) for rank in range(1, len(order) + 1))
        )

        agency_ids = {v.agency for v in infos if v.agency} | {
            a for v in infos for a in v.by_commune.values()
        }
        # The agency part of the code: the official identifier, else the internal code.
        self.agency_code = {
            pk: identifier or code
            for pk, code, identifier in Agency.objects.filter(pk__in=agency_ids).values_list(
                "pk", "code", "identifier"
            )
        }
        # Officers by receiving agency: (desk officer, specialist, leader).
        self.officers: dict[int, tuple[int | None, int | None, int | None]] = {}
        for user_id, unit_parent, role in (
            Membership.objects.filter(
                agency__parent_id__in=agency_ids,
                agency__kind=Agency.Kind.UNIT,
                role__in=[Role.DESK_OFFICER, Role.SPECIALIST, Role.LEADER],
            )
            .order_by("pk")
            .values_list("user_id", "agency__parent_id", "role")
        ):
            desk, spec, lead = self.officers.get(unit_parent, (None, None, None))
            if role == Role.DESK_OFFICER:
                desk = desk or user_id
            elif role == Role.SPECIALIST:
                spec = spec or user_id
            else:
                lead = lead or user_id
            self.officers[unit_parent] = (desk, spec, lead)

        persons, firms = [], []
        self.applicant_data = {}
        for pk, kind, user_id, address, name, pid, birth, phone in Applicant.objects.order_by(
            "pk"
        ).values_list(
            "pk", "kind", "user_id", "address", "name", "personal_id", "birth_date", "phone"
        ):
            home = next((i for i, n in enumerate(names) if n in address), pk % len(names))
            (persons if kind == Applicant.Kind.PERSON else firms).append((pk, user_id, home))
            if kind == Applicant.Kind.PERSON and pid and birth:
                self.applicant_data[pk] = {
                    "name": name,
                    "personal_id": pid,
                    "birth_date": birth,
                    "address": address,
                    "phone": phone,
                }
        if not persons:
            raise RuntimeError("No applicants: create the demo citizens first.")
        self.persons, self.firms = persons, firms or persons
        self.counters = {
            (agency_id, day): value
            for agency_id, day, value in CodeCounter.objects.filter(
                agency_id__in=agency_ids
            ).values_list("agency_id", "day", "value")
        }
        self.next_id = (
            Dossier.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        ) + 1

    def run(self, total: int) -> SeedStats:
        stats = SeedStats()
        started = time.monotonic()
        dossiers: list[tuple] = []
        history: list[tuple] = []
        touched: set[tuple[int, dt.date]] = set()
        batch_no = 0
        for day, count in self.day_counts(total):
            self.generate_day(day, count, dossiers, history, touched, stats)
            if len(dossiers) >= self.batch_size:
                batch_no += 1
                self.flush(dossiers, history, touched, stats, started, total, batch_no)
                dossiers, history, touched = [], [], set()
        if dossiers:
            batch_no += 1
            self.flush(dossiers, history, touched, stats, started, total, batch_no)
        self.finish()
        stats.seconds = time.monotonic() - started
        return stats

    def flush(
        self,
        dossiers: list,
        history: list,
        touched: set,
        stats: SeedStats,
        started: float,
        total: int,
        batch_no: int,
    ) -> None:
        # Random identifiers, like the model defaults: never derived from the seed.
        uuids = os.urandom(16 * len(dossiers))
        rows = []
        for i, row in enumerate(dossiers):
            n = int.from_bytes(uuids[16 * i : 16 * i + 16], "big")
            n = (n & ~(0xF000 << 64) & ~(0xC000 << 48)) | (0x4000 << 64) | (0x8000 << 48)
            rows.append((row[0], f"{n:032x}", row[2], new_lookup_secret(), *row[4:]))
        counters = [
            (agency_id, day, self.counters[(agency_id, day)]) for agency_id, day in sorted(touched)
        ]
        with transaction.atomic():
            self.writer.insert(Dossier, DOSSIER_FIELDS, rows)
            self.writer.insert(StatusChange, HISTORY_FIELDS, history)
            if self.ratings:
                self.writer.insert(Rating, RATING_FIELDS, self.ratings)
                self.ratings = []
            self.save_counters(counters)
        stats.dossiers += len(rows)
        stats.history += len(history)
        elapsed = time.monotonic() - started
        self.log(
            f"  lô {batch_no}: {stats.dossiers:,}/{total:,} hồ sơ, {stats.history:,} dòng lịch sử"
            f" – {stats.dossiers / elapsed:,.0f} hồ sơ/s, "
            f"{(stats.dossiers + stats.history) / elapsed:,.0f} dòng/s"
        )

    def save_counters(self, counters: list[tuple[int, dt.date, int]]) -> None:
        """Raise each touched counter to the highest sequence used (never lower it)."""
        meta = CodeCounter._meta
        qn = connection.ops.quote_name
        table = qn(meta.db_table)
        agency, day, value = (qn(meta.get_field(f).column) for f in ("agency", "day", "value"))
        sql = (
            f"INSERT INTO {table} ({agency}, {day}, {value}) VALUES (%s, %s, %s) "
            f"ON CONFLICT ({agency}, {day}) DO UPDATE SET {value} = CASE "
            f"WHEN excluded.{value} > {table}.{value} THEN excluded.{value} "
            f"ELSE {table}.{value} END"
        )
        params = [(a, d if self.postgres else d.isoformat(), v) for a, d, v in counters]
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)

    def finish(self) -> None:
        """Move the id sequence past the ids given explicitly; refresh planner statistics."""
        if not self.postgres:
            return
        statements = connection.ops.sequence_reset_sql(no_style(), [Dossier])
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
            for model in (Dossier, StatusChange, CodeCounter, Rating):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def seed_dossiers(
    total: int, *, seed: int, log: Log, batch_size: int = 20_000, now: dt.datetime | None = None
) -> SeedStats:
    generator = DossierGenerator(seed=seed, log=log, batch_size=batch_size, now=now)
    generator.load(demo_province())
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")  # 256 MB for the index pages
    return generator.run(total)
