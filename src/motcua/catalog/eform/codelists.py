"""Code lists for choice fields: [[value, label], ...].

The national lists ship as CSV files in ``data/`` (cached in-process); the provinces
and communes come from the agencies loaded in the database (the current ones), with
the 34 provinces of the shared ``provinces.csv`` as a fallback when none is loaded.
Within :func:`reads_once` (one request's checks) each of these database lists is read
once: a filing checks its e-form several times (the draft, the answers merged with
the registries' values, the submission), always against the same agencies. Between
requests the lists are kept in a per-process memo (``motcua.lib.refcache``) that any
change to an agency invalidates in every process, so an agency loaded or renamed
counts at the next request.
"""

from __future__ import annotations

import contextlib
import contextvars
import csv
import datetime as dt
from collections.abc import Iterator
from functools import cache, lru_cache
from pathlib import Path

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _

from motcua.agencies.models import Agency
from motcua.lib import refcache
from motcua.lib.text import strip_diacritics

DATA = Path(__file__).parent / "data"
# name → (file, value column, label format)
FILE_LISTS = {
    "ethnicities": ("ethnicities.csv", "name", "{name}"),
    "nationalities": ("nationalities.csv", "name", "{name}"),
    "vsic": ("vsic.csv", "code", "{code} – {name}"),
    "relationships": ("relationships.csv", "value", "{label}"),
    "id_documents": ("id_documents.csv", "value", "{label}"),
}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        lines = [line for line in handle if line.strip() and not line.startswith("#")]
    return list(csv.DictReader(lines))


@cache
def _file_list(name: str) -> tuple[tuple[str, str], ...]:
    filename, value_column, label_format = FILE_LISTS[name]
    return tuple((row[value_column], label_format.format(**row)) for row in _rows(DATA / filename))


@cache
def file_rows(name: str) -> tuple[dict[str, str], ...]:
    """The raw rows of a file code list (with their codes), e.g. for exports."""
    return tuple(_rows(DATA / FILE_LISTS[name][0]))


# The database lists read in the current ``reads_once`` block (None: outside any).
_READ: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "motcua_eform_lists", default=None
)


@contextlib.contextmanager
def reads_once() -> Iterator[None]:
    """Read each database code list (provinces, a province's communes) at most once
    inside the block; nested blocks share the outer one's reads."""
    if _READ.get() is not None:
        yield
        return
    token = _READ.set({})
    try:
        yield
    finally:
        _READ.reset(token)


def _once(key: tuple, read):
    memo = _READ.get()
    if memo is not None and key in memo:
        return memo[key]
    value = refcache.memoised(("eform.codelist", *key), read)
    if memo is not None:
        memo[key] = value
    return value


@lru_cache(maxsize=4096)
def _sort_key(name: str) -> str:
    for prefix in ("Thành phố ", "Tỉnh "):
        name = name.removeprefix(prefix)
    return strip_diacritics(name).casefold()


@lru_cache(maxsize=16384)
def _commune_key(name: str) -> str:
    return strip_diacritics(name).casefold()


def _current(queryset, today: dt.date):
    return queryset.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today)).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    )


@lru_cache(maxsize=1)
def _fallback_provinces() -> tuple[str, ...]:
    """The provinces from 1 July 2025, from the shared provinces.csv."""
    path = Path(settings.MOTCUA_SHARED_DATA_DIR) / "provinces.csv"
    names = {}
    for row in _rows(path):
        name = row["province_from_2025_07_01"]
        prefix = "Thành phố" if row["kind_from"] == "thanh_pho" else "Tỉnh"
        names[name] = f"{prefix} {name}"
    return tuple(names.values())


def province_names(today: dt.date | None = None) -> list[str]:
    """The names of the current provinces and centrally-run cities."""
    today = today or dt.date.today()
    return list(_once(("provinces", today), lambda: _province_names(today)))


def _province_names(today: dt.date) -> tuple[str, ...]:
    names = list(
        _current(
            Agency.objects.filter(kind__in=[Agency.Kind.PROVINCE, Agency.Kind.CITY]), today
        ).values_list("name", flat=True)
    )
    if not names:
        names = list(_fallback_provinces())
    return tuple(sorted(set(names), key=_sort_key))


def communes(province_name: str, today: dt.date | None = None) -> list[str]:
    """The names of the current communes loaded under ``province_name`` ([] when none)."""
    if not province_name:
        return []
    today = today or dt.date.today()
    return list(_once(("communes", province_name, today), lambda: _communes(province_name, today)))


def _communes(province_name: str, today: dt.date) -> tuple[str, ...]:
    names = _current(
        Agency.objects.filter(kind=Agency.Kind.COMMUNE, parent__name=province_name), today
    ).values_list("name", flat=True)
    return tuple(sorted(set(names), key=_commune_key))


def read_with_communes(provinces: list, today: dt.date | None = None) -> None:
    """Inside :func:`reads_once`, read the current provinces and the communes of the
    named ``provinces`` in one query, for :func:`province_names` and :func:`communes`
    to answer from (outside a block: nothing to do)."""
    memo = _READ.get()
    if memo is None:
        return
    today = today or dt.date.today()
    wanted = sorted(
        {p for p in provinces if isinstance(p, str) and p and ("communes", p, today) not in memo}
    )
    if not wanted:
        return
    provinces, loaded = refcache.memoised(
        ("eform.codelist.with_communes", tuple(wanted), today),
        lambda: _read_with_communes(wanted, today),
    )
    memo.setdefault(("provinces", today), provinces)
    for province, found in loaded:
        memo[("communes", province, today)] = found


def _read_with_communes(wanted: list[str], today: dt.date) -> tuple:
    rows = _current(
        Agency.objects.filter(
            Q(kind__in=[Agency.Kind.PROVINCE, Agency.Kind.CITY])
            | Q(kind=Agency.Kind.COMMUNE, parent__name__in=wanted)
        ),
        today,
    ).values_list("kind", "name", "parent__name")
    names, loaded = [], {p: set() for p in wanted}
    for kind, name, parent in rows:
        if kind == Agency.Kind.COMMUNE:
            loaded[parent].add(name)
        else:
            names.append(name)
    provinces = tuple(sorted(set(names or _fallback_provinces()), key=_sort_key))
    return provinces, tuple(
        (province, tuple(sorted(found, key=_commune_key))) for province, found in loaded.items()
    )


def codelist(name: str) -> list[list[str]]:
    """The [value, label] pairs of the code list ``name``."""
    if name == "provinces":
        return [[n, n] for n in province_names()]
    if name not in FILE_LISTS:
        raise KeyError(_("Danh mục “%(name)s” không tồn tại.") % {"name": name})
    return [[value, label] for value, label in _file_list(name)]


def codelist_label(name: str, value) -> str:
    """The label of ``value`` in the code list ``name`` (the value itself if unknown)."""
    if name == "provinces":
        return str(value)
    if name in FILE_LISTS:
        for item_value, label in _file_list(name):
            if item_value == value:
                return label
    return "" if value is None else str(value)
