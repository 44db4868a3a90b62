"""The JSON Schema validators of e-form definitions, compiled once and kept.

The validator of a definition is compiled once per process and kept (the last
``COMPILED_KEPT`` definitions, by their content): a published version's e-form never
changes, so each check after the first costs only the walk over the data. A kept
validator is used only while the code lists it enumerates read the same (a province
added to the agencies compiles it anew).
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

from .codelists import codelist
from .compiler import schema_and_lists

FORMAT_CHECKER = FormatChecker()
COMPILED_KEPT = 64
_compiled: OrderedDict[tuple[str, bool], tuple[dict, Draft202012Validator]] = OrderedDict()
_compiled_lock = threading.Lock()


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


def compiled_validator(defn: dict, *, decision: bool = False) -> Draft202012Validator:
    """The JSON Schema validator of ``defn`` (an upgraded definition), compiled once and
    kept while the code lists it enumerates are unchanged."""
    key = (json.dumps(defn, sort_keys=True, ensure_ascii=False, default=str), decision)
    with _compiled_lock:
        kept = _compiled.get(key)
        if kept is not None:
            _compiled.move_to_end(key)
    if kept is not None:
        lists, validator = kept
        if all(codelist(name) == values for name, values in lists.items()):
            return validator
    schema, lists = schema_and_lists(defn, decision=decision)
    validator = Draft202012Validator(_for_checking(schema), format_checker=FORMAT_CHECKER)
    with _compiled_lock:
        _compiled[key] = (lists, validator)
        _compiled.move_to_end(key)
        while len(_compiled) > COMPILED_KEPT:
            _compiled.popitem(last=False)
    return validator
