"""Working days: weekends, Vietnamese statutory holidays and administrator overrides.

The statutory holidays of the Labour Code come from the ``holidays`` library,
which computes Tết and Hùng Kings' day from the Vietnamese lunar calendar (UTC+7,
so Tết 2007 falls on 17 February, not 18 as in the Chinese calendar) and knows the
government's published swaps. ``CalendarOverride`` rows entered by an
administrator win over both.

Functions take and return ``datetime.date``. Everything is cached per year and
per process; the cache is cleared when an override changes in this process, and
expires after ``CACHE_SECONDS`` so that other web workers pick the change up.
"""

from __future__ import annotations

import bisect
import datetime as dt
import time
from functools import lru_cache

import holidays

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
