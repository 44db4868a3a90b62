import pytest

from motcua.lib.formatting import format_number, format_vnd


@pytest.mark.parametrize(
    "number, shown",
    [
        (0, "0"),
        (7, "7"),
        (999, "999"),
        (1000, "1.000"),
        (20_000, "20.000"),
        (1_234_567, "1.234.567"),
        (-1_500, "-1.500"),
        ("250000", "250.000"),
        (1234.9, "1.234"),
    ],
)
def test_thousands_are_grouped_with_dots(number, shown):
    assert format_number(number) == shown


def test_an_amount_is_in_dong():
    assert format_vnd(100_000) == "100.000 đồng"
    assert format_vnd(0) == "0 đồng"
    assert format_vnd("5000") == "5.000 đồng"


@pytest.mark.parametrize("nothing", [None, ""])
def test_no_amount_shows_nothing(nothing):
    assert format_number(nothing) == ""
    assert format_vnd(nothing) == ""
