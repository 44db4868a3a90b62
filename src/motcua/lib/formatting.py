"""Vietnamese number formatting: thousands are grouped with dots (1.234.567 đồng)."""

from __future__ import annotations


def format_number(number) -> str:
    """1234567 → "1.234.567"; None or "" → "" (a number given as text is accepted)."""
    if number is None or number == "":
        return ""
    return f"{int(number):,}".replace(",", ".")


def format_vnd(amount) -> str:
    """100000 → "100.000 đồng"; None or "" → ""."""
    if amount is None or amount == "":
        return ""
    return f"{format_number(amount)} đồng"
