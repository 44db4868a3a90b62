"""The working-day calendar: Vietnamese lunar holidays, swaps and administrator overrides."""

import datetime as dt
import random

import pytest

from motcua.workdays.calendar import (
    add_working_days,
    holiday_name,
    is_working_day,
    next_working_day,
    working_days_between,
)
from motcua.workdays.models import CalendarOverride

pytestmark = pytest.mark.django_db

D = dt.date
TET_NAME = "Tết Nguyên Đán"
HUNG_KINGS_NAME = "Ngày Giỗ Tổ Hùng Vương"

# Mùng 1 Tết by the Vietnamese lunar calendar (UTC+7).
TET_DAYS = [D(2007, 2, 17), D(2023, 1, 22), D(2024, 2, 10), D(2025, 1, 29), D(2026, 2, 17)]
# 10th day of the 3rd lunar month.
HUNG_KINGS_DAYS = [D(2024, 4, 18), D(2025, 4, 7), D(2026, 4, 26)]


@pytest.mark.parametrize("day", TET_DAYS, ids=str)
def test_tet_first_day_falls_on_the_vietnamese_lunar_new_year(day):
    assert holiday_name(day) == TET_NAME
    assert holiday_name(day - dt.timedelta(days=1)) != TET_NAME
    assert holiday_name(day + dt.timedelta(days=1)) != TET_NAME


def test_tet_2007_follows_the_vietnamese_not_the_chinese_calendar():
    assert holiday_name(D(2007, 2, 17)) == TET_NAME
    # 18 Feb 2007 is the Chinese new year but mùng 2 in Vietnam.
    assert holiday_name(D(2007, 2, 18)) == "Mùng hai Tết Nguyên Đán"


@pytest.mark.parametrize("day", TET_DAYS, ids=str)
def test_tet_first_day_is_not_a_working_day(day):
    assert not is_working_day(day)


@pytest.mark.parametrize("day", HUNG_KINGS_DAYS, ids=str)
def test_hung_kings_day_falls_on_the_tenth_of_the_third_lunar_month(day):
    assert holiday_name(day) == HUNG_KINGS_NAME
    assert holiday_name(day - dt.timedelta(days=1)) != HUNG_KINGS_NAME


@pytest.mark.parametrize("day", HUNG_KINGS_DAYS, ids=str)
def test_hung_kings_day_is_not_a_working_day(day):
    assert not is_working_day(day)


def test_hung_kings_day_on_a_sunday_gives_the_monday_off():
    assert D(2026, 4, 26).weekday() == 6
    assert not is_working_day(D(2026, 4, 27))
    assert is_working_day(D(2026, 4, 28))


def test_tet_2026_holidays_are_monday_16_to_friday_20_february():
    assert is_working_day(D(2026, 2, 13))  # Friday before
    for day in range(14, 23):  # Sat 14 … Sun 22: weekend + five statutory days + weekend
        assert not is_working_day(D(2026, 2, day)), day
    assert is_working_day(D(2026, 2, 23))  # Monday after


def test_add_one_working_day_from_friday_before_tet_2026_lands_after_the_break():
    assert add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 23)


def test_next_working_day_skips_tet_2026():
    assert next_working_day(D(2026, 2, 13)) == D(2026, 2, 23)


def test_add_working_days_counts_across_tet_2026():
    # Thu 12 (start, not counted) → Fri 13, Mon 23, Tue 24.
    assert add_working_days(D(2026, 2, 12), 3) == D(2026, 2, 24)


def test_add_working_days_never_counts_the_start_day():
    assert add_working_days(D(2025, 3, 10), 1) == D(2025, 3, 11)  # Mon → Tue


def test_add_one_working_day_from_friday_is_monday():
    assert add_working_days(D(2025, 3, 7), 1) == D(2025, 3, 10)


def test_add_working_days_across_the_year_boundary():
    # Wed 31 Dec 2025 → Fri 2 Jan 2026 (1 January is a holiday).
    assert add_working_days(D(2025, 12, 31), 1) == D(2026, 1, 2)
    assert add_working_days(D(2025, 12, 30), 3) == D(2026, 1, 5)


def test_add_working_days_from_the_last_weekend_of_the_year():
    # Sat 27 Dec 2025 → Mon 29, Tue 30, Wed 31, Fri 2 Jan.
    assert add_working_days(D(2025, 12, 27), 4) == D(2026, 1, 2)


def test_add_working_days_spanning_more_than_a_whole_year():
    start = D(2024, 6, 3)
    n = 300
    end = add_working_days(start, n)
    assert end.year == 2025
    assert working_days_between(start, end) == n


def test_negative_working_days_go_backwards():
    assert add_working_days(D(2025, 3, 11), -1) == D(2025, 3, 10)  # Tue → Mon
    assert add_working_days(D(2025, 3, 10), -1) == D(2025, 3, 7)  # Mon → Fri


def test_negative_working_days_go_back_across_tet_and_the_year_boundary():
    assert add_working_days(D(2026, 2, 23), -1) == D(2026, 2, 13)
    assert add_working_days(D(2026, 1, 2), -1) == D(2025, 12, 31)
    assert add_working_days(D(2026, 1, 5), -3) == D(2025, 12, 30)


def test_negative_working_days_from_a_weekend_start_at_the_friday():
    assert add_working_days(D(2025, 3, 8), -1) == D(2025, 3, 7)  # Sat → Fri


def test_zero_working_days_on_a_weekend_moves_to_the_next_working_day():
    assert add_working_days(D(2025, 3, 8), 0) == D(2025, 3, 10)  # Sat → Mon


