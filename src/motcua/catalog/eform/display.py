"""Form data for reading: sections of rows with formatted text, and the differences
between two versions of the data (a supplement)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from motcua.lib.formatting import format_number, format_vnd

from ..models import Registry
from .codelists import codelist_label
from .definition import EID, block_parts, top_fields, upgrade
from .validation import _clean_object, is_empty, visible_fields

SEX_LABELS = {"nam": "Nam", "nu": "Nữ"}


def format_date(value: Any) -> str:
    """ "2026-03-05" → "05/03/2026" (anything else as given)."""
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    return "" if value is None else str(value)


def format_address(value: Any) -> str:
    """An address object as one line: "detail, commune, province"."""
    if isinstance(value, str):
        return value
    if not isinstance(value, dict):
        return ""
    parts = [value.get(key) for key in ("detail", "commune", "province")]
    return ", ".join(str(p).strip() for p in parts if p and str(p).strip())


def _choice_label(field: dict, value: Any) -> str:
    if field.get("codelist"):
        return codelist_label(field["codelist"], value)
    for choice_value, label in field.get("choices") or []:
        if choice_value == value:
            return str(label)
    return "" if value is None else str(value)


def format_value(field: dict, value: Any) -> str:
    """A field's value as a reader sees it."""
    kind = field.get("type")
    if is_empty(value, field):
        return ""
    if kind == "date":
        return format_date(value)
    if kind == "money":
        try:
            return format_vnd(value)
        except (TypeError, ValueError):
            return str(value)
    if kind == "number":
        if isinstance(value, float) and not value.is_integer():
            return str(value).replace(".", ",")
        try:
            return format_number(value)
        except (TypeError, ValueError):
            return str(value)
    if kind in ("select", "radio"):
        return _choice_label(field, value)
    if kind == "checkboxes":
        values = value if isinstance(value, list) else [value]
        return ", ".join(_choice_label(field, v) for v in values)
    if kind in ("yesno", "checkbox"):
        return _("Có") if value is True else _("Không") if value is False else str(value)
    if kind == "address":
        return format_address(value)
    return str(value)


def source_label(code: str) -> str:
    if code == EID:
        return _("Tài khoản định danh điện tử (VNeID)")
    if code in Registry.values:
        return str(Registry(code).label)
    return code or ""


def _rows(fields, data, prefix, sources, root) -> list[dict]:
    rows = []
    for field in visible_fields(fields, data, root):
        name = field["name"]
        if name not in data:
            continue
        value, path = data[name], prefix + name
        label = field.get("label") or name
        kind = field.get("type")
        if kind == "person" and isinstance(value, dict):
            inner = _rows(block_parts(field), value, path + ".", sources, None)
            if inner:
                rows.append({"path": path, "label": label, "rows": inner})
        elif kind == "group" and isinstance(value, list):
            items = [
                _rows(field.get("fields") or [], item, f"{path}.{i}.", sources, root or data)
                for i, item in enumerate(value)
                if isinstance(item, dict)
            ]
            items = [item for item in items if item]
            if items:
                rows.append({"path": path, "label": label, "items": items})
        else:
            text = format_value(field, value)
            if text:
                code = sources.get(path) or ""
                rows.append(
                    {
                        "path": path,
                        "label": label,
                        "text": text,
                        "source": source_label(code) if code else "",
                    }
                )
    return rows


def display(defn: Any, data: Any, sources: dict | None = None, decision: bool = False) -> list:
    """``[{"title", "rows": [Row]}]`` for reading; hidden and empty values are skipped.

    A Row is ``{"path", "label", "text", "source"}`` (``source``: the registry's name
    when the value was prefilled from it), or ``{"path", "label", "rows"}`` for a
    person block, or ``{"path", "label", "items": [[Row, ...], ...]}`` for a group."""
    defn = upgrade(defn)
    sources = sources or {}
    if decision:
        fields = defn.get("decision") or []
        data = _clean_object(fields, data or {}, None)
        rows = _rows(fields, data, "", sources, None)
        return [{"title": _("Kết quả thẩm định"), "rows": rows}] if rows else []
    data = _clean_object(top_fields(defn), data or {}, None)
    sections = []
    for section in defn.get("sections") or []:
        rows = _rows(section.get("fields") or [], data, "", sources, None)
        if rows:
            sections.append({"title": section.get("title") or "", "rows": rows})
    return sections


def _flat(defn: dict, data: Any) -> dict[str, tuple[str, str]]:
    """path → (label, text) of every shown leaf value."""
    out: dict[str, tuple[str, str]] = {}

    def walk(rows, owner):
        for row in rows:
            label = f"{row['label']} ({owner})" if owner else row["label"]
            if "rows" in row:
                walk(row["rows"], label)
            elif "items" in row:
                for index, item in enumerate(row["items"], start=1):
                    walk(item, f"{row['label']} {index}")
            else:
                out[row["path"]] = (label, row["text"])

    for section in display(defn, data):
        walk(section["rows"], "")
    return out


def diff(defn: Any, before: Any, after: Any) -> list[dict]:
    """``[{"path", "label", "before", "after"}]``: the shown values that differ, in
    form order (texts formatted as for reading; "" when absent)."""
    defn = upgrade(defn)
    old, new = _flat(defn, before), _flat(defn, after)
    order = list(new) + [path for path in old if path not in new]
    changes = []
    for path in order:
        label = (new.get(path) or old.get(path))[0]
        was, now = old.get(path, ("", ""))[1], new.get(path, ("", ""))[1]
        if was != now:
            changes.append({"path": path, "label": label, "before": was, "after": now})
    return changes
