"""Helpers shared by the dossier tests."""

import datetime as dt
import zoneinfo

VN_TZ = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def local(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    """An aware datetime in Vietnamese local time."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=VN_TZ)