def test_zero_working_days_during_tet_moves_past_the_break():
    assert add_working_days(D(2026, 2, 17), 0) == D(2026, 2, 23)


def test_zero_working_days_on_a_working_day_is_that_day():
    assert add_working_days(D(2025, 3, 12), 0) == D(2025, 3, 12)


def test_make_up_saturday_4_may_2024_is_a_working_day():
    assert D(2024, 5, 4).weekday() == 5
    assert is_working_day(D(2024, 5, 4))


def test_day_swapped_for_the_make_up_saturday_is_off():
    assert not is_working_day(D(2024, 4, 29))  # Monday given for Sat 4 May


def test_add_working_days_counts_the_make_up_saturday():
    # Fri 3 May 2024 → Sat 4 May (make-up day) → Mon 6 May.
    assert add_working_days(D(2024, 5, 3), 1) == D(2024, 5, 4)
    assert add_working_days(D(2024, 5, 3), 2) == D(2024, 5, 6)


def test_ordinary_weekday_is_a_working_day_and_weekend_is_not():
    assert is_working_day(D(2025, 3, 12))
    assert not is_working_day(D(2025, 3, 15))
    assert not is_working_day(D(2025, 3, 16))


def test_day_off_override_makes_a_weekday_non_working():
    day = D(2025, 3, 12)
    assert is_working_day(day)  # fills the cache before the override
    CalendarOverride.objects.create(
        date=day, kind=CalendarOverride.Kind.DAY_OFF, reason="QĐ nghỉ đột xuất"
    )
    assert not is_working_day(day)


def test_day_off_override_changes_add_working_days_immediately():
    assert add_working_days(D(2025, 3, 11), 1) == D(2025, 3, 12)
    CalendarOverride.objects.create(
        date=D(2025, 3, 12), kind=CalendarOverride.Kind.DAY_OFF, reason="QĐ nghỉ đột xuất"
    )
    assert add_working_days(D(2025, 3, 11), 1) == D(2025, 3, 13)


def test_deleting_an_override_restores_the_day_immediately():
    override = CalendarOverride.objects.create(
        date=D(2025, 3, 12), kind=CalendarOverride.Kind.DAY_OFF, reason="QĐ nghỉ đột xuất"
    )
    assert not is_working_day(D(2025, 3, 12))
    override.delete()
    assert is_working_day(D(2025, 3, 12))


def test_working_day_override_makes_a_saturday_working():
    saturday = D(2025, 3, 15)
    assert not is_working_day(saturday)
    CalendarOverride.objects.create(
        date=saturday, kind=CalendarOverride.Kind.WORKING_DAY, reason="Làm bù"
    )
    assert is_working_day(saturday)
    assert add_working_days(D(2025, 3, 14), 1) == saturday


def test_working_day_override_wins_over_a_statutory_holiday():
    CalendarOverride.objects.create(
        date=D(2026, 2, 20), kind=CalendarOverride.Kind.WORKING_DAY, reason="Trực Tết"
    )
    assert is_working_day(D(2026, 2, 20))


def test_override_in_another_year_does_not_change_this_year():
    CalendarOverride.objects.create(
        date=D(2024, 3, 12), kind=CalendarOverride.Kind.DAY_OFF, reason="Khác năm"
    )
    assert is_working_day(D(2025, 3, 12))


def test_working_days_between_counts_the_half_open_interval():
    assert working_days_between(D(2025, 3, 10), D(2025, 3, 10)) == 0
    assert working_days_between(D(2025, 3, 10), D(2025, 3, 14)) == 4  # Tue…Fri
    assert working_days_between(D(2025, 3, 7), D(2025, 3, 10)) == 1  # Fri → Mon
    assert working_days_between(D(2026, 2, 13), D(2026, 2, 23)) == 1


def test_working_days_between_is_negative_when_end_is_before_start():
    assert working_days_between(D(2025, 3, 14), D(2025, 3, 10)) == -4


def _random_days(rng: random.Random, count: int) -> list[dt.date]:
    first, last = D(2023, 1, 1), D(2027, 12, 31)
    span = (last - first).days
    return [first + dt.timedelta(days=rng.randint(0, span)) for _ in range(count)]


def test_working_days_between_undoes_add_working_days_forward():
    rng = random.Random(20260217)
    for start in _random_days(rng, 300):
        n = rng.randint(0, 400)
        end = add_working_days(start, n)
        assert is_working_day(end), (start, n)
        if n > 0:
            assert working_days_between(start, end) == n, (start, n)


def test_working_days_between_undoes_add_working_days_backward_from_a_working_day():
    rng = random.Random(7)
    for start in _random_days(rng, 300):
        start = add_working_days(start, 0)
        n = rng.randint(1, 400)
        end = add_working_days(start, -n)
        assert is_working_day(end), (start, n)
        assert working_days_between(start, end) == -n, (start, n)
        assert add_working_days(end, n) == start, (start, n)


def test_add_working_days_reaches_every_working_day_counted_by_working_days_between():
    rng = random.Random(42)
    days = _random_days(rng, 400)
    for start, end in zip(days[::2], days[1::2], strict=True):
        if end <= start or not is_working_day(end):
            continue
        assert add_working_days(start, working_days_between(start, end)) == end, (start, end)


def test_working_days_between_matches_counting_day_by_day():
    rng = random.Random(1)
    for start in _random_days(rng, 40):
        end = start + dt.timedelta(days=rng.randint(0, 500))
        expected = sum(
            is_working_day(start + dt.timedelta(days=i)) for i in range(1, (end - start).days + 1)
        )
        assert working_days_between(start, end) == expected, (start, end)
