"""Working hours, calendar days and months (Decree 118/2025/NĐ-CP: time limits in hours)."""

import datetime as dt
import importlib
import zoneinfo

import pytest
from django.core.exceptions import ImproperlyConfigured

from motcua.conf import workdays as workdays_conf
from motcua.conf.workdays import parse_cutoff, parse_working_hours
from motcua.workdays.calendar import (
    add_calendar_days,
    add_months,
    add_working_hours,
    closing_of,
    hours_per_day,
    is_working_day,
    next_working_moment,
    working_hours_between,
)
from motcua.workdays.models import CalendarOverride

pytestmark = pytest.mark.django_db

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
D = dt.date


def at(year, month, day, hour=9, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=VN)


# 10–14 March 2025 is an ordinary Monday–Friday week.


def test_eight_hours_from_the_opening_end_at_the_close_of_the_same_day():
    assert add_working_hours(at(2025, 3, 10, 7, 30), 8) == at(2025, 3, 10, 17, 0)


def test_working_hours_skip_lunch():
    # 10:30–11:30 is one hour, the second starts at 13:00.
    assert add_working_hours(at(2025, 3, 10, 10, 30), 2) == at(2025, 3, 10, 14, 0)


def test_a_limit_running_out_at_lunch_ends_at_11_30():
    assert add_working_hours(at(2025, 3, 10, 10, 30), 1) == at(2025, 3, 10, 11, 30)


def test_working_hours_carry_over_to_the_next_morning():
    assert add_working_hours(at(2025, 3, 10, 16, 0), 2) == at(2025, 3, 11, 8, 30)


def test_eight_working_hours_across_a_weekend():
    # Friday 13:00–17:00 (4 hours), then Monday 07:30–11:30.
    assert add_working_hours(at(2025, 3, 14, 13, 0), 8) == at(2025, 3, 17, 11, 30)


def test_eight_working_hours_across_tet_2027():
    # The holidays library gives Tết 2027 as Thursday 4 to Wednesday 10 February
    # (29 Tết to mùng 5, with the weekend of mùng 1–2).
    assert is_working_day(D(2027, 2, 3))
    assert not any(is_working_day(D(2027, 2, day)) for day in range(4, 11))
    assert is_working_day(D(2027, 2, 11))
    assert add_working_hours(at(2027, 2, 3, 13, 0), 8) == at(2027, 2, 11, 11, 30)


def test_a_start_before_opening_begins_at_the_opening():
    assert add_working_hours(at(2025, 3, 10, 6, 0), 1) == at(2025, 3, 10, 8, 30)


def test_a_start_during_lunch_begins_at_13_00():
    assert add_working_hours(at(2025, 3, 10, 12, 0), 1) == at(2025, 3, 10, 14, 0)


def test_a_start_in_the_evening_begins_the_next_morning():
    assert add_working_hours(at(2025, 3, 10, 18, 0), 1) == at(2025, 3, 11, 8, 30)


def test_a_start_on_saturday_begins_on_monday_morning():
    assert add_working_hours(at(2025, 3, 15, 10, 0), 1) == at(2025, 3, 17, 8, 30)


def test_fractions_of_an_hour_count():
    assert add_working_hours(at(2025, 3, 10, 11, 15), 0.5) == at(2025, 3, 10, 13, 15)


def test_whole_weeks_of_working_hours():
    assert add_working_hours(at(2025, 3, 10, 7, 30), 40) == at(2025, 3, 14, 17, 0)
    assert add_working_hours(at(2025, 3, 10, 7, 30), 41) == at(2025, 3, 17, 8, 30)


def test_zero_hours_move_the_start_into_office_hours():
    assert add_working_hours(at(2025, 3, 10, 9, 0), 0) == at(2025, 3, 10, 9, 0)
    assert add_working_hours(at(2025, 3, 15, 9, 0), 0) == at(2025, 3, 17, 7, 30)
    assert next_working_moment(at(2025, 3, 10, 17, 0)) == at(2025, 3, 11, 7, 30)


def test_negative_hours_are_refused():
    with pytest.raises(ValueError):
        add_working_hours(at(2025, 3, 10), -1)


def test_a_day_off_by_override_is_skipped():
    CalendarOverride.objects.create(date=D(2025, 3, 11), kind="day_off", reason="QĐ nghỉ")
    assert add_working_hours(at(2025, 3, 10, 16, 0), 2) == at(2025, 3, 12, 8, 30)


def test_a_make_up_saturday_counts():
    # Saturday 4 May 2024 was a working day (swap for Monday 29 April).
    assert add_working_hours(at(2024, 5, 3, 16, 0), 2) == at(2024, 5, 4, 8, 30)


