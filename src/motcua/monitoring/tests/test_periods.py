"""Periods: a month, a quarter, a year or any range of days, with Vietnamese labels."""

import datetime as dt

import pytest

from motcua.monitoring.periods import PeriodError, parse


@pytest.mark.parametrize(
    ("text", "start", "end", "label"),
    [
        ("2026-10", dt.date(2026, 10, 1), dt.date(2026, 10, 31), "Tháng 10/2026"),
        ("2024-2", dt.date(2024, 2, 1), dt.date(2024, 2, 29), "Tháng 2/2024"),
        ("2026-Q4", dt.date(2026, 10, 1), dt.date(2026, 12, 31), "Quý IV/2026"),
        ("2026-q1", dt.date(2026, 1, 1), dt.date(2026, 3, 31), "Quý I/2026"),
        ("2025", dt.date(2025, 1, 1), dt.date(2025, 12, 31), "Năm 2025"),
        (
            "2026-10-01..2026-10-15",
            dt.date(2026, 10, 1),
            dt.date(2026, 10, 15),
            "Từ 01/10/2026 đến 15/10/2026",
        ),
    ],
)
def test_periods_parse_and_read_in_vietnamese(text, start, end, label):
    period = parse(text)
    assert (period.start, period.end, period.label) == (start, end, label)
    assert parse(period.key) == period


@pytest.mark.parametrize("text", ["2026-13", "10/2026", "Q4", "2026-10-15..2026-10-01"])
def test_a_malformed_period_says_what_is_accepted(text):
    with pytest.raises(PeriodError):
        parse(text)


def test_a_quarter_spans_three_months_and_trends_end_with_the_last():
    quarter = parse("2026-Q4")
    assert [m.key for m in quarter.months()] == ["2026-10", "2026-11", "2026-12"]
    assert [m.key for m in quarter.previous_months(3)] == ["2026-10", "2026-11", "2026-12"]
    assert parse("2026-01").previous_months(2)[0].key == "2025-12"
