"""Compile a definition to the JSON Schema (draft 2020-12) of its data.

Conditions (``when``) become ``if``/``then`` (required only when shown), blocks nested
objects, groups arrays, choices ``oneOf`` of ``const``s with titles, code lists
``enum``s; the cross-field rules travel as the extension keyword ``x-motcua-rules``.
Empty values ("" and null, an empty list, an unticked consent box) are treated as
absent by the engine, so the schema describes data without them.
"""

from __future__ import annotations

from typing import Any

from .codelists import codelist
from .definition import (
    DATE_PATTERN,
    EMAIL_PATTERN,
    FORMAT,
    PHONE_PATTERN,
    TEXT_MAX,
    block_parts,
    group_max_items,
    group_min_items,
    top_fields,
    upgrade,
)

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
EMPTY_VALUES = ["", None, [], {}]


def field_schema(field: dict, lists: dict[str, list] | None = None) -> dict[str, Any]:
    """The JSON Schema of one field's value."""
    lists = {} if lists is None else lists
    kind = field.get("type", "text")
    schema: dict[str, Any] = {"title": field.get("label") or field.get("name")}
    if field.get("help"):
        schema["description"] = field["help"]
    if kind in ("text", "textarea"):
        schema["type"] = "string"
        schema["maxLength"] = int(field.get("max_length", TEXT_MAX[kind]))
        if field.get("min_length"):
            schema["minLength"] = int(field["min_length"])
        if field.get("pattern"):
            schema["pattern"] = field["pattern"]
    elif kind in ("number", "money"):
        schema["type"] = "integer" if kind == "money" else "number"
        low = field.get("min", 0 if kind == "money" else None)
        if low is not None:
            schema["minimum"] = low
        if field.get("max") is not None:
            schema["maximum"] = field["max"]
    elif kind == "date":
        schema.update({"type": "string", "format": "date", "pattern": DATE_PATTERN})
        for key in ("min", "max"):
            if field.get(key) is not None:
                schema[f"x-motcua-{key}"] = field[key]
    elif kind == "email":
        schema.update(
            {"type": "string", "format": "email", "pattern": EMAIL_PATTERN, "maxLength": 254}
        )
    elif kind == "phone":
        schema.update({"type": "string", "pattern": PHONE_PATTERN, "maxLength": 20})
    elif kind in ("select", "radio", "checkboxes"):
        one = _choice_schema(field, lists)
        if kind == "checkboxes":
            schema.update({"type": "array", "items": one, "uniqueItems": True})
            if field.get("required"):
                schema["minItems"] = 1
        else:
            schema.update(one)
    elif kind in ("yesno", "checkbox"):
        schema["type"] = "boolean"
        if kind == "checkbox" and field.get("required"):
            schema["const"] = True
    elif kind in ("person", "address"):
        parts = block_parts(field)
        schema["type"] = "object"
        schema["properties"] = {p["name"]: field_schema(p, lists) for p in parts}
        required = [p["name"] for p in parts if p.get("required")]
        if required:
            schema["required"] = required
        if kind == "person" and field.get("prefill"):
            schema["x-motcua-prefill"] = field["prefill"]
    elif kind == "group":
        item = object_schema(field.get("fields") or [], lists)
        item["title"] = field.get("item_label") or field.get("label")
        schema.update({"type": "array", "items": item})
        if group_min_items(field):
            schema["minItems"] = group_min_items(field)
        schema["maxItems"] = group_max_items(field)
    if "default" in field:
        schema["default"] = field["default"]
    if field.get("source"):
        schema["x-motcua-source"] = field["source"]
    return schema


def _choice_schema(field: dict, lists: dict[str, list]) -> dict[str, Any]:
    name = field.get("codelist")
    if name:
        if name not in lists:
            lists[name] = codelist(name)
        return {"type": "string", "enum": [value for value, _label in lists[name]]}
    choices = field.get("choices") or []
    if not choices:
        return {"type": "string", "enum": []}
    return {"oneOf": [{"const": value, "title": label} for value, label in choices]}


def condition_schema(when: dict) -> dict[str, Any]:
    """The ``if`` schema of a condition, on the object holding the named field."""
    segments = when["field"].split(".")
    if "equals" in when:
        leaf: dict[str, Any] = {"const": when["equals"]}
    elif "in" in when:
        leaf = {"enum": list(when["in"])}
    else:
        leaf = {"not": {"enum": EMPTY_VALUES}}
    schema = leaf
    for segment in reversed(segments):
        schema = {"properties": {segment: schema}, "required": [segment]}
    return schema


def object_schema(fields: list[dict], lists: dict[str, list]) -> dict[str, Any]:
    """The schema of an object holding ``fields`` (the form, or a group's item); a
    conditional required field becomes ``if``/``then`` in ``allOf``."""
    schema: dict[str, Any] = {"type": "object", "properties": {}}
    required, conditional = [], []
    for field in fields:
        name = field["name"]
        schema["properties"][name] = field_schema(field, lists)
        when = field.get("when")
        if not when:
            if field.get("required"):
                required.append(name)
            continue
        if field.get("required"):
            conditional.append((when, name))
    if required:
        schema["required"] = required
    all_of = []
    for when, name in conditional:
        all_of.append({"if": condition_schema(when), "then": {"required": [name]}})
    if all_of:
        schema["allOf"] = all_of
    return schema


def json_schema(defn: Any, *, decision: bool = False) -> dict[str, Any]:
    """The JSON Schema (2020-12) of the form data (``decision=True``: the decision data)."""
    return schema_and_lists(defn, decision=decision)[0]


def schema_and_lists(defn: Any, *, decision: bool = False) -> tuple[dict, dict[str, list]]:
    """The JSON Schema of :func:`json_schema` and the code lists it enumerates (name →
    [[value, label], …]): the schema holds as long as those lists read the same."""
    defn = upgrade(defn)
    lists: dict[str, list] = {}
    fields = (defn.get("decision") or []) if decision else top_fields(defn)
    schema = object_schema(fields, lists)
    # A group's field shown on a top-level field's value: required on the items then.
    all_of = schema.setdefault("allOf", [])
    for field in fields:
        if field.get("type") != "group":
            continue
        siblings = {f["name"] for f in field.get("fields") or []}
        item_schema = schema["properties"][field["name"]]["items"]
        kept = []
        for entry in item_schema.get("allOf", []):
            head = _condition_head(entry["if"])
            if head in siblings:
                kept.append(entry)
            else:
                all_of.append(
                    {
                        "if": entry["if"],
                        "then": {"properties": {field["name"]: {"items": entry["then"]}}},
                    }
                )
        if kept:
            item_schema["allOf"] = kept
        else:
            item_schema.pop("allOf", None)
    if not all_of:
        schema.pop("allOf")
    title = defn.get("title") or ""
    result: dict[str, Any] = {"$schema": SCHEMA_DIALECT}
    if title:
        result["title"] = title + (" — kết quả thẩm định" if decision else "")
    result.update(schema)
    result["x-motcua-format"] = FORMAT
    if not decision:
        result["x-motcua-rules"] = list(defn.get("rules") or [])
    return result, lists


def _condition_head(if_schema: dict) -> str:
    return next(iter(if_schema["properties"]))


def decision_schema(defn: Any) -> dict[str, Any]:
    """The JSON Schema of the decision data the specialist records."""
    return json_schema(defn, decision=True)
