"""Synthetic dossiers for the demo and the benchmarks, written in bulk with raw SQL.

Dossiers are written in batches (PostgreSQL ``COPY``, SQLite ``executemany``),
never through the ORM row by row: a million dossiers and their ~5.5 million
history rows take a few minutes. Each dossier's history follows the workflow
table, and the code counters are moved past the codes used, so later live
dossiers never collide.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import os
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from motcua.accounts.models import Applicant
from motcua.agencies.models import Agency, Membership, Role
from motcua.catalog.models import AuthorityLevel, Procedure, Registry
from motcua.demo.seeding import (
    POPULAR,
    ZIPF_EXPONENT,
    Log,
    current_versions,
    demo_communes,
    demo_province,
    resolve_agency,
)
from motcua.dossiers.models import CodeCounter, Dossier, Rating, Status, StatusChange
from motcua.workdays.calendar import add_working_days, working_days_of_year


@dataclass
class _Version:
    id: int
    days: int
    fee: int
    online_fee: int
    offered_online: bool
    business: float  # probability that the applicant is a business
    supplement_days: int
    agency: int | None  # receiving agency (None: depends on the applicant's commune)
    by_commune: dict[int, int] = field(default_factory=dict)  # commune index -> agency id


@dataclass
class SeedStats:
    dossiers: int = 0
    history: int = 0
    seconds: float = 0.0
    statuses: Counter = field(default_factory=Counter)
    channels: Counter = field(default_factory=Counter)
    timeliness: Counter = field(default_factory=Counter)

    @property
    def rate(self) -> float:
        return self.dossiers / self.seconds if self.seconds else 0.0


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
]
RATING_FIELDS = ["dossier", "score", "comment", "rated_at"]
# Satisfaction scores 1..5 as citizens give them (mostly satisfied, a tail of complaints).
RATING_WEIGHTS = list(itertools.accumulate([3, 4, 13, 35, 45]))
HISTORY_FIELDS = ["dossier", "action", "from_status", "to_status", "actor", "at", "note"]

OFFICE_START = 7 * 3600 + 1800  # 07:30
OFFICE_END = 17 * 3600
ONLINE_START = 6 * 3600
ONLINE_END = 23 * 3600
DAY = 86400
WEEKEND_VOLUME = 0.15  # relative number of (online) dossiers on a day off
GROWTH = 0.5  # volume grows by half over the period
WINDOW_DAYS = 730


class DossierGenerator:
    """Synthetic dossiers over the last 24 months, written in batches with raw SQL."""

    def __init__(
        self, *, seed: int, log: Log, batch_size: int = 20_000, now: dt.datetime | None = None
    ):
        self.rng = random.Random(seed)
        self.log = log
        self.batch_size = batch_size
        self.now = now or timezone.now()
        tz = ZoneInfo(settings.TIME_ZONE)
        # Vietnam has kept UTC+7 since 1975; one offset serves the whole period.
        self.offset = int(self.now.astimezone(tz).utcoffset().total_seconds())
        self.now_ts = int(self.now.timestamp())
        self.today = dt.date.fromordinal(_EPOCH_ORD + (self.now_ts + self.offset) // DAY)
        self.first_day = self.today - dt.timedelta(days=WINDOW_DAYS)
        self.writer = _Writer()
        self.postgres = self.writer.vendor == "postgresql"
        self._load_calendar()
        self._day_text: dict[int, str] = {}
        self._date_text: dict[dt.date, str] = {}
        self._due: dict[tuple[int, int], int] = {}
        self.ratings: list[tuple] = []

    # calendar -------------------------------------------------------------------
    def _load_calendar(self) -> None:
        days: list[dt.date] = []
        for year in range(self.first_day.year - 1, self.today.year + 3):
            days.extend(working_days_of_year(year))
        self.wd = days
        self.wd_index = {d: i for i, d in enumerate(days)}
        self.wd_mid = [(d.toordinal() - _EPOCH_ORD) * DAY - self.offset for d in days]

    def first_working_index(self, day: dt.date) -> int:
        """Index of the first working day on or after ``day``."""
        return bisect.bisect_left(self.wd, day)

    def due_index(self, received_index: int, days: int) -> int:
        key = (received_index, days)
        index = self._due.get(key)
        if index is None:
            due = add_working_days(self.wd[received_index], days)
            index = self._due[key] = self.wd_index[due]
        return index

    def at(self, index: int, after: int) -> int:
        """A moment in office hours of working day ``index``, later than ``after``."""
        mid = self.wd_mid[index]
        lo, hi = mid + OFFICE_START, mid + OFFICE_END
        if after + 60 > lo:
            lo = after + 60
        if lo >= hi:
            return lo + int(self.rng.random() * 1800)
        return lo + int((hi - lo) * self.rng.random() ** 1.5)

    # formatting -----------------------------------------------------------------
    def ts_text(self, ts: int) -> str:
        day, sec = divmod(ts, DAY)
        prefix = self._day_text.get(day)
        if prefix is None:
            prefix = self._day_text[day] = dt.date.fromordinal(_EPOCH_ORD + day).isoformat()
        suffix = "+00" if self.postgres else ""
        return f"{prefix} {sec // 3600:02d}:{sec % 3600 // 60:02d}:{sec % 60:02d}{suffix}"

    # reference data -------------------------------------------------------------
    def load(self, province: Agency) -> None:
        communes = demo_communes(province)
        names = [c.name for c in communes]

        versions = current_versions()
        if not versions:
            raise RuntimeError("The catalogue is empty: import procedures.csv first.")
        infos = []
        for version in versions:
            sources = version.data_sources or []
            if Registry.BUSINESS in sources:
                business = 0.5 if Registry.POPULATION in sources else 1.0
            else:
                business = 0.0
            info = _Version(
                id=version.pk,
                days=version.processing_days,
                fee=version.fee_vnd,
                online_fee=version.online_fee_vnd,
                offered_online=version.is_offered_online,
                business=business,
                supplement_days=version.supplement_days,
                agency=None,
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
        code_of = dict(
            Procedure.objects.filter(current_version__isnull=False).values_list(
                "current_version_id", "code"
            )
        )
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
        self.agency_code = dict(Agency.objects.filter(pk__in=agency_ids).values_list("pk", "code"))
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
        for pk, kind, user_id, address in Applicant.objects.order_by("pk").values_list(
            "pk", "kind", "user_id", "address"
        ):
            home = next((i for i, n in enumerate(names) if n in address), pk % len(names))
            (persons if kind == Applicant.Kind.PERSON else firms).append((pk, user_id, home))
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

    # generation -----------------------------------------------------------------
    def day_counts(self, total: int) -> list[tuple[dt.date, int]]:
        """How many dossiers each day of the period gets (growing, fewer on days off)."""
        days = [self.first_day + dt.timedelta(days=i) for i in range(WINDOW_DAYS + 1)]
        weights = [
            (1 + GROWTH * i / WINDOW_DAYS) * (1.0 if day in self.wd_index else WEEKEND_VOLUME)
            for i, day in enumerate(days)
        ]
        # Only the part of today that has passed.
        passed = (self.now_ts + self.offset) % DAY / DAY
        weights[-1] *= passed
        picks = Counter(
            self.rng.choices(
                range(len(days)), cum_weights=list(itertools.accumulate(weights)), k=total
            )
        )
        return [(days[i], picks[i]) for i in sorted(picks)]

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

    def generate_day(
        self,
        day: dt.date,
        count: int,
        dossiers: list,
        history: list,
        touched: set,
        stats: SeedStats,
    ) -> None:
        rng = self.rng
        random_ = rng.random
        working = day in self.wd_index
        share = (day - self.first_day).days / WINDOW_DAYS
        p_online = 0.43 + 0.18 * share  # ~55 % online overall, growing
        mid = (day.toordinal() - _EPOCH_ORD) * DAY - self.offset
        latest = self.now_ts - mid  # seconds of today already passed (may exceed a day)
        drafts = []
        for _ in range(count):
            u = random_()
            if not working or u < p_online:
                channel = "online"
                sec = ONLINE_START + int((ONLINE_END - ONLINE_START) * random_())
            else:
                channel = "postal" if u > 0.95 else "counter"
                sec = OFFICE_START + int((OFFICE_END - OFFICE_START) * random_())
            if sec >= latest:
                sec = int(latest * random_())
            drafts.append((sec, channel))
        drafts.sort()
        versions = rng.choices(self.versions, cum_weights=self.version_cum, k=count)
        for (sec, channel), version in zip(drafts, versions, strict=True):
            if channel == "online" and not version.offered_online:
                channel = "counter"
            self.generate_one(mid + sec, channel, version, dossiers, history, touched, stats)

    def generate_one(
        self,
        anchor: int,
        channel: str,
        v: _Version,
        dossiers: list,
        history: list,
        touched: set,
        stats: SeedStats,
    ) -> None:
        rng = self.rng
        random_ = rng.random
        now = self.now_ts
        if v.business and random_() < v.business:
            applicant_id, user_id, home = rng.choice(self.firms)
        else:
            applicant_id, user_id, home = rng.choice(self.persons)
        agency_id = v.agency if v.agency is not None else v.by_commune[home]
        desk, spec, lead = self.officers.get(agency_id, (None, None, None))
        online = channel == "online"

        # The timeline as planned; whatever lies after now has not happened yet.
        events: list[tuple[str, str, int, int | None]] = []
        local_day = dt.date.fromordinal(_EPOCH_ORD + (anchor + self.offset) // DAY)
        timeliness = ""
        if online:
            created = anchor - 120 - int(3600 * random_())
            events.append(("submit", Status.SUBMITTED, anchor, user_id))
            r = self.first_working_index(local_day)
            local_sec = (anchor + self.offset) % DAY
            if not (self.wd[r] == local_day and local_sec < 15 * 3600 + 1800 and random_() < 0.6):
                if self.wd[r] == local_day:
                    r += 1
                received = self.at(r, 0)
            else:
                received = self.at(r, anchor)
            if random_() < 0.015:
                events.append(("refuse_intake", Status.REFUSED, received, desk))
                received = None
            else:
                events.append(("receive", Status.RECEIVED, received, desk))
        else:
            created = anchor
            received = anchor
            r = self.first_working_index(local_day)
            events.append(("receive", Status.RECEIVED, received, desk))
        due = None
        if received is not None:
            due = self.due_index(r, v.days)
            # About 70 % decided before the due date, 20 % on it, 10 % after it.
            w = random_()
            if w < 0.7 and due > r:
                timeliness = "early"
                fin = r + int((due - r) * random_())
            elif w < 0.9 or due <= r:
                timeliness = "on_time"
                fin = due
            else:
                timeliness = "late"
                fin = due + 1 + int(min(10, 1 + v.days // 3) * random_())
            # Handed to the specialist the same day or, when there is time, the next one.
            start = r + 1 if fin > r and random_() < 0.4 else r
            prev = self.at(start, received)
            events.append(("start_processing", Status.IN_PROCESS, prev, spec))
            outcome = random_()
            if outcome < 0.02:
                when = start + int((fin - start + 1) * random_())
                events.append(("withdraw", Status.WITHDRAWN, self.at(when, prev), user_id))
                timeliness = ""
            else:
                done = False
                if random_() < 0.1 and fin > start:
                    asked = start + int((fin - start) * random_())
                    prev = self.at(asked, prev)
                    events.append(("request_supplement", Status.WAITING_SUPPLEMENT, prev, spec))
                    if random_() < 0.2:
                        prev = self.at(asked + v.supplement_days, prev)
                        events.append(("refuse", Status.REFUSED, prev, spec))
                        timeliness = ""
                        done = True
                    else:
                        given = asked + 1 + int(5 * random_())
                        prev = self.at(given, prev)
                        events.append(("provide_supplement", Status.IN_PROCESS, prev, user_id))
                        if given > fin:
                            fin = given + int(3 * random_())
                            timeliness = "late" if fin > due else timeliness
                if not done:
                    prev = self.at(fin, prev)
                    if outcome < 0.05:
                        events.append(("refuse", Status.REFUSED, prev, spec))
                    else:
                        events.append(("approve", Status.APPROVED, prev, lead))
                        u = random_()
                        issued = fin + (0 if u < 0.5 else 1 if u < 0.85 else 2)
                        prev = self.at(issued, prev)
                        events.append(("issue_result", Status.RESULT_ISSUED, prev, lead))
                        if random_() >= 0.015:
                            later = int((2 if online else 6) * random_())
                            prev = self.at(issued + later, prev)
                            events.append(("return_result", Status.RETURNED, prev, desk))

        # Cut at now.
        cut = len(events)
        while events[cut - 1][2] > now:
            cut -= 1
        events = events[:cut]

        dossier_id = self.next_id
        self.next_id += 1
        fmt = self.ts_text
        # Like the live service: an online dossier was a draft before it was submitted.
        frm = Status.DRAFT.value if events[0][0] == "submit" else ""
        submitted = events[0][2]
        received_at = due_date = paused_at = finished_at = returned_at = None
        for action, to, ts, actor in events:
            history.append((dossier_id, action, frm, to, actor, fmt(ts), ""))
            frm = to
            if action == "receive":
                received_at = ts
            elif action in ("approve", "refuse", "refuse_intake"):
                finished_at = ts
            elif action == "return_result":
                returned_at = ts
            elif action == "request_supplement":
                paused_at = ts
        status = frm
        if status != Status.WAITING_SUPPLEMENT:
            paused_at = None
        if received_at is not None:
            due_day = self.wd[due]
            due_date = self._date_text.get(due_day) or self._date_text.setdefault(
                due_day, due_day.isoformat()
            )
        key = (agency_id, local_day)
        seq = self.counters.get(key, 0) + 1
        self.counters[key] = seq
        touched.add(key)
        code = settings.MOTCUA_DOSSIER_CODE_FORMAT.format(
            agency=self.agency_code[agency_id], date=local_day, seq=seq
        )
        dossiers.append(
            (
                dossier_id,
                None,
                code,
                None,
                applicant_id,
                v.id,
                agency_id,
                channel,
                status,
                "{}",
                v.online_fee if online else v.fee,
                fmt(created),
                fmt(submitted),
                fmt(received_at) if received_at is not None else None,
                due_date,
                fmt(paused_at) if paused_at is not None else None,
                fmt(finished_at) if finished_at is not None else None,
                fmt(returned_at) if returned_at is not None else None,
                fmt(events[-1][2]),
            )
        )
        # Fee, reuse, electronic result and satisfaction, as the measurement needs them.
        fee = v.online_fee if online else v.fee
        fee_paid_at = None
        paid_online = False
        if fee and received_at is not None:
            paid_online = online and random_() < 0.85
            fee_paid_at = submitted if paid_online else received_at
        electronic = status in (Status.RESULT_ISSUED, Status.RETURNED) and (
            random_() < (0.8 if online else 0.1)
        )
        if status == Status.RETURNED and random_() < (0.35 if online else 0.1):
            score = bisect.bisect_left(RATING_WEIGHTS, 100 * random_()) + 1
            self.ratings.append((dossier_id, score, "", fmt(returned_at + 3600)))
        row_tail = (
            spec if status in (Status.IN_PROCESS, Status.WAITING_SUPPLEMENT) else None,
            "{}",
            online and random_() < 0.7,
            fmt(fee_paid_at) if fee_paid_at is not None else None,
            paid_online,
            electronic,
        )
        dossiers[-1] = dossiers[-1] + row_tail
        stats.statuses[status] += 1
        stats.channels[channel] += 1
        if finished_at is not None and timeliness:
            finished_day = dt.date.fromordinal(_EPOCH_ORD + (finished_at + self.offset) // DAY)
            due_day = self.wd[due]
            stats.timeliness[
                "early"
                if finished_day < due_day
                else "on_time"
                if finished_day == due_day
                else "late"
            ] += 1

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
        secrets_ = os.urandom(4 * len(dossiers)).hex().upper()
        rows = []
        for i, row in enumerate(dossiers):
            n = int.from_bytes(uuids[16 * i : 16 * i + 16], "big")
            n = (n & ~(0xF000 << 64) & ~(0xC000 << 48)) | (0x4000 << 64) | (0x8000 << 48)
            rows.append((row[0], f"{n:032x}", row[2], secrets_[8 * i : 8 * i + 8], *row[4:]))
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


_EPOCH_ORD = dt.date(1970, 1, 1).toordinal()


def seed_dossiers(
    total: int, *, seed: int, log: Log, batch_size: int = 20_000, now: dt.datetime | None = None
) -> SeedStats:
    generator = DossierGenerator(seed=seed, log=log, batch_size=batch_size, now=now)
    generator.load(demo_province())
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -262144")  # 256 MB for the index pages
    return generator.run(total)
