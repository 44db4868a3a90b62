"""Time limits as the law states them: when the clock starts and when the time runs out.

A procedure's time limit is stated in working hours, working days, calendar days or
months (``ProcedureVersion.processing_unit``; Decree 118/2025/NĐ-CP on the one-stop
mechanism, guided by Circular 03/2025/TT-VPCP). How each unit is counted:

- **working hours**: only office hours (``MOTCUA_WORKING_HOURS``) of working days count
  (``workdays.calendar.add_working_hours``);
- **working days**: the day the clock starts is not counted; the limit ends at the close
  of office hours on the n-th working day after it (weekends and the statutory holidays
  of Labour Code 2019 Art. 111–112, with the yearly swaps, are skipped);
- **calendar days** and **months**: counted as Civil Code 2015 Art. 147–148 count a
  period: the first day is not counted (Art. 147(1)); a month ends on the same date of
  the last month, or that month's last day when it has no such date (Art. 148(3)); when
  the last day is a weekend or holiday the limit ends on the next working day
  (Art. 148(5)).

A limit counted in days ends at the **close of office hours** of its last day rather than
at midnight (Art. 148(6)): the agency returns results during office hours, and this is
the moment the one-stop desk can still hand the result over.

Where the clock starts (``clock_start``): a dossier received on a day off, after the
agency's cut-off hour (some provinces count dossiers received after 15:00 from the next
working day), or after the close of office hours (the effective cut-off when none is
configured: nobody can work on it that day), counts from the opening of the next working
day. One rule for every such move: the start moves to that opening, and for limits in
days the moved-to day is not counted either (as for any start, the first day is not
counted), so a dossier received Friday 18:00 and one received Saturday 08:00 have the
same due date. The cut-off is the agency's own (``Agency.intake_cutoff``), else its
nearest parent's, else the setting ``MOTCUA_INTAKE_CUTOFF`` (empty: the close of office
hours); a cut-off later than the close of office hours is the close.

An online dossier must be received, or answered with one request to complete it, within
**8 working hours** of arriving (Decree 118/2025/NĐ-CP; ``intake_deadline``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from motcua.agencies.models import Agency
from motcua.catalog.models import ProcedureVersion, ProcessingUnit
from motcua.conf.workdays import parse_cutoff
from motcua.workdays.calendar import (
    add_calendar_days,
    add_months,
    add_working_days,
    add_working_hours,
    closing_of,
    is_working_day,
    next_working_day,
    opening_of,
    working_hours_between,
)

# Decree 118/2025/NĐ-CP: an online dossier is received (or one request to complete it is
# sent) within 8 working hours of its arrival.
INTAKE_WORKING_HOURS = 8


def intake_cutoff(agency: Agency | None) -> dt.time | None:
    """The hour after which ``agency`` counts a received dossier from the next working day:
    its own, else the nearest parent agency's, else ``MOTCUA_INTAKE_CUTOFF`` (None: no cut-off).
    """
    seen: set[int] = set()
    while agency is not None and agency.pk not in seen:
        if agency.intake_cutoff is not None:
            return agency.intake_cutoff
        seen.add(agency.pk)
        agency = agency.parent
    return parse_cutoff(settings.MOTCUA_INTAKE_CUTOFF)


def clock_start(agency: Agency | None, moment: dt.datetime) -> dt.datetime:
    """When the legal time of a dossier ``agency`` receives at ``moment`` starts counting.

    ``moment`` itself on a working day up to the cut-off hour (inclusive: received at
    15:00 with a 15:00 cut-off counts that day); otherwise — after the cut-off, after the
    close of office hours, or on a weekend, holiday or day off — the opening of the next
    working day.
    """
    local = timezone.localtime(moment, timezone.get_default_timezone())
    day = local.date()
    if is_working_day(day):
        cutoff = intake_cutoff(agency)
        closing = timezone.localtime(closing_of(day), timezone.get_default_timezone()).time()
        if local.time() <= (closing if cutoff is None else min(cutoff, closing)):
            return local
    return opening_of(next_working_day(day))


def _working_day_on_or_after(day: dt.date) -> dt.date:
    # Civil Code 2015 Art. 148(5): a period whose last day is a weekend or holiday ends
    # on the next working day.
    return add_working_days(day, 0)


def legal_deadline(
    version: ProcedureVersion, agency: Agency | None, start: dt.datetime
) -> dt.datetime:
    """The moment the legal time limit of ``version`` runs out for a clock started at ``start``
    (see ``clock_start``), counted in ``version.processing_unit`` (module docstring).

    ``agency`` is the agency settling the dossier; the office hours are the same for
    every agency, so today it changes nothing once the clock has started.
    """
    amount = version.processing_days
    unit = version.processing_unit or ProcessingUnit.WORKING_DAYS
    if unit == ProcessingUnit.WORKING_HOURS:
        return add_working_hours(start, amount)
    day = timezone.localtime(start, timezone.get_default_timezone()).date()
    if unit == ProcessingUnit.CALENDAR_DAYS:
        last = _working_day_on_or_after(add_calendar_days(day, amount))
    elif unit == ProcessingUnit.MONTHS:
        last = _working_day_on_or_after(add_months(day, amount))
    else:
        last = add_working_days(day, amount)
    return closing_of(last)


def intake_deadline(arrived_at: dt.datetime) -> dt.datetime:
    """When an online dossier arriving at ``arrived_at`` must have been received or answered
    with a request to complete it: 8 working hours later (Decree 118/2025/NĐ-CP)."""
    return add_working_hours(arrived_at, INTAKE_WORKING_HOURS)


def working_hours_left(deadline: dt.datetime, now: dt.datetime) -> float:
    """Working hours from ``now`` until ``deadline``; negative once it has passed."""
    return working_hours_between(now, deadline)
