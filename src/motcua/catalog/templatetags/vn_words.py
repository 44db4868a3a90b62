"""Numbers and dates written in Vietnamese words, as result documents write them.

``{% load vn_words %}``: ``{{ value|date_words }}`` → "ngày mười lăm tháng ba năm hai
nghìn không trăm hai mươi sáu" (a Giấy khai sinh writes the birth date "bằng chữ");
``{{ amount|number_words }}`` → "một trăm năm mươi triệu" (capital "bằng chữ").
"""

from __future__ import annotations

import datetime as dt

from django import template

register = template.Library()

DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
SCALES = ["", "nghìn", "triệu", "tỷ", "nghìn tỷ", "triệu tỷ"]


def _group(n: int, full: bool) -> str:
    """Read 0 < n < 1000; ``full`` reads the hundreds even when zero ("không trăm")."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [DIGITS[tens], "mươi"]
    if units:
        if units == 1 and tens >= 2:
            words.append("mốt")
        elif units == 5 and tens >= 1:
            words.append("lăm")
        elif units == 4 and tens >= 2:
            words.append("tư")
        else:
            words.append(DIGITS[units])
    return " ".join(words)


def number_in_words(n: int) -> str:
    """An integer below 10**18 in Vietnamese words."""
    n = int(n)
    if n == 0:
        return "không"
    if n < 0:
        return "âm " + number_in_words(-n)
    groups = []
    while n:
        groups.append(n % 1000)
        n //= 1000
    words = []
    for index in range(len(groups) - 1, -1, -1):
        value = groups[index]
        if not value:
            continue
        scale = SCALES[index]
        words.append(_group(value, full=index < len(groups) - 1))
        if scale:
            words.append(scale)
    return " ".join(words)


def _as_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def date_in_words(value) -> str:
    day = _as_date(value)
    if day is None:
        return ""
    day_words = ("mồng " if day.day <= 10 else "") + number_in_words(day.day)
    month_words = "tư" if day.month == 4 else number_in_words(day.month)
    return f"ngày {day_words} tháng {month_words} năm {number_in_words(day.year)}"


@register.filter
def date_words(value) -> str:
    """An ISO date (or a date) in words: "ngày mồng năm tháng ba năm hai nghìn …"."""
    return date_in_words(value) if value not in (None, "") else ""


@register.filter
def number_words(value) -> str:
    """An integer in words; empty for what is not a number."""
    try:
        return number_in_words(int(value))
    except (TypeError, ValueError):
        return ""
