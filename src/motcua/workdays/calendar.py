"""Working days: weekends, Vietnamese statutory holidays and administrator overrides.

The statutory holidays of the Labour Code come from the ``holidays`` library,
which computes Tết and Hùng Kings' day from the Vietnamese lunar calendar (UTC+7,
so Tết 2007 falls on 17 February, not 18 as in the Chinese calendar) and knows the
government's published swaps. ``CalendarOverride`` rows entered by an
administrator win over both.

The day functions take and return ``datetime.date``. Everything is cached per year
and per process; the cache is cleared when an override changes in this process, and
expires after ``CACHE_SECONDS`` so that other web workers pick the change up.

Working time: the office hours of a working day come from ``MOTCUA_WORKING_HOURS``
(``07:30-11:30,13:00-17:00`` by default, checked when the settings load). The hour
functions (``add_working_hours``, ``working_hours_between``, ``opening_of``,
``closing_of``) take aware datetimes (a naive one is read as local time) and return
them in ``TIME_ZONE`` (Asia/Ho_Chi_Minh). ``add_calendar_days`` and ``add_months``
count plain dates; moving a deadline off a day off is the caller's rule
(``motcua.dossiers.timelimits``).
"""

from __future__ import annotations

import bisect
import datetime as dt
import time
from functools import lru_cache

import holidays
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.utils import timezone

from motcua.conf.workdays import parse_working_hours

SATURDAY, SUNDAY = 5, 6
CACHE_SECONDS = 300
_cache_born = time.monotonic()


def _overrides_for_year(year: int) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    from .models import CalendarOverride

    days_off, working = set(), set()
    for date, kind in CalendarOverride.objects.filter(date__year=year).values_list("date", "kind"):
        (days_off if kind == CalendarOverride.Kind.DAY_OFF else working).add(date)
    return frozenset(days_off), frozenset(working)


@lru_cache(maxsize=64)
def working_days_of_year(year: int) -> tuple[dt.date, ...]:
    """All working days of ``year`` in order."""
    statutory = holidays.Vietnam(years=year)
    make_up = {d for d in statutory.weekend_workdays if d.year == year}
    days_off, working = _overrides_for_year(year)
    day = dt.date(year, 1, 1)
    result = []
    while day.year == year:
        if day in working:
            is_working = True
        elif day in days_off or day in statutory:
            is_working = False
        elif day in make_up:
            is_working = True
        else:
            is_working = day.weekday() not in (SATURDAY, SUNDAY)
        if is_working:
            result.append(day)
        day += dt.timedelta(days=1)
    return tuple(result)


@lru_cache(maxsize=64)
def _working_set(year: int) -> frozenset[dt.date]:
    return frozenset(working_days_of_year(year))


def clear_cache() -> None:
    global _cache_born
    working_days_of_year.cache_clear()
    _working_set.cache_clear()
    _cache_born = time.monotonic()


def _expire_cache() -> None:
    if time.monotonic() - _cache_born > CACHE_SECONDS:
        clear_cache()


def holiday_name(day: dt.date) -> str | None:
    """The statutory holiday's name on ``day`` (None on an ordinary day)."""
    return holidays.Vietnam(years=day.year, language="vi").get(day)


def is_working_day(day: dt.date) -> bool:
    _expire_cache()
    return day in _working_set(day.year)


def next_working_day(day: dt.date) -> dt.date:
    """The first working day strictly after ``day``."""
    return add_working_days(day, 1)


def add_working_days(start: dt.date, n: int) -> dt.date:
    """The date ``n`` working days after ``start`` (before it when ``n`` is negative).

    ``start`` itself is never counted, so a 1-day procedure received on a Friday
    is due on Monday; ``n == 0`` returns ``start`` moved forward to a working day.
    """
    _expire_cache()
    if n == 0:
        day = start
        while not is_working_day(day):
            day += dt.timedelta(days=1)
        return day
    year = start.year
    days = working_days_of_year(year)
    if n > 0:
        index = bisect.bisect_right(days, start) + n - 1
        while index >= len(days):
            index -= len(days)
            year += 1
            days = working_days_of_year(year)
        return days[index]
    index = bisect.bisect_left(days, start) + n
    while index < 0:
        year -= 1
        days = working_days_of_year(year)
        index += len(days)
    return days[index]


def working_days_between(start: dt.date, end: dt.date) -> int:
    """Working days in the half-open interval (start, end]; negative if end < start."""
    if end < start:
        return -working_days_between(end, start)
    count = 0
    for year in range(start.year, end.year + 1):
        days = working_days_of_year(year)
        lo = bisect.bisect_right(days, start) if year == start.year else 0
        hi = bisect.bisect_right(days, end) if year == end.year else len(days)
        count += hi - lo
    return count


def add_calendar_days(day: dt.date, n: int) -> dt.date:
    """The date ``n`` calendar days after ``day`` (weekends and holidays count)."""
    return day + dt.timedelta(days=n)