def test_utc_datetimes_are_read_in_vietnamese_time():
    start = dt.datetime(2025, 3, 10, 2, 0, tzinfo=dt.UTC)  # 09:00 in Hà Nội
    result = add_working_hours(start, 1)
    assert result == at(2025, 3, 10, 10, 0)
    assert result.utcoffset() == dt.timedelta(hours=7)


def test_working_hours_between_counts_only_office_hours():
    assert working_hours_between(at(2025, 3, 10, 7, 30), at(2025, 3, 10, 17, 0)) == 8
    assert working_hours_between(at(2025, 3, 10, 11, 0), at(2025, 3, 10, 13, 30)) == 1
    assert working_hours_between(at(2025, 3, 14, 13, 0), at(2025, 3, 17, 11, 30)) == 8
    assert working_hours_between(at(2025, 3, 10, 18, 0), at(2025, 3, 11, 7, 0)) == 0
    assert working_hours_between(at(2027, 2, 3, 13, 0), at(2027, 2, 11, 11, 30)) == 8


def test_working_hours_between_over_weeks_counts_whole_days():
    assert working_hours_between(at(2025, 3, 10, 7, 30), at(2025, 3, 21, 17, 0)) == 80


def test_working_hours_between_is_negative_backwards():
    assert working_hours_between(at(2025, 3, 17, 11, 30), at(2025, 3, 14, 13, 0)) == -8


@pytest.mark.parametrize(
    "start",
    [at(2025, 3, 10, 7, 30), at(2025, 3, 12, 12, 15), at(2025, 12, 30, 16, 45), at(2027, 2, 1)],
    ids=str,
)
@pytest.mark.parametrize("hours", [0.25, 3, 8, 8.5, 17, 100])
def test_working_hours_between_undoes_add_working_hours(start, hours):
    end = add_working_hours(start, hours)
    assert working_hours_between(start, end) == pytest.approx(hours)


def test_office_hours_come_from_the_setting(settings):
    settings.MOTCUA_WORKING_HOURS = "08:00-12:00,13:30-17:30"
    assert hours_per_day() == 8
    assert add_working_hours(at(2025, 3, 10, 8, 0), 8) == at(2025, 3, 10, 17, 30)
    assert add_working_hours(at(2025, 3, 10, 11, 0), 2) == at(2025, 3, 10, 14, 30)
    assert closing_of(D(2025, 3, 10)) == at(2025, 3, 10, 17, 30)


def test_a_single_period_without_lunch(settings):
    settings.MOTCUA_WORKING_HOURS = "08:00-16:00"
    assert add_working_hours(at(2025, 3, 10, 11, 0), 2) == at(2025, 3, 10, 13, 0)


def test_the_default_office_hours_are_those_of_the_civil_service():
    assert parse_working_hours("07:30-11:30,13:00-17:00") == (
        (dt.time(7, 30), dt.time(11, 30)),
        (dt.time(13, 0), dt.time(17, 0)),
    )
    assert hours_per_day() == 8


@pytest.mark.parametrize(
    "text",
    [
        "",
        "7h30-11h30",
        "07:30-11:30;13:00-17:00",
        "11:30-07:30",
        "07:30-12:00,11:00-17:00",
        "13:00-17:00,07:30-11:30",
        "07:30-24:00",
        "07:30-11:30-13:00",
    ],
)
def test_unreadable_office_hours_are_refused(text):
    with pytest.raises(ValueError):
        parse_working_hours(text)


def test_the_cut_off_is_an_hour_or_nothing():
    assert parse_cutoff("15:00") == dt.time(15, 0)
    assert parse_cutoff(" ") is None
    with pytest.raises(ValueError):
        parse_cutoff("3pm")


@pytest.mark.parametrize(
    ("name", "value"),
    [("MOTCUA_WORKING_HOURS", "17:00-07:30"), ("MOTCUA_INTAKE_CUTOFF", "25:00")],
)
def test_a_bad_setting_stops_the_settings_from_loading(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    try:
        with pytest.raises(ImproperlyConfigured, match=name):
            importlib.reload(workdays_conf)
    finally:
        monkeypatch.delenv(name)
        importlib.reload(workdays_conf)


def test_add_calendar_days_counts_weekends_and_holidays():
    assert add_calendar_days(D(2027, 2, 3), 7) == D(2027, 2, 10)
    assert add_calendar_days(D(2025, 12, 25), 10) == D(2026, 1, 4)


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2028, 1, 31), 1, D(2028, 2, 29)),  # leap year
        (D(2027, 11, 30), 3, D(2028, 2, 29)),
        (D(2026, 3, 31), 1, D(2026, 4, 30)),
        (D(2026, 3, 15), 1, D(2026, 4, 15)),
        (D(2026, 11, 30), 2, D(2027, 1, 30)),
        (D(2026, 8, 31), 6, D(2027, 2, 28)),
    ],
    ids=str,
)
def test_add_months_keeps_the_date_or_takes_the_last_day_of_the_month(start, months, end):
    assert add_months(start, months) == end
