"""The e-form of a procedure (docs/EFORMS.md, ``motcua-eform/2``) in the citizen portal.

The definition (``eform.upgrade(version.form_schema)``: legacy flat forms too) is
turned into *nodes* that the templates render by ``eform_pages.Renderer``: sections
as fieldsets, person and address blocks as fieldsets of their parts, repeatable groups
with "Thêm …" / "Xóa" buttons that post the form (they work without JavaScript). This
module reads a posted form and API values back; ``eform_pages`` builds the page.

HTML input names are data paths with ``__`` for the dots (``child__full_name``,
``members__0__full_name``). ``parse_post`` reads them back into nested JSON data:
dates typed dd/mm/yyyy become ``YYYY-MM-DD``, money typed ``1.500.000`` an integer.
Values a national database filled (``Dossier.prefill_sources``, keyed by path) are
*locked*: shown read-only with "Dữ liệu từ CSDL quốc gia – nguồn: …"; the stored value
is kept whatever the browser sends, and a posted value that differs is refused as
tampering. Everything else is checked by the engine (``eform.validate_data``), the same
check the API makes.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from motcua.catalog import eform
from motcua.catalog.eform.definition import SCALAR_TYPES as DEFINITION_SCALAR_TYPES
from motcua.catalog.eform.definition import block_parts
from motcua.catalog.models import Registry

PHONE_RE = re.compile(r"^(?:\+84|0)\d{9,10}$")
SEP = "__"
AUTOCOMPLETE = {"full_name": "name", "birth_date": "bday", "phone": "tel", "email": "email"}
SCALAR_TYPES = set(DEFINITION_SCALAR_TYPES)


def normalize_phone(value: str) -> str:
    return re.sub(r"[\s.\-()]", "", value or "")


def registry_label(code: str) -> str:
    return str(Registry(code).label) if code in Registry.values else code


def definition(schema: Any) -> dict:
    """The v2 definition of a version's ``form_schema`` (a legacy list is upgraded)."""
    return eform.upgrade(schema if schema is not None else [])


def html_name(path: str) -> str:
    return path.replace(".", SEP)


def field_id(path: str) -> str:
    return "id_" + html_name(path)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def locked_fields(stored: dict[str, Any], sources: dict[str, str]) -> dict[str, str]:
    """Data path → registry code, for the values a national database filled (known from
    the data and its sources alone)."""
    stored = stored or {}
    return {
        path: source
        for path, source in (sources or {}).items()
        if source in Registry.values and not _empty(eform.get_path(stored, path))
    }


# --- Typed values ------------------------------------------------------------------------

DATE_RE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
ISO_RE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def parse_date_text(text: str) -> str | None:
    """``17/05/1990`` (or ``1990-05-17``) → ``"1990-05-17"``; None when not a date."""
    text = text.strip()
    match = DATE_RE.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        match = ISO_RE.match(text)
        if not match:
            return None
        year, month, day = (int(g) for g in match.groups())
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def dmy(value: Any) -> str:
    """An ISO date as typed in the form (dd/mm/yyyy); other values unchanged."""
    if isinstance(value, str) and ISO_RE.match(value):
        year, month, day = value.split("-")
        return f"{day}/{month}/{year}"
    return "" if value is None else str(value)


def parse_money(text: str) -> int | None:
    cleaned = re.sub(r"(?i)\s|đồng|đ|vnd", "", text)
    if re.fullmatch(r"\d{1,3}(\.\d{3})+|\d+", cleaned):
        return int(cleaned.replace(".", ""))
    if re.fullmatch(r"\d{1,3}(,\d{3})+", cleaned):
        return int(cleaned.replace(",", ""))
    return None


def money_text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return "" if value is None else str(value)
    return f"{int(value):,}".replace(",", ".")


def parse_number(text: str) -> int | float | None:
    cleaned = text.replace(" ", "").replace(",", ".")
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    return int(number) if number == number.to_integral_value() else float(number)


def number_text(value: Any) -> str:
    if isinstance(value, float):
        return str(value).replace(".", ",")
    return "" if value is None else str(value)


def _parse_scalar(spec: dict, raw: Any) -> tuple[Any, str | None]:
    """(value, error) of what the browser posted for a scalar field."""
    kind = spec.get("type", "text")
    label = spec.get("label") or spec.get("name")
    if kind == "checkboxes":
        values = [str(v) for v in raw or [] if str(v)]
        return (values or None), None
    if kind == "checkbox":
        return (True if raw in ("on", "true", "1") else None), None
    text = (raw or "").strip() if isinstance(raw, str) else ""
    if not text:
        return None, None
    if kind == "yesno":
        return {"true": True, "false": False}.get(text), None
    if kind == "date":
        value = parse_date_text(text)
        if value is None:
            return None, _(
                "“%(field)s” phải là một ngày hợp lệ theo dạng ngày/tháng/năm, ví dụ 17/05/1990."
            ) % {"field": label}
        return value, None
    if kind == "money":
        value = parse_money(text)
        if value is None:
            return None, _(
                "“%(field)s” phải là số tiền bằng đồng, chỉ gồm chữ số, ví dụ 1.500.000."
            ) % {"field": label}
        return value, None
    if kind == "number":
        value = parse_number(text)
        if value is None:
            return None, _("“%(field)s” phải là một số.") % {"field": label}
        return value, None
    if kind == "phone":
        return normalize_phone(text), None
    return text, None


