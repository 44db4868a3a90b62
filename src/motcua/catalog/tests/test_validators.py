"""The fast test of an e-form schema (fastjsonschema) never passes data that jsonschema's
validator would refuse: compared on the real tờ khai (catalog/data/forms), their demo
data and thousands of damaged copies of it."""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest

from motcua.catalog import eform, forms_library
from motcua.catalog.eform.validators import _fast_compatible, compiled_validator
from motcua.demo.form_data import sample_decision_data, sample_form_data

from .test_forms_library import FATHER, MOTHER

pytestmark = pytest.mark.django_db

# Values a damaged form may carry instead of the right one: wrong types, empty,
# overlong, impossible dates, text around a valid value, a trailing newline.
BAD_VALUES = [
    None,
    "",
    " ",
    0,
    -1,
    1.5,
    10**12,
    True,
    False,
    [],
    {},
    ["x"],
    "x" * 600,
    "2025-02-30",
    "2025-13-01",
    "31/12/2024",
    "0912345678\n",
    "027195001234\n",
    "abc@",
    "không có",
]


def _paths(data: Any, prefix: tuple = ()) -> list[tuple]:
    found = [prefix] if prefix else []
    if isinstance(data, dict):
        for key, value in data.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += _paths(value, (*prefix, index))
    return found


def _damaged(data: dict, rng: random.Random) -> dict:
    """A copy of ``data`` with one to three values replaced, removed or duplicated."""
    copied = copy.deepcopy(data)
    for _ in range(rng.randint(1, 3)):
        paths = _paths(copied)
        if not paths:
            break
        *parent_path, last = rng.choice(paths)
        parent = copied
        for step in parent_path:
            parent = parent[step]
        roll = rng.random()
        if roll < 0.15 and isinstance(parent, dict):
            del parent[last]
        elif roll < 0.25 and isinstance(parent[last], list) and parent[last]:
            parent[last].append(copy.deepcopy(parent[last][0]))  # a duplicated item
        elif roll < 0.3 and isinstance(parent, dict):
            parent[f"unknown_{rng.randint(1, 9)}"] = "x"
        else:
            parent[last] = copy.deepcopy(rng.choice(BAD_VALUES))
    return copied


def _compare(compiled, samples: list[dict], rng: random.Random) -> tuple[int, int]:
    """(damaged copies refused, damaged copies the fast test let through), asserting
    that jsonschema finds no error in any copy the fast test passes."""
    refused = passed = 0
    for sample in samples:
        assert compiled.passes(sample)
        assert not list(compiled.validator.iter_errors(sample))
        for _ in range(150):
            damaged = _damaged(sample, rng)
            errors = list(compiled.validator.iter_errors(damaged))
            if compiled.passes(damaged):
                passed += 1
                assert errors == [], (damaged, [e.message for e in errors])
            else:
                refused += 1
    return refused, passed


@pytest.mark.parametrize("code", forms_library.codes())
def test_the_fast_test_agrees_with_jsonschema(code):
    definition = eform.upgrade(forms_library.definition_for(code))
    rng = random.Random(code)
    forms, decisions = [], []
    for applicant in (MOTHER, FATHER):
        for seed in range(3):
            data = sample_form_data(code, applicant, random.Random(seed))
            forms.append(data)
            decision = sample_decision_data(code, data, random.Random(seed))
            if decision is not None:
                decisions.append(decision)
    form = compiled_validator(definition)
    assert form.passes is not None, "every real tờ khai gets the fast test"
    refused, _passed = _compare(form, forms, rng)
    assert refused > 100  # the damage is mostly of the kind the schema refuses
    if decisions:
        decision = compiled_validator(definition, decision=True)
        assert decision.passes is not None
        _compare(decision, decisions, rng)


def test_a_schema_draft_7_reads_otherwise_gets_no_fast_test():
    assert _fast_compatible({"type": "object", "properties": {"a": {"type": "string"}}})
    assert not _fast_compatible({"prefixItems": [{"type": "string"}]})
    assert not _fast_compatible({"items": [{"type": "string"}]})  # a tuple in draft 7
    assert not _fast_compatible({"properties": {"a": {"$ref": "#/$defs/a"}}})
    assert not _fast_compatible({"allOf": [{"dependentRequired": {"a": ["b"]}}]})


def test_a_form_the_fast_test_refuses_is_still_told_every_problem():
    definition = forms_library.definition_for("MC.CT.01")
    data = sample_form_data("MC.CT.01", MOTHER, random.Random(1))
    data["declarant"]["personal_id"] = "12"
    data["email"] = "abc@"
    errors = eform.validate_data(definition, data, strict=True)
    assert set(errors) >= {"declarant.personal_id", "email"}, errors


def test_true_and_one_are_told_apart_as_jsonschema_tells_them():
    from jsonschema import Draft202012Validator

    from motcua.catalog.eform.validators import _fast_test

    schema = {
        "type": "object",
        "properties": {"married": {"const": True}, "count": {"const": 1}},
        "if": {"properties": {"married": {"const": True}}, "required": ["married"]},
        "then": {"required": ["spouse"]},
        "else": {"required": ["reason"]},
    }
    passes = _fast_test(schema)
    checker = Draft202012Validator(schema)
    for data in (
        {"married": True, "spouse": "x"},
        {"married": 1, "spouse": "x"},
        {"married": 1, "reason": "x"},
        {"count": 1, "reason": "x"},
        {"count": True, "reason": "x"},
        {"count": 1.0, "reason": "x"},
    ):
        if passes(data):
            assert checker.is_valid(data), data
    assert passes({"married": True, "spouse": "x"}) and not passes({"married": 1, "spouse": "x"})
    assert not passes({"count": True, "reason": "x"})
    assert _fast_test({"enum": [1, 2]}) is None  # numbers in a list: jsonschema alone


def test_a_validator_is_kept_per_definition_content():
    import json

    definition = eform.upgrade(forms_library.definition_for("MC.CT.01"))
    same = json.loads(json.dumps(definition))  # read back: equal, other objects
    assert compiled_validator(same) is compiled_validator(definition)
    changed = json.loads(json.dumps(definition))
    changed["title"] = changed.get("title", "") + " (sửa)"
    assert compiled_validator(changed) is not compiled_validator(definition)


def test_a_field_named_like_a_keyword_is_still_a_field():
    from motcua.catalog.eform.validators import _fast_test

    passes = _fast_test({"type": "object", "properties": {"enum": {"const": True}}})
    assert passes({"enum": True}) and not passes({"enum": 1})
