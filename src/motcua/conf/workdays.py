"""Settings of the working-time calendar (read from the environment, checked at startup).

- ``MOTCUA_WORKING_HOURS`` ("07:30-11:30,13:00-17:00"): the civil service's office hours
  on a working day, as ``HH:MM-HH:MM`` periods separated by commas, in order and not
  overlapping. Time limits stated in working hours (Decree 118/2025/NĐ-CP, e.g. the
  8 working hours to receive an online dossier) count only these periods; day and month
  limits end at the close of the last period.
- ``MOTCUA_INTAKE_CUTOFF`` (empty): the hour ("15:00") after which a dossier received on a
  working day counts from the next working day, for agencies that set no
  ``Agency.intake_cutoff`` of their own (nor a parent agency does); empty: no cut-off.

A value that cannot be read stops the settings from loading with an ImproperlyConfigured
naming the variable, the value and the expected form. The settings keep the text;
``motcua.workdays.hours`` reads the periods with :func:`parse_working_hours`.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ImproperlyConfigured

from motcua.conf.env import env_str as _env_str

__all__ = ["MOTCUA_INTAKE_CUTOFF", "MOTCUA_WORKING_HOURS"]

_CLOCK = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*$")


def parse_clock(text: str) -> dt.time:
    """``"HH:MM"`` as a time; ValueError otherwise."""
    match = _CLOCK.match(text)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        raise ValueError(f"{text.strip()!r} is not an hour HH:MM (00:00 to 23:59)")
    return dt.time(int(match[1]), int(match[2]))


def parse_working_hours(text: str) -> tuple[tuple[dt.time, dt.time], ...]:
    """``"07:30-11:30,13:00-17:00"`` as ((07:30, 11:30), (13:00, 17:00)); ValueError otherwise.

    Each period starts before it ends, and the periods are in order without overlapping.
    """
    periods: list[tuple[dt.time, dt.time]] = []
    for item in text.split(","):
        if not item.strip():
            continue
        if item.count("-") != 1:
            raise ValueError(f"{item.strip()!r} is not a period HH:MM-HH:MM")
        opens, closes = (parse_clock(part) for part in item.split("-"))
        if opens >= closes:
            raise ValueError(f"{item.strip()!r} ends before it starts")
        if periods and opens < periods[-1][1]:
            raise ValueError(f"{item.strip()!r} starts before the previous period ends")
        periods.append((opens, closes))
    if not periods:
        raise ValueError("no period given")
    return tuple(periods)


def parse_cutoff(text: str) -> dt.time | None:
    """``"15:00"`` as a time, ``""`` as None (no cut-off); ValueError otherwise."""
    return parse_clock(text) if text.strip() else None


def _checked(name: str, value: str, parse, expected: str) -> str:
    try:
        parse(value)
    except ValueError as error:
        raise ImproperlyConfigured(
            f"{name}={value!r} cannot be read: {error}. Expected {expected}."
        ) from None
    return value.strip()


MOTCUA_WORKING_HOURS = _checked(
    "MOTCUA_WORKING_HOURS",
    _env_str(
        "MOTCUA_WORKING_HOURS",
        "07:30-11:30,13:00-17:00",
        "Office hours of a working day (HH:MM-HH:MM periods, comma-separated, in order): "
        "what time limits in working hours count; day limits end at the last period's close.",
    ),
    parse_working_hours,
    "periods HH:MM-HH:MM separated by commas, e.g. 07:30-11:30,13:00-17:00",
)
MOTCUA_INTAKE_CUTOFF = _checked(
    "MOTCUA_INTAKE_CUTOFF",
    _env_str(
        "MOTCUA_INTAKE_CUTOFF",
        "",
        "Hour (HH:MM, e.g. 15:00) after which a dossier received counts from the next working "
        "day, for agencies without their own cut-off; empty: no cut-off.",
    ),
    parse_cutoff,
    "an hour HH:MM such as 15:00, or nothing for no cut-off",
)
