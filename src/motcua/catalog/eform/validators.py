"""The JSON Schema validators of e-form definitions, compiled once and kept.

The validator of a definition is compiled once per process and kept (the last
``COMPILED_KEPT`` definitions, by their content): a published version's e-form never
changes, so each check after the first costs only the walk over the data. A kept
validator is used only while the code lists it enumerates read the same (a province
added to the agencies compiles it anew).

Each kept validator comes with a fast test of the same schema: fastjsonschema turns it
into Python code that answers "valid or not" (0.02 ms for the residence form (CT01), where
jsonschema's walk takes 0.25 ms). A form that passes it has no schema error to report,
which is the common case (a complete form, at creation and at submission); any other
form is walked by jsonschema for its messages. The fast test is made only for a schema
whose every keyword means the same in draft 7 (fastjsonschema's newest) as in 2020-12
(``FAST_KEYWORDS``), and it checks formats with jsonschema's own format checker, so
the two agree (``catalog/tests/test_validators.py`` compares them on the real forms).
"""

from __future__ import annotations

import json
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import fastjsonschema
from jsonschema import Draft202012Validator, FormatChecker

from .codelists import codelist
from .compiler import schema_and_lists

FORMAT_CHECKER = FormatChecker()
COMPILED_KEPT = 64


@dataclass(frozen=True)
class Compiled:
    """A kept validator and its fast test (None when there is none)."""

    validator: Draft202012Validator
    passes: Callable[[Any], bool] | None


_compiled: OrderedDict[tuple[str, bool], tuple[dict, Compiled]] = OrderedDict()
_compiled_lock = threading.Lock()

# The keywords (besides the sub-schema ones walked by ``_fast_compatible``) whose
# meaning draft 7 and 2020-12 share; annotations ("x-motcua-…", titles) check nothing.
FAST_KEYWORDS = frozenset(
    {
        "$schema",
        "$comment",
        "title",
        "description",
        "default",
        "examples",
        "type",
        "enum",
        "const",
        "format",
        "pattern",
        "minLength",
        "maxLength",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "minItems",
        "maxItems",
        "uniqueItems",
        "required",
        "minProperties",
        "maxProperties",
    }
)
_SUBSCHEMA = frozenset({"additionalProperties", "not", "if", "then", "else", "propertyNames"})
_SUBSCHEMA_LISTS = frozenset({"allOf", "anyOf", "oneOf"})


def _fast_compatible(schema: Any) -> bool:
    """Whether ``schema`` uses only keywords that draft 7 reads as 2020-12 does."""
    if isinstance(schema, bool):
        return True
    if not isinstance(schema, dict):
        return False
    for key, value in schema.items():
        if key.startswith("x-") or key in FAST_KEYWORDS:
            continue
        if key == "properties":
            ok = isinstance(value, dict) and all(map(_fast_compatible, value.values()))
        elif key == "items":  # a list is a tuple in draft 7, an error in 2020-12
            ok = _fast_compatible(value)
        elif key in _SUBSCHEMA:
            ok = _fast_compatible(value)
        elif key in _SUBSCHEMA_LISTS:
            ok = isinstance(value, list) and all(map(_fast_compatible, value))
        else:
            ok = False  # $ref, $defs, prefixItems, dependentRequired, unevaluated…
        if not ok:
            return False
    return True


