"""Legal time limits of a dossier (Decree 118/2025/NĐ-CP; Circular 03/2025/TT-VPCP).

PLACEHOLDER written by H2 so the one-stop rules can be tested before H1's module is
merged: same signatures, simple bodies. H1 owns the final version (it wins at merge).

A working day runs 07:30–11:30 and 13:00–17:00 on the working days of
``workdays.calendar``.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from motcua.workdays.calendar import add_working_days, is_working_day

# (start, end) of the working periods of a day.
PERIODS = ((dt.time(7, 30), dt.time(11, 30)), (dt.time(13, 0), dt.time(17, 0)))
INTAKE_HOURS = 8


def _periods(day: dt.date, tz) -> list[tuple[dt.datetime, dt.datetime]]:
    if not is_working_day(day):
        return []
    return [
        (dt.datetime.combine(day, a, tzinfo=tz), dt.datetime.combine(day, b, tzinfo=tz))
        for a, b in PERIODS
    ]


def _add_working_hours(start: dt.datetime, hours: float) -> dt.datetime:
    local = timezone.localtime(start)
    left = dt.timedelta(hours=hours)
    day = local.date()
    while True:
        for a, b in _periods(day, local.tzinfo):
            begin = max(a, local)
            if begin >= b:
                continue
            if begin + left <= b:
                return begin + left
            left -= b - begin
        day += dt.timedelta(days=1)


def _working_hours_between(start: dt.datetime, end: dt.datetime) -> float:
    if end < start:
        return -_working_hours_between(end, start)
    start, end = timezone.localtime(start), timezone.localtime(end)
    total = dt.timedelta()
    day = start.date()
    while day <= end.date():
        for a, b in _periods(day, start.tzinfo):
            lo, hi = max(a, start), min(b, end)
            if hi > lo:
                total += hi - lo
        day += dt.timedelta(days=1)
    return total.total_seconds() / 3600


def _cutoff(agency) -> dt.time | None:
    from django.conf import settings

    if agency is not None and agency.intake_cutoff:
        return agency.intake_cutoff
    value = getattr(settings, "MOTCUA_INTAKE_CUTOFF", "") or ""
    if not value:
        return None
    hour, minute = value.split(":")
    return dt.time(int(hour), int(minute))


def clock_start(agency, moment: dt.datetime) -> dt.datetime:
    """When the processing time starts for a dossier received (or completed) at ``moment``:
    the moment itself, or the start of the next working day when it came after the
    agency's cut-off time."""
    cutoff = _cutoff(agency)
    local = timezone.localtime(moment)
    if cutoff is None or local.time() < cutoff:
        return moment
    day = add_working_days(local.date(), 1)
    return dt.datetime.combine(day, PERIODS[0][0], tzinfo=local.tzinfo)


def legal_deadline(version, agency, start: dt.datetime) -> dt.datetime:
    """The end of the legal time limit of ``version`` counted from ``start``."""
    from motcua.catalog.models import ProcessingUnit

    local = timezone.localtime(start)
    amount = version.processing_days
    unit = getattr(version, "processing_unit", ProcessingUnit.WORKING_DAYS)
    end_of_day = PERIODS[-1][1]
    if unit == ProcessingUnit.WORKING_HOURS:
        return _add_working_hours(start, amount)
    if unit == ProcessingUnit.CALENDAR_DAYS:
        day = local.date() + dt.timedelta(days=amount)
    elif unit == ProcessingUnit.MONTHS:
        month = local.month - 1 + amount
        year, month = local.year + month // 12, month % 12 + 1
        day = None
        for candidate in (31, 30, 29, 28):
            try:
                day = dt.date(year, month, min(local.day, candidate))
                break
            except ValueError:
                continue
    else:
        day = add_working_days(local.date(), amount)
    return dt.datetime.combine(day, end_of_day, tzinfo=local.tzinfo)


def intake_deadline(arrived_at: dt.datetime) -> dt.datetime:
    """An online dossier is received, or its completion requested, within 8 working hours."""
    return _add_working_hours(arrived_at, INTAKE_HOURS)


def working_hours_left(deadline: dt.datetime, now: dt.datetime) -> float:
    """Working hours from ``now`` to ``deadline`` (negative once it has passed)."""
    return _working_hours_between(now, deadline)
