"""Reporting periods: a month, a quarter, a year or any range of days (local dates)."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


class PeriodError(ValueError):
    """The text does not name a period."""


@dataclass(frozen=True)
class Period:
    kind: str  # month, quarter, year, range
    start: dt.date
    end: dt.date  # inclusive

    def __str__(self) -> str:
        return self.key

    @property
    def key(self) -> str:
        """The canonical text of the period, accepted by ``parse``."""
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "year":
            return str(self.start.year)
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def label(self) -> str:
        """The period as a Vietnamese reader expects it (``Tháng 10/2026``)."""
        if self.kind == "month":
            return _("Tháng %(month)d/%(year)d") % {
                "month": self.start.month,
                "year": self.start.year,
            }
        if self.kind == "quarter":
            quarter = ROMAN[(self.start.month - 1) // 3 + 1]
            return _("Quý %(quarter)s/%(year)d") % {"quarter": quarter, "year": self.start.year}
        if self.kind == "year":
            return _("Năm %(year)d") % {"year": self.start.year}
        return _("Từ %(start)s đến %(end)s") % {
            "start": self.start.strftime("%d/%m/%Y"),
            "end": self.end.strftime("%d/%m/%Y"),
        }

    def months(self) -> list[Period]:
        """The calendar months the period touches, in order."""
        result, year, month = [], self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            result.append(month_period(year, month))
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return result

    def previous_months(self, count: int) -> list[Period]:
        """``count`` months ending with the month of the period's last day (for trends)."""
        year, month = self.end.year, self.end.month
        result = []
        for _i in range(count):
            result.append(month_period(year, month))
            year, month = (year - 1, 12) if month == 1 else (year, month - 1)
        return list(reversed(result))


def month_period(year: int, month: int) -> Period:
    last = calendar.monthrange(year, month)[1]
    return Period("month", dt.date(year, month, 1), dt.date(year, month, last))


def current_month() -> Period:
    today = timezone.localdate()
    return month_period(today.year, today.month)


def last_month() -> Period:
    first = timezone.localdate().replace(day=1)
    before = first - dt.timedelta(days=1)
    return month_period(before.year, before.month)


_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*(?:\.\.|/)\s*(\d{4}-\d{2}-\d{2})$")


def parse(text: str | None, *, default: Period | None = None) -> Period:
    """Read ``2026-10``, ``2026-Q4``, ``2026`` or ``2026-10-01..2026-10-15``.

    Raises PeriodError with a Vietnamese message naming the accepted forms.
    """
    text = (text or "").strip()
    if not text:
        if default is not None:
            return default
        return last_month()
    if match := _MONTH.match(text):
        year, month = int(match[1]), int(match[2])
        if 1 <= month <= 12:
            return month_period(year, month)
    elif match := _QUARTER.match(text):
        year, quarter = int(match[1]), int(match[2])
        start = dt.date(year, 3 * quarter - 2, 1)
        end_month = 3 * quarter
        return Period(
            "quarter", start, dt.date(year, end_month, calendar.monthrange(year, end_month)[1])
        )
    elif match := _YEAR.match(text):
        year = int(match[1])
        return Period("year", dt.date(year, 1, 1), dt.date(year, 12, 31))
    elif match := _RANGE.match(text):
        try:
            start, end = dt.date.fromisoformat(match[1]), dt.date.fromisoformat(match[2])
        except ValueError:
            pass
        else:
            if start <= end:
                return Period("range", start, end)
            raise PeriodError(_("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc."))
    raise PeriodError(
        _(
            "Kỳ “%(text)s” không hợp lệ. Hãy nhập tháng (2026-10), quý (2026-Q4), năm (2026) "
            "hoặc khoảng ngày (2026-10-01..2026-10-15)."
        )
        % {"text": text}
    )