def _strict_constants(schema: Any) -> Any:
    """``schema`` with the type of each boolean or number ``const`` stated beside it.

    Python's equality, which fastjsonschema's code uses, takes ``1`` for ``true`` and
    ``true`` for ``1``; jsonschema does not. With the type beside the constant both
    refuse the other type. None when an ``enum`` lists anything but text or null (no
    fast test then)."""
    if isinstance(schema, list):
        items = [_strict_constants(item) for item in schema]
        return None if any(item is None for item in items) else items
    if not isinstance(schema, dict):
        return schema
    out = {}
    for key, value in schema.items():
        if key == "enum" and not all(v is None or isinstance(v, str) for v in value):
            return None
        if key in ("const", "enum", "default", "examples") or not isinstance(value, dict | list):
            out[key] = value
            continue
        if key == "properties":  # field names, each with its schema (a field may be "enum")
            converted = {name: _strict_constants(sub) for name, sub in value.items()}
            if any(sub is None for sub in converted.values()):
                return None
        else:
            converted = _strict_constants(value)
        if converted is None:
            return None
        out[key] = converted
    constant = schema.get("const", None)
    if "const" in schema and "type" not in schema:
        if isinstance(constant, bool):
            out["type"] = "boolean"
        elif isinstance(constant, int | float):
            out["type"] = "number"
    return out


def _fast_test(schema: dict) -> Callable[[Any], bool] | None:
    """A function telling whether data passes ``schema`` (a checking schema), or None
    when fastjsonschema cannot read it as jsonschema does."""
    if not _fast_compatible(schema):
        return None
    schema = _strict_constants(schema)
    if schema is None:
        return None
    formats = {
        name: partial(FORMAT_CHECKER.conforms, format=name) for name in FORMAT_CHECKER.checkers
    }
    try:
        test = fastjsonschema.compile(
            {**schema, "$schema": "http://json-schema.org/draft-07/schema#"},
            formats=formats,
            use_default=False,  # never fill defaults into the data
        )
    except (fastjsonschema.JsonSchemaDefinitionException, ValueError, KeyError):
        return None

    def passes(data: Any) -> bool:
        try:
            test(data)
        except fastjsonschema.JsonSchemaValueException:
            return False
        return True

    return passes


def _for_checking(schema: Any) -> Any:
    """``schema`` with each choice list (``oneOf`` of ``const``s with titles) as the
    ``enum`` of its values: the same verdict and message ("chọn trong danh sách"), one
    check instead of one failed sub-schema per other choice."""
    if isinstance(schema, list):
        return [_for_checking(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    choices = schema.get("oneOf")
    if (
        isinstance(choices, list)
        and choices
        and all(
            isinstance(c, dict) and "const" in c and set(c) <= {"const", "title"} for c in choices
        )
    ):
        values = [c["const"] for c in choices]
        if len({json.dumps(v, sort_keys=True) for v in values}) == len(values):
            rest = {k: _for_checking(v) for k, v in schema.items() if k != "oneOf"}
            return {**rest, "enum": values}
    return {k: _for_checking(v) for k, v in schema.items()}


def _content_key(defn: dict) -> bytes | str:
    """Bytes that only an equal definition gives (key order included: a definition read
    back from the database keeps it): its pickle, four times faster to make than its
    JSON text (0.02 against 0.08 ms for the residence form); the JSON text for a
    definition holding something pickle cannot write."""
    try:
        return pickle.dumps(defn, protocol=5)
    except (pickle.PicklingError, TypeError, AttributeError):
        return json.dumps(defn, default=str)


def compiled_validator(defn: dict, *, decision: bool = False) -> Compiled:
    """The JSON Schema validator of ``defn`` (an upgraded definition) and its fast test,
    compiled once and kept while the code lists it enumerates are unchanged."""
    key = (_content_key(defn), decision)
    with _compiled_lock:
        kept = _compiled.get(key)
        if kept is not None:
            _compiled.move_to_end(key)
    if kept is not None:
        lists, validator = kept
        if all(codelist(name) == values for name, values in lists.items()):
            return validator
    schema, lists = schema_and_lists(defn, decision=decision)
    checking = _for_checking(schema)
    validator = Compiled(
        Draft202012Validator(checking, format_checker=FORMAT_CHECKER), _fast_test(checking)
    )
    with _compiled_lock:
        _compiled[key] = (lists, validator)
        _compiled.move_to_end(key)
        while len(_compiled) > COMPILED_KEPT:
            _compiled.popitem(last=False)
    return validator
