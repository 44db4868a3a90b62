"""Checking form data against a definition: the compiled JSON Schema (with
``jsonschema.Draft202012Validator``), then the date bounds, the communes of the
chosen province and the cross-field rules. Errors are ``{path: [message, ...]}`` in
Vietnamese, naming the field by its label. The JSON Schema validator of a definition
is compiled once and kept (``validators``)."""

from __future__ import annotations

import ast
import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.utils.translation import gettext as _

from motcua.lib.formatting import format_number, format_vnd

from .codelists import communes, read_with_communes, reads_once
from .definition import (
    COMPARISONS,
    block_parts,
    top_fields,
    upgrade,
)
from .paths import as_date, get_path
from .validators import Compiled, compiled_validator

DATE_EXAMPLE = "17/05/1990"


# --- block parts, once per kind of block ------------------------------------

_PARTS_KEPT: dict[tuple, tuple[list[dict], dict[str, dict]]] = {}


def _block_parts(block: dict) -> tuple[list[dict], dict[str, dict]]:
    """``block_parts(block)`` and the same by name, built once per kind of block (its
    type, whether required, its parts and required parts: all the parts depend on) and
    shared: the checks only read them. Each check walks every block several times."""
    try:
        parts, wanted = block.get("parts"), block.get("required_parts")
        key = (
            block.get("type"),
            bool(block.get("required")),
            tuple(parts) if parts else None,
            None if wanted is None else tuple(wanted),
        )
        kept = _PARTS_KEPT.get(key)
    except TypeError:  # unhashable parts: not a valid definition, build them each time
        found = block_parts(block)
        return found, {p["name"]: p for p in found}
    if kept is None:
        found = block_parts(block)
        kept = (found, {p["name"]: p for p in found})
        if len(_PARTS_KEPT) < 1024:
            _PARTS_KEPT[key] = kept
    return kept


# --- emptiness, visibility, cleaning ---------------------------------------


def is_empty(value: Any, field: dict | None = None) -> bool:
    """ "" / None / [] / {} (and an unticked consent box) count as not filled."""
    if value is None or value == "" or value == [] or value == {}:
        return True
    if isinstance(value, str) and not value.strip():
        return True
    if field is not None and field.get("type") == "checkbox" and value is False:
        return True
    if isinstance(value, dict):
        return all(is_empty(v) for v in value.values())
    return False


def condition_holds(when: dict, scope: Any) -> bool:
    value = get_path(scope, when["field"])
    if "equals" in when:
        return value == when["equals"]
    if "in" in when:
        return value in (when["in"] or [])
    return not is_empty(value)


def _clean_value(field: dict, value: Any, root: dict | None) -> Any:
    kind = field.get("type")
    if kind in ("person", "address"):
        if not isinstance(value, dict):
            return value
        parts = _block_parts(field)[1]
        return {k: _clean_value(parts[k], v, None) for k, v in value.items() if k in parts}
    if kind == "group":
        if not isinstance(value, list):
            return value
        return [
            _clean_object(field.get("fields") or [], item, root) if isinstance(item, dict) else item
            for item in value
        ]
    return value


def _clean_object(fields: list[dict], data: Any, root: dict | None) -> dict:
    """Known fields only; then hidden ones dropped until no condition changes.

    ``root`` is the top-level data when ``fields`` are a group item's (a condition on
    a name that is not a sibling reads the top level)."""
    if not isinstance(data, dict):
        return {}
    out = {
        f["name"]: data[f["name"]] for f in fields if isinstance(f, dict) and f.get("name") in data
    }
    siblings = {f["name"] for f in fields}
    changed = True
    while changed:
        changed = False
        for field in fields:
            when = field.get("when")
            if not when or field["name"] not in out:
                continue
            head = when["field"].split(".")[0]
            scope = out if root is None or head in siblings else root
            if not condition_holds(when, scope):
                del out[field["name"]]
                changed = True
    top = out if root is None else root
    for field in fields:
        if field["name"] in out:
            out[field["name"]] = _clean_value(field, out[field["name"]], top)
    return out


def visible_fields(fields: list[dict], data: dict, root: dict | None = None) -> list[dict]:
    """The fields shown for ``data`` (their condition holds)."""
    siblings = {f["name"] for f in fields}
    shown = []
    for field in fields:
        when = field.get("when")
        if when:
            head = when["field"].split(".")[0]
            scope = data if root is None or head in siblings else root
            if not condition_holds(when, scope):
                continue
        shown.append(field)
    return shown


def clean_data(defn: Any, data: Any, *, decision: bool = False) -> dict:
    """``data`` without unknown keys and without the values of hidden fields."""
    defn = upgrade(defn)
    fields = (defn.get("decision") or []) if decision else top_fields(defn)
    return _clean_object(fields, data, None)