def add_months(day: dt.date, n: int) -> dt.date:
    """The same date ``n`` months later, or that month's last day when it has no such date.

    31 January + 1 month is 28 February (29 in a leap year): Civil Code 2015 Art. 148(3)
    ("nếu tháng kết thúc thời hạn không có ngày tương ứng thì thời hạn kết thúc vào
    ngày cuối cùng của tháng đó").
    """
    return day + relativedelta(months=n)


# --- Working hours ------------------------------------------------------------------

Period = tuple[dt.time, dt.time]


@lru_cache(maxsize=8)
def _periods(text: str) -> tuple[Period, ...]:
    return parse_working_hours(text)


def working_periods() -> tuple[Period, ...]:
    """The office hours of a working day (``MOTCUA_WORKING_HOURS``), in order."""
    return _periods(settings.MOTCUA_WORKING_HOURS)


def hours_per_day() -> float:
    """Working hours in one working day (8 with the default office hours)."""
    return _day_length().total_seconds() / 3600


def _day_length() -> dt.timedelta:
    day = dt.date(2000, 1, 3)
    return sum(
        (_at(day, closes) - _at(day, opens) for opens, closes in working_periods()),
        dt.timedelta(),
    )


def _local(moment: dt.datetime) -> dt.datetime:
    zone = timezone.get_default_timezone()
    if timezone.is_naive(moment):
        return moment.replace(tzinfo=zone)
    return moment.astimezone(zone)


def _at(day: dt.date, clock: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, clock, tzinfo=timezone.get_default_timezone())


def opening_of(day: dt.date) -> dt.datetime:
    """When office hours begin on ``day`` (whether or not it is a working day)."""
    return _at(day, working_periods()[0][0])


def closing_of(day: dt.date) -> dt.datetime:
    """When office hours end on ``day``: where a deadline counted in days ends."""
    return _at(day, working_periods()[-1][1])


def _worked(day: dt.date, since: dt.datetime, until: dt.datetime) -> dt.timedelta:
    """Working time on ``day`` inside [since, until]."""
    total = dt.timedelta()
    if not is_working_day(day):
        return total
    for opens, closes in working_periods():
        lo, hi = max(since, _at(day, opens)), min(until, _at(day, closes))
        if hi > lo:
            total += hi - lo
    return total


def _spend(day: dt.date, since: dt.datetime, remaining: dt.timedelta):
    """Spend ``remaining`` working time on ``day`` from ``since``: (the moment it runs out,
    or None, and what is left)."""
    if is_working_day(day):
        for opens, closes in working_periods():
            lo, hi = max(since, _at(day, opens)), _at(day, closes)
            if hi <= lo:
                continue
            if remaining <= hi - lo:
                return lo + remaining, dt.timedelta()
            remaining -= hi - lo
    return None, remaining


def next_working_moment(moment: dt.datetime) -> dt.datetime:
    """``moment`` itself during office hours, else the next opening."""
    since = _local(moment)
    day = since.date()
    if is_working_day(day):
        for opens, closes in working_periods():
            if since < _at(day, closes):
                return max(since, _at(day, opens))
    return opening_of(next_working_day(day))


def add_working_hours(start: dt.datetime, hours: float) -> dt.datetime:
    """The moment ``hours`` working hours after ``start``.

    Only office hours of working days count: lunch, nights, weekends, holidays and
    days off by override are skipped; a start outside office hours begins at the next
    opening. A limit that runs out exactly at a closing ends then (8 hours from 07:30
    end at 17:00 the same day, not at the next opening). ``hours == 0`` gives ``start``
    moved to office hours. Raises ValueError for negative hours.
    """
    if hours < 0:
        raise ValueError("hours must not be negative")
    _expire_cache()
    since = _local(start)
    remaining = dt.timedelta(hours=hours)
    if remaining == dt.timedelta():
        return next_working_moment(since)
    day = since.date()
    end, remaining = _spend(day, since, remaining)
    if end is not None:
        return end
    # Skip the whole working days the rest needs, then spend what is left on the last one.
    per_day = _day_length()
    whole = -(-remaining // per_day) - 1  # ceil(remaining / per_day) - 1
    last = add_working_days(day, whole + 1)
    end, _left = _spend(last, opening_of(last), remaining - whole * per_day)
    return end


def working_hours_between(start: dt.datetime, end: dt.datetime) -> float:
    """Working hours from ``start`` to ``end`` (negative when ``end`` is before ``start``)."""
    since, until = _local(start), _local(end)
    if until < since:
        return -working_hours_between(end, start)
    _expire_cache()
    first, last = since.date(), until.date()
    if first == last:
        total = _worked(first, since, until)
    else:
        total = _worked(first, since, _at(first + dt.timedelta(days=1), dt.time()))
        total += _worked(last, _at(last, dt.time()), until)
        middle = working_days_between(first, last - dt.timedelta(days=1))
        total += middle * _day_length()
    return total.total_seconds() / 3600
