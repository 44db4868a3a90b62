"""Pages of lists: ``limit`` (1–100) and an opaque ``cursor`` taken from ``next``.

A cursor is signed, so a client can only pass back what it was given. Dossier lists
are keyset pages (newest first, by creation time then id): following ``next`` is as
fast on the thousandth page as on the first and never skips or repeats a dossier
when new ones arrive. The catalogue's cursor carries an offset, bounded by
``MOTCUA_API_MAX_OFFSET``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.db.models import Q, QuerySet
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from .errors import ApiError

SALT = "motcua.api.cursor"
DEFAULT_LIMIT = 20
MAX_LIMIT = 100


def invalid_cursor() -> ApiError:
    return ApiError(
        400,
        "invalid_cursor",
        _("Tham số cursor không hợp lệ; hãy dùng đúng giá trị “next” của trang trước."),
    )


def encode(data: dict) -> str:
    return signing.dumps(data, salt=SALT, compress=False)


def decode(cursor: str | None, kind: str) -> dict | None:
    if not cursor:
        return None
    try:
        data = signing.loads(cursor, salt=SALT)
    except signing.BadSignature:
        raise invalid_cursor() from None
    if not isinstance(data, dict) or data.get("k") != kind:
        raise invalid_cursor()
    return data


@dataclass(frozen=True)
class Page:
    items: list
    next: str | None


def offset_page(items_for, limit: int, cursor: str | None, kind: str) -> Page:
    """``items_for(offset, count)`` gives up to ``count`` items from ``offset``."""
    data = decode(cursor, kind)
    offset = data.get("o", 0) if data else 0
    if not isinstance(offset, int) or offset < 0:
        raise invalid_cursor()
    if offset + limit > settings.MOTCUA_API_MAX_OFFSET:
        raise ApiError(
            400,
            "page_too_deep",
            _("Không xem được quá %(n)d kết quả đầu tiên; hãy thu hẹp điều kiện tìm.")
            % {"n": settings.MOTCUA_API_MAX_OFFSET},
        )
    rows = list(items_for(offset, limit + 1))
    following = encode({"k": kind, "o": offset + limit}) if len(rows) > limit else None
    return Page(rows[:limit], following)


def keyset_page(qs: QuerySet, limit: int, cursor: str | None, kind: str) -> Page:
    """Newest first by (created_at, pk); ``qs`` must have both."""
    data = decode(cursor, kind)
    qs = qs.order_by("-created_at", "-pk")
    if data:
        at = parse_datetime(str(data.get("t", "")))
        last = data.get("id")
        if at is None or not isinstance(last, int):
            raise invalid_cursor()
        qs = qs.filter(Q(created_at__lt=at) | Q(created_at=at, pk__lt=last))
    rows = list(qs[: limit + 1])
    following = None
    if len(rows) > limit:
        tail = rows[limit - 1]
        following = encode({"k": kind, "t": _iso(tail.created_at), "id": tail.pk})
    return Page(rows[:limit], following)


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat()