def _prune(fields: list[dict], data: dict) -> dict:
    """Drop empty values (so an empty optional field is absent, and a required one
    missing), recursively."""
    out = {}
    for field in fields:
        name = field["name"]
        if name not in data:
            continue
        value = data[name]
        kind = field.get("type")
        if kind in ("person", "address") and isinstance(value, dict):
            value = _prune(_block_parts(field)[0], value)
        elif kind == "group" and isinstance(value, list):
            value = [
                _prune(field.get("fields") or [], item) if isinstance(item, dict) else item
                for item in value
            ]
        elif isinstance(value, str):
            value = value.strip()
        if kind == "group" and isinstance(value, list) and value:
            out[name] = value  # items keep their index, even an empty one (errors name it)
        elif not is_empty(value, field):
            out[name] = value
    return out


# --- walking values ----------------------------------------------------------


def iter_values(
    fields: list[dict], data: dict, prefix: str = "", owner: str = ""
) -> Iterator[tuple[str, dict, Any, str]]:
    """(path, field, value, owner) for every leaf value present in ``data``."""
    for field in fields:
        name = field["name"]
        if not isinstance(data, dict) or name not in data:
            continue
        value, path = data[name], prefix + name
        kind = field.get("type")
        if kind == "person" and isinstance(value, dict):
            yield from iter_values(_block_parts(field)[0], value, path + ".", _owner(field, owner))
        elif kind == "group" and isinstance(value, list):
            for index, item in enumerate(value):
                yield from iter_values(
                    field.get("fields") or [],
                    item,
                    f"{path}.{index}.",
                    _item_owner(field, index),
                )
        else:
            yield path, field, value, owner


def _owner(block: dict, owner: str) -> str:
    label = block.get("label") or block.get("name")
    return f"{label} ({owner})" if owner else label


def _item_owner(group: dict, index: int) -> str:
    item = group.get("item_label") or group.get("label") or group.get("name")
    return _("%(item)s thứ %(n)d") % {"item": item, "n": index + 1}


def locate(fields: list[dict], segments: list) -> tuple[dict | None, str]:
    """The field a data path reaches, and who owns it (a block, a group item)."""
    scope = {f["name"]: f for f in fields}
    field, owner, index = None, "", 0
    while index < len(segments):
        segment = segments[index]
        if field is None:
            field = scope.get(segment)
            if field is None:
                return None, owner
            index += 1
            continue
        kind = field.get("type")
        if kind == "group" and isinstance(segment, int):
            owner = _item_owner(field, segment)
            index += 1
            if index >= len(segments):
                return field, owner
            sub = {f["name"]: f for f in field.get("fields") or []}.get(segments[index])
            if sub is None:
                return field, ""
            field = sub
            index += 1
        elif kind in ("person", "address"):
            part = _block_parts(field)[1].get(segment)
            if part is None:
                return field, owner
            owner = _owner(field, owner)
            field = part
            index += 1
        else:  # a list value's item (checkboxes)
            index += 1
    return field, owner


# --- messages ------------------------------------------------------------------


def _who(field: dict, owner: str) -> str:
    label = field.get("label") or field.get("name")
    if owner:
        return _("“%(label)s” của %(owner)s") % {"label": label, "owner": owner}
    return f"“{label}”"


def _is_choice(field: dict) -> bool:
    return field.get("type") in ("select", "radio", "checkboxes", "yesno")


def required_message(field: dict, owner: str) -> str:
    who = _who(field, owner)
    if field.get("type") == "checkbox":
        return _("Vui lòng đánh dấu %(field)s.") % {"field": who}
    if _is_choice(field):
        return _("Vui lòng chọn %(field)s.") % {"field": who}
    return _("Vui lòng nhập %(field)s.") % {"field": who}


def date_message(field: dict, owner: str) -> str:
    return _("%(field)s phải là một ngày hợp lệ, ví dụ %(example)s.") % {
        "field": _who(field, owner),
        "example": DATE_EXAMPLE,
    }


def _bound_text(field: dict, value: Any) -> str:
    if field.get("type") == "money":
        return format_vnd(value)
    if isinstance(value, float) and not value.is_integer():
        return str(value).replace(".", ",")
    return format_number(value)


def _items_word(field: dict) -> str:
    item = field.get("item_label") or _("mục")
    return item[:1].lower() + item[1:]


