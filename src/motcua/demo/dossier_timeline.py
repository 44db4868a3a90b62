"""The life of a synthetic dossier: when it comes in, who acts on it and when, how it ends.

``DossierTimelines`` turns the working-day calendar and a procedure's figures into
the rows of a dossier and of its history (the actions of the workflow table, at
moments in office hours, cut at now). It holds no database writes: the generator
of ``dossier_generation`` loads the reference data it draws from and writes the
rows in batches.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import json
import random
from collections import Counter
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone

from motcua.demo.form_data import sample_decision_data, sample_form_data
from motcua.dossiers.effects import format_code
from motcua.dossiers.models import Status
from motcua.workdays.calendar import add_working_days, working_days_of_year


@dataclass
class VersionInfo:
    id: int
    days: int
    fee: int
    online_fee: int
    offered_online: bool
    business: float  # probability that the applicant is a business
    supplement_days: int
    agency: int | None  # receiving agency (None: depends on the applicant's commune)
    by_commune: dict[int, int] = field(default_factory=dict)  # commune index -> agency id
    code: str = ""  # the procedure's code (its modelled e-form fills the form data)


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


# Satisfaction scores 1..5 as citizens give them (mostly satisfied, a tail of complaints).
RATING_WEIGHTS = list(itertools.accumulate([3, 4, 13, 35, 45]))

OFFICE_START = 7 * 3600 + 1800  # 07:30
OFFICE_END = 17 * 3600
ONLINE_START = 6 * 3600
ONLINE_END = 23 * 3600
DAY = 86400
WEEKEND_VOLUME = 0.15  # relative number of (online) dossiers on a day off
GROWTH = 0.5  # volume grows by half over the period
WINDOW_DAYS = 730

_EPOCH_ORD = dt.date(1970, 1, 1).toordinal()
DECIDED = {Status.APPROVED, Status.RESULT_ISSUED, Status.RETURNED}


class DossierTimelines:
    """The rows of synthetic dossiers and their history, day by day over the period.

    What they are drawn from is set by the generator's ``load``: ``versions`` and
    ``version_cum`` (the procedures and their cumulative popularity), ``persons`` and
    ``firms`` (applicant id, user id, home commune index), ``officers`` (by receiving
    agency: desk officer, specialist, leader), ``agency_code``, ``counters`` (the code
    counters by agency and day) and ``next_id``.
    """

    versions: list[VersionInfo]
    version_cum: list[float]
    persons: list[tuple[int, int | None, int]]
    firms: list[tuple[int, int | None, int]]
    officers: dict[int, tuple[int | None, int | None, int | None]]
    agency_code: dict[int, str]
    counters: dict[tuple[int, dt.date], int]
    next_id: int
    applicant_data: dict[int, dict]  # person applicants for demo.form_data, by id

    def __init__(self, *, seed: int, now: dt.datetime | None, postgres: bool):
        self.rng = random.Random(seed)
        self.now = now or timezone.now()
        tz = ZoneInfo(settings.TIME_ZONE)
        # Vietnam has kept UTC+7 since 1975; one offset serves the whole period.
        self.offset = int(self.now.astimezone(tz).utcoffset().total_seconds())
        self.now_ts = int(self.now.timestamp())
        self.today = dt.date.fromordinal(_EPOCH_ORD + (self.now_ts + self.offset) // DAY)
        self.first_day = self.today - dt.timedelta(days=WINDOW_DAYS)
        self.postgres = postgres
        self._load_calendar()
        self._day_text: dict[int, str] = {}
        self._date_text: dict[dt.date, str] = {}
        self._due: dict[tuple[int, int], int] = {}
        self.ratings: list[tuple] = []
        # Form data draws from its own generator: the timelines stay those of the seed.
        self.form_rng = random.Random(seed + 1)
        self.applicant_data = {}

    def form_json(self, code: str, applicant_id: int, day: dt.date) -> str:
        """The dossier's form data as JSON: a filled real tờ khai when ``code`` has one."""
        applicant = self.applicant_data.get(applicant_id)
        if not code or applicant is None:
            return "{}"
        data = sample_form_data(code, applicant, self.form_rng, on=day)
        return "{}" if data is None else json.dumps(data, ensure_ascii=False)

    def decision_json(self, code: str, form: str, status: str, day: dt.date) -> str:
        """What the specialist recorded, for a dossier assessed and approved."""
        if form == "{}" or status not in DECIDED:
            return "{}"
        data = sample_decision_data(code, json.loads(form), self.form_rng, on=day)
        return "{}" if data is None else json.dumps(data, ensure_ascii=False)

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
        v: VersionInfo,
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
                # After receipt the applicant asks to stop (Decree 118/2025 Art. 21).
                events.append(("stop", Status.STOPPED, self.at(when, prev), user_id))
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
        code = format_code(self.agency_code[agency_id], local_day, seq)
        form = self.form_json(v.code, applicant_id, local_day)
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
                form,
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
            self.decision_json(v.code, form, status, local_day),
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