# --- The structure of a definition -------------------------------------------------------


def _leaves(defn: dict) -> dict[str, dict]:
    """Pattern path (groups as ``g[]``) → field spec, for every field and block part."""
    return {path: spec for path, spec in eform.leaf_fields(defn)}


def _pattern(path: str) -> str:
    """``members.0.full_name`` → ``members[].full_name``."""
    return re.sub(r"\.\d+(?=\.|$)", "[]", path)


def _children(leaves: dict[str, dict], pattern: str, spec: dict) -> list[tuple[str, dict]]:
    """(name, spec) of the parts of a block (as the engine defines them) or the fields
    of a group item."""
    if spec.get("type") == "group":
        return [(f["name"], f) for f in spec.get("fields") or []]
    parts = []
    for part in block_parts(spec):
        if spec.get("type") == "address":
            part = {**part, "address_part": part["name"]}
        parts.append((part["name"], part))
    return parts


def _is_block(spec: dict) -> bool:
    return spec.get("type") in ("person", "address", "group")


# --- Reading a posted form ---------------------------------------------------------------


@dataclass
class Parsed:
    """What ``parse_post`` read: data to store, errors by path, texts that did not parse."""

    data: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    raw: dict[str, str] = field(default_factory=dict)


TAMPER_MESSAGE = (
    "“%(field)s” được lấy từ %(registry)s và không sửa được. Nếu thông tin chưa đúng, "
    "hãy đề nghị cơ quan quản lý %(registry)s cập nhật."
)


def tamper_message(label: str, registry: str) -> str:
    return _(TAMPER_MESSAGE) % {"field": label, "registry": registry_label(registry)}


def group_count(post, path: str) -> int:
    """How many items of the group at ``path`` the posted form holds."""
    try:
        count = int(post.get(html_name(path) + SEP + "count", ""))
    except (TypeError, ValueError):
        prefix = html_name(path) + SEP
        indexes = {
            int(m.group(1))
            for key in post
            if (m := re.match(re.escape(prefix) + r"(\d{1,4})" + SEP, key))
        }
        count = max(indexes) + 1 if indexes else 0
    return max(0, min(count, 200))


def parse_post(defn: dict, post, *, stored=None, sources=None) -> Parsed:
    """Nested data from a posted e-form (``post``: a QueryDict or a dict of lists/strings).

    Locked values are taken from ``stored``; one posted with another value is an error.
    """
    stored = stored or {}
    locked = locked_fields(stored, sources or {})
    leaves = _leaves(defn)
    parsed = Parsed()

    def getlist(name: str) -> list[str]:
        if hasattr(post, "getlist"):
            values = post.getlist(name)
        else:
            value = post.get(name)
            if value is None:
                return []
            values = value if isinstance(value, list) else [value]
        # A NUL character is never part of an answer (and PostgreSQL refuses it in JSON).
        return [v.replace("\x00", "") if isinstance(v, str) else v for v in values]

    def read(spec: dict, path: str, pattern: str, target: dict, key: str) -> None:
        kind = spec.get("type")
        if kind == "group":
            items = []
            for index in range(group_count(post, path)):
                item: dict[str, Any] = {}
                for name, child in _children(leaves, pattern + "[]", spec):
                    read(child, f"{path}.{index}.{name}", f"{pattern}[].{name}", item, name)
                items.append(item)
            if items:
                target[key] = items
            return
        if _is_block(spec):
            block: dict[str, Any] = {}
            for name, child in _children(leaves, pattern, spec):
                read(child, f"{path}.{name}", f"{pattern}.{name}", block, name)
            if path in locked:  # a verified address (a person's residence): kept as stored
                value = eform.get_path(stored, path)
                if block and eform.comparable(block) != eform.comparable(value or {}):
                    parsed.errors.setdefault(path, []).append(
                        tamper_message(spec.get("label") or path, locked[path])
                    )
                target[key] = value
                return
            if block:
                target[key] = block
            return
        name = html_name(path)
        values = getlist(name)
        raw = values if kind == "checkboxes" else (values[-1] if values else None)
        if path in locked:
            value = eform.get_path(stored, path)
            if (
                values
                and (kind != "checkbox")
                and eform.comparable(_parse_scalar(spec, raw)[0]) != eform.comparable(value)
            ):
                parsed.errors.setdefault(path, []).append(
                    tamper_message(spec.get("label") or path, locked[path])
                )
            target[key] = value
            return
        value, error = _parse_scalar(spec, raw)
        if error:
            parsed.errors.setdefault(path, []).append(error)
            parsed.raw[path] = raw
        elif value is not None:
            target[key] = value

    for section in defn.get("sections") or []:
        for spec in section.get("fields") or []:
            read(spec, spec["name"], spec["name"], parsed.data, spec["name"])
    return parsed