def _message(error, field: dict, owner: str) -> str:
    kind = field.get("type")
    who = _who(field, owner)
    check = error.validator
    if check in ("format", "pattern") and kind == "date":
        return date_message(field, owner)
    if check == "type":
        if kind == "date":
            return date_message(field, owner)
        if kind == "number":
            return _("%(field)s phải là một số.") % {"field": who}
        if kind == "money":
            return _("%(field)s phải là một số tiền (đồng), ví dụ 1.500.000.") % {"field": who}
        if kind in ("yesno", "checkbox"):
            return _("%(field)s phải là Có hoặc Không.") % {"field": who}
        return _("%(field)s không hợp lệ.") % {"field": who}
    if check in ("pattern", "format"):
        if field.get("pattern_message"):
            return _(field["pattern_message"])
        if kind == "phone":
            return _(
                "%(field)s phải là số điện thoại hợp lệ: 10 chữ số bắt đầu bằng 0 "
                "(ví dụ 0912345678) hoặc +84."
            ) % {"field": who}
        if kind == "email":
            return _("%(field)s phải là địa chỉ thư điện tử hợp lệ, ví dụ ten@example.vn.") % {
                "field": who
            }
        return _("%(field)s không đúng định dạng.") % {"field": who}
    if check == "const" and kind == "checkbox":
        return _("Vui lòng đánh dấu %(field)s.") % {"field": who}
    if check in ("enum", "oneOf", "const"):
        return _("Vui lòng chọn %(field)s trong danh sách.") % {"field": who}
    if check == "minimum":
        return _("%(field)s không được nhỏ hơn %(bound)s.") % {
            "field": who,
            "bound": _bound_text(field, error.validator_value),
        }
    if check == "maximum":
        return _("%(field)s không được lớn hơn %(bound)s.") % {
            "field": who,
            "bound": _bound_text(field, error.validator_value),
        }
    if check == "minLength":
        return _("%(field)s phải có ít nhất %(n)d ký tự.") % {
            "field": who,
            "n": error.validator_value,
        }
    if check == "maxLength":
        return _("%(field)s không được dài quá %(n)d ký tự.") % {
            "field": who,
            "n": error.validator_value,
        }
    if check == "minItems":
        if kind == "checkboxes":
            return _("Vui lòng chọn ít nhất một mục của %(field)s.") % {"field": who}
        return _("%(field)s phải có ít nhất %(n)d %(item)s.") % {
            "field": who,
            "n": error.validator_value,
            "item": _items_word(field),
        }
    if check == "maxItems":
        return _("%(field)s chỉ được có tối đa %(n)d %(item)s.") % {
            "field": who,
            "n": error.validator_value,
            "item": _items_word(field),
        }
    if check == "uniqueItems":
        return _("%(field)s có mục bị trùng.") % {"field": who}
    return _("%(field)s không hợp lệ.") % {"field": who}


def _missing_property(error) -> str:
    """The property a ``required`` error is about (jsonschema says it in its message)."""
    text = error.message.removesuffix(" is a required property")
    try:
        return str(ast.literal_eval(text))
    except (ValueError, SyntaxError):
        return text.strip("'\"")


def _add(errors: dict[str, list[str]], path: str, message: str) -> None:
    messages = errors.setdefault(path, [])
    if message not in messages:
        messages.append(message)


# --- dates and rules -------------------------------------------------------------


def _bound_date(bound: Any, today: dt.date) -> dt.date | None:
    return today if bound == "today" else as_date(bound)


def _check_date_bounds(fields, data, errors, today: dt.date) -> None:
    for path, field, value, owner in iter_values(fields, data):
        if field.get("type") != "date" or path in errors:
            continue
        day = as_date(value)
        if day is None:
            continue
        low = _bound_date(field.get("min"), today)
        high = _bound_date(field.get("max"), today)
        if low and day < low:
            if field.get("min") == "today":
                message = _("%(field)s không được trước ngày hôm nay.")
            else:
                message = _("%(field)s không được trước ngày %(day)s.")
            _add(
                errors,
                path,
                message % {"field": _who(field, owner), "day": low.strftime("%d/%m/%Y")},
            )
        if high and day > high:
            if field.get("max") == "today":
                message = _("%(field)s không được sau ngày hôm nay.")
            else:
                message = _("%(field)s không được sau ngày %(day)s.")
            _add(
                errors,
                path,
                message % {"field": _who(field, owner), "day": high.strftime("%d/%m/%Y")},
            )


def _address_values(fields, data, prefix=""):
    for path, field, value, _owner_text in iter_values(fields, data, prefix):
        if field.get("type") == "address" and isinstance(value, dict):
            yield path, field, value


def _check_communes(fields, data, errors, today: dt.date) -> None:
    for path, _field, value in _address_values(fields, data):
        province, commune = value.get("province"), value.get("commune")
        if not province or not commune or f"{path}.commune" in errors:
            continue
        loaded = communes(province, today)
        if loaded and commune not in loaded:
            _add(
                errors,
                f"{path}.commune",
                _(
                    "Xã, phường “%(commune)s” không thuộc %(province)s: "
                    "vui lòng chọn trong danh sách."
                )
                % {"commune": commune, "province": province},
            )


