"""Reaching a value by its dotted path: ``mother.full_name``, ``members.0.full_name``."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from typing import Any


def _key(segment: str) -> str | int:
    return int(segment) if segment.isdigit() else segment


def get_path(data: Any, path: str) -> Any:
    """The value at ``path`` in ``data``, or None when any step is missing."""
    node = data
    if path == "":
        return node
    for segment in path.split("."):
        key = _key(segment)
        if isinstance(node, dict):
            node = node.get(segment)
        elif isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
            node = node[key]
        else:
            return None
        if node is None:
            return None
    return node


def set_path(data: dict, path: str, value: Any) -> dict:
    """Set ``value`` at ``path`` in ``data`` (in place), creating the objects and list
    items on the way. Returns ``data``."""
    segments = path.split(".")
    node: Any = data
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        following = None if last else _key(segments[index + 1])
        empty = [] if isinstance(following, int) else {}
        key = _key(segment)
        if isinstance(node, list):
            if not isinstance(key, int):
                raise KeyError(path)
            while len(node) <= key:
                node.append({} if not last else None)
            if last:
                node[key] = value
            else:
                if not isinstance(node[key], dict | list):
                    node[key] = empty
                node = node[key]
        else:
            if last:
                node[segment] = value
            else:
                if not isinstance(node.get(segment), dict | list):
                    node[segment] = empty
                node = node[segment]
    return data


def as_date(value: Any) -> dt.date | None:
    """A stored date ("YYYY-MM-DD", a date or a datetime) as a date, else None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def comparable(value: Any) -> str:
    """A value as registry-verified values are compared: text in NFC with single spaces
    (browsers may send decomposed letters; spacing is not tampering), dates in ISO form,
    empty parts of a block or an address left out."""

    def norm(v: Any) -> Any:
        if isinstance(v, dict):
            return {k: norm(x) for k, x in v.items() if x not in (None, "", [], {})}
        if isinstance(v, list):
            return [norm(x) for x in v]
        if isinstance(v, dt.date):
            return v.isoformat()
        if isinstance(v, str):
            return " ".join(unicodedata.normalize("NFC", v).split())
        return v

    value = norm(value)
    if value in (None, {}, []):
        return ""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