def _group_spec(defn: dict, path: str) -> dict | None:
    for section in defn.get("sections") or []:
        for spec in section.get("fields") or []:
            if spec.get("name") == path and spec.get("type") == "group":
                return spec
    return None


def apply_group_action(defn: dict, parsed: Parsed, action: str) -> str | None:
    """Apply "add:<group>" / "remove:<group>.<index>" to the parsed data.

    Returns the path to focus (the new or the next item), or None when ``action`` is
    not a group action.
    """
    verb, _sep, target = (action or "").partition(":")
    if verb == "add":
        spec = _group_spec(defn, target)
        if spec is None:
            return None
        items = list(parsed.data.get(target) or [])
        limit = int(spec.get("max_items") or 20)
        shown = max(len(items), eform.group_min_items(spec))
        while len(items) < shown:
            items.append({})
        if len(items) < limit:
            items.append({})
        parsed.data[target] = items
        return f"{target}.{len(items) - 1}"
    if verb == "remove":
        group, _dot, index_text = target.rpartition(".")
        spec = _group_spec(defn, group)
        if spec is None or not index_text.isdigit() or len(index_text) > 4:
            return None
        index = int(index_text)
        items = list(parsed.data.get(group) or [])
        if index < len(items):
            del items[index]
        parsed.data[group] = items
        # Texts that did not parse and errors move with their items.
        for store in (parsed.raw, parsed.errors):
            moved = {}
            for key, value in store.items():
                match = re.match(re.escape(group) + r"\.(\d+)(\..*)?$", key)
                if not match:
                    moved[key] = value
                    continue
                i = int(match.group(1))
                if i == index:
                    continue
                rest = match.group(2) or ""
                moved[f"{group}.{i - 1 if i > index else i}{rest}"] = value
            store.clear()
            store.update(moved)
        return group
    return None


def check(defn: dict, data: dict, *, strict: bool, today=None) -> tuple[dict, dict]:
    """(cleaned data, errors by path) as the engine sees ``data``."""
    cleaned = eform.clean_data(defn, data)
    return cleaned, eform.validate_data(defn, cleaned, strict=strict, today=today)


def merge_errors(*dicts: dict[str, list[str]]) -> dict[str, list[str]]:
    merged: dict[str, list[str]] = {}
    for errors in dicts:
        for path, messages in (errors or {}).items():
            bucket = merged.setdefault(path, [])
            bucket += [str(m) for m in messages if str(m) not in bucket]
    return merged


# --- Conditions --------------------------------------------------------------------------


def condition_holds(when: dict | None, root: dict, scope: dict | None = None) -> bool:
    """Whether a field with the condition ``when`` is shown for the current answers
    (the engine's rule: a group item's sibling first, else the top level)."""
    if not when:
        return True
    in_item = scope is not None and when.get("field", "").split(".")[0] in scope
    return eform.condition_holds(when, scope if in_item else root)


def deep_copy(data: dict) -> dict:
    return copy.deepcopy(data or {})


def unknown_names(defn: dict, values: dict) -> list[str]:
    """Top-level names in ``values`` that the form does not have."""
    known = {
        spec.get("name")
        for section in defn.get("sections") or []
        for spec in section.get("fields") or []
    }
    return sorted(k for k in values if k not in known)


def apply_values(
    defn: dict, values: dict, *, stored=None, sources=None, ignore_locked: bool = False
) -> Parsed:
    """JSON data sent by an API client, with the locked values put back.

    A locked value sent with another value is refused as tampering, unless
    ``ignore_locked`` (a new draft: values sent for fields the registries fill are
    dropped). Unknown top-level names are errors.
    """
    stored = stored or {}
    parsed = Parsed(data=deep_copy(values))
    for name in unknown_names(defn, values)[:20]:
        parsed.errors[name] = [_("Tờ khai của thủ tục không có trường này.")]
        parsed.data.pop(name, None)
    leaves = _leaves(defn)
    for path, registry in locked_fields(stored, sources or {}).items():
        kept = eform.get_path(stored, path)
        sent = eform.get_path(values, path)
        if (
            not ignore_locked
            and sent is not None
            and eform.comparable(sent) != eform.comparable(kept)
        ):
            spec = leaves.get(_pattern(path)) or {}
            parsed.errors.setdefault(path, []).append(
                tamper_message(spec.get("label") or path, registry)
            )
        eform.set_path(parsed.data, path, kept)
    return parsed