def _comparable(left: Any, right: Any):
    a, b = as_date(left), as_date(right)
    if a and b:
        return a, b
    numbers = (int, float)
    if (
        isinstance(left, numbers)
        and isinstance(right, numbers)
        and not isinstance(left, bool)
        and not isinstance(right, bool)
    ):
        return left, right
    return None


def _holds(kind: str, left: Any, right: Any) -> bool:
    if kind == "different":
        return str(left).strip().casefold() != str(right).strip().casefold()
    pair = _comparable(left, right)
    if pair is None:
        return True  # not comparable: the schema already said what is wrong
    a, b = pair
    return {
        "after": a > b,
        "before": a < b,
        "not_before": a >= b,
        "not_after": a <= b,
    }[kind]


def _age(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _expand(path: str, data: dict) -> list[tuple[int | None, str]]:
    """A rule path's concrete paths: ``members[].x`` → ``members.0.x`` … per item."""
    if "[]" not in path:
        return [(None, path)]
    group, _sep, rest = path.partition("[]")
    items = get_path(data, group)
    count = len(items) if isinstance(items, list) else 0
    return [(index, f"{group}.{index}{rest}") for index in range(count)]


def _at(path: str | None, index: int | None) -> str | None:
    if path is None or "[]" not in path:
        return path
    return path.replace("[]", f".{index}", 1) if index is not None else None


def check_rules(rules: list[dict], data: dict, errors: dict, today: dt.date) -> None:
    for rule in rules or []:
        kind = str(rule.get("rule", "")).removeprefix("each_")
        for index, path in _expand(rule.get("field", ""), data):
            if path in errors:
                continue  # the value itself is wrong: say that first
            value = get_path(data, path)
            if is_empty(value):
                continue
            if kind == "age_at_least":
                at = rule.get("at", "today")
                on = today if at == "today" else as_date(get_path(data, _at(at, index) or ""))
                birth = as_date(value)
                if birth and on and _age(birth, on) < int(rule.get("years", 0)):
                    _add(errors, path, rule["message"])
                continue
            if kind in (*COMPARISONS, "different"):
                other_path = _at(rule.get("other"), index)
                other = get_path(data, other_path) if other_path else None
                if not is_empty(other) and not _holds(kind, value, other):
                    _add(errors, path, rule["message"])


# --- the entry points -------------------------------------------------------------


def _validate(
    fields: list[dict],
    compiled: Compiled,
    rules: list[dict],
    data: Any,
    *,
    strict: bool,
    today: dt.date | None,
) -> dict[str, list[str]]:
    today = today or dt.date.today()
    errors: dict[str, list[str]] = {}
    if data is not None and not isinstance(data, dict):
        return {"": [_("Dữ liệu biểu mẫu phải là một đối tượng JSON.")]}
    cleaned = _prune(fields, _clean_object(fields, data or {}, None))
    # Data that passes the fast test has no schema error to report (``validators``).
    passes = compiled.passes
    fine = passes is not None and passes(cleaned)
    for error in () if fine else compiled.validator.iter_errors(cleaned):
        segments = list(error.absolute_path)
        if error.validator == "required":
            if not strict:
                continue
            segments.append(_missing_property(error))
            field, owner = locate(fields, segments)
            message = required_message(field, owner) if field else _("Thiếu thông tin.")
        elif error.validator == "minItems" and not strict:
            continue
        else:
            field, owner = locate(fields, segments)
            if field is None:
                continue
            message = _message(error, field, owner)
        _add(errors, ".".join(str(s) for s in segments), message)
    _check_date_bounds(fields, cleaned, errors, today)
    _check_communes(fields, cleaned, errors, today)
    check_rules(rules, cleaned, errors, today)
    return errors


def validate_data(
    defn: Any, data: Any, strict: bool = True, today: dt.date | None = None
) -> dict[str, list[str]]:
    """``{path: [Vietnamese message, ...]}`` ({} when valid). ``strict=False`` (a draft)
    lets required fields be missing. Hidden fields are not checked."""
    defn = upgrade(defn)
    fields = top_fields(defn)
    with reads_once():
        # The provinces and the communes of the provinces chosen: one query.
        if isinstance(data, dict):
            read_with_communes(
                [value.get("province") for *_, value in _address_values(fields, data)],
                today or dt.date.today(),
            )
        return _validate(
            fields,
            compiled_validator(defn),
            defn.get("rules") or [],
            data,
            strict=strict,
            today=today,
        )


def validate_decision(defn: Any, data: Any, today: dt.date | None = None) -> dict:
    """The same for the decision data (``defn["decision"]``), always strict."""
    defn = upgrade(defn)
    with reads_once():
        return _validate(
            defn.get("decision") or [],
            compiled_validator(defn, decision=True),
            [],
            data,
            strict=True,
            today=today,
        )
