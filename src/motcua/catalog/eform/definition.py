"""The e-form definition (``motcua-eform/2``): its meta-schema, its checks, walking it,
and the upgrade of the legacy flat list of fields.

See docs/EFORMS.md. A definition is layout (sections, labels, conditions, blocks)
plus fields; ``compiler.json_schema`` turns it into a JSON Schema of the data.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from jsonschema import Draft202012Validator

from ..models import Registry

FORMAT = "motcua-eform/2"
NAME_PATTERN = r"^[a-z][a-z0-9_]{0,62}$"
NAME_RE = re.compile(NAME_PATTERN)
SCALAR_TYPES = (
    "text",
    "textarea",
    "number",
    "money",
    "date",
    "email",
    "phone",
    "select",
    "radio",
    "checkboxes",
    "yesno",
    "checkbox",
)
BLOCK_TYPES = ("person", "address")
FIELD_TYPES = (*SCALAR_TYPES, *BLOCK_TYPES, "group")
CHOICE_TYPES = ("select", "radio", "checkboxes")
CODELISTS = ("ethnicities", "nationalities", "vsic", "provinces", "relationships", "id_documents")
RULES = ("after", "before", "not_before", "not_after", "age_at_least", "different")
COMPARISONS = ("after", "before", "not_before", "not_after")
PREFILL_RELATIONS = ("self", "spouse", "father", "mother", "child", "wife", "husband")
EID = "eid"
EID_ATTRIBUTES = ("phone", "email")
TEXT_MAX = {"text": 500, "textarea": 4000}
GROUP_MAX_ITEMS = 20

SEX_CHOICES = [["nam", "Nam"], ["nu", "Nữ"]]
PERSON_ID_PATTERN = r"^[0-9]{12}$"
PHONE_PATTERN = r"^(?:\+84|0)(?:[ .\-]?[0-9]){9,10}$"
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
DATE_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"

# The parts of the person and address blocks, as fields (labels as on the paper forms).
PERSON_PARTS: dict[str, dict[str, Any]] = {
    "full_name": {"type": "text", "label": "Họ, chữ đệm và tên", "max_length": 100},
    "birth_date": {"type": "date", "label": "Ngày sinh", "max": "today"},
    "sex": {"type": "radio", "label": "Giới tính", "choices": SEX_CHOICES},
    "personal_id": {
        "type": "text",
        "label": "Số định danh cá nhân",
        "pattern": PERSON_ID_PATTERN,
        "pattern_message": "Số định danh cá nhân gồm 12 chữ số.",
    },
    "ethnicity": {"type": "select", "label": "Dân tộc", "codelist": "ethnicities"},
    "nationality": {"type": "select", "label": "Quốc tịch", "codelist": "nationalities"},
    "residence": {"type": "address", "label": "Nơi cư trú"},
}
PERSON_DEFAULT_REQUIRED = ("full_name", "birth_date", "sex", "personal_id")
ADDRESS_PARTS: dict[str, dict[str, Any]] = {
    "province": {"type": "select", "label": "Tỉnh, thành phố", "codelist": "provinces"},
    "commune": {"type": "text", "label": "Xã, phường, đặc khu", "max_length": 255},
    "detail": {
        "type": "text",
        "label": "Số nhà, đường phố, thôn, tổ dân phố",
        "max_length": 500,
    },
}
ADDRESS_REQUIRED = ("province", "commune", "detail")


# --- the meta-schema -------------------------------------------------------

_CONDITION = {
    "type": "object",
    "required": ["field"],
    "properties": {
        "field": {"type": "string", "pattern": r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$"},
        "equals": {},
        "in": {"type": "array", "minItems": 1},
        "filled": {"const": True},
    },
    "additionalProperties": False,
    "oneOf": [{"required": ["equals"]}, {"required": ["in"]}, {"required": ["filled"]}],
}
_BOUND = {"anyOf": [{"type": "number"}, {"type": "string"}]}
_FIELD_PROPERTIES = {
    "name": {"type": "string", "pattern": NAME_PATTERN},
    "label": {"type": "string", "minLength": 1, "maxLength": 500},
    "type": {"enum": list(FIELD_TYPES)},
    "required": {"type": "boolean"},
    "help": {"type": "string"},
    "when": _CONDITION,
    "source": {"type": "string", "pattern": r"^[a-z_]+\.[a-z][a-z0-9_]*$"},
    "choices": {
        "type": "array",
        "minItems": 1,
        "items": {
            "type": "array",
            "prefixItems": [{"type": ["string", "number", "boolean"]}, {"type": "string"}],
            "minItems": 2,
            "maxItems": 2,
        },
    },
    "codelist": {"type": "string"},
    "min": _BOUND,
    "max": _BOUND,
    "min_length": {"type": "integer", "minimum": 0},
    "max_length": {"type": "integer", "minimum": 1},
    "pattern": {"type": "string"},
    "pattern_message": {"type": "string"},
    "default": {},
    "parts": {"type": "array", "items": {"enum": list(PERSON_PARTS)}, "uniqueItems": True},
    "required_parts": {
        "type": "array",
        "items": {"enum": list(PERSON_PARTS)},
        "uniqueItems": True,
    },
    "prefill": {"enum": list(PREFILL_RELATIONS)},
    "min_items": {"type": "integer", "minimum": 0},
    "max_items": {"type": "integer", "minimum": 1},
    "item_label": {"type": "string"},
    "width": {"enum": ["half", "full"]},
    "internal": {"type": "boolean"},
}
META_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://motcua.vn/schemas/motcua-eform-2.json",
    "title": "MotCua e-form definition (motcua-eform/2)",
    "type": "object",
    "required": ["format", "sections"],
    "properties": {
        "format": {"const": FORMAT},
        "title": {"type": "string"},
        "legal_form": {"type": "string"},
        "replaces": {"type": "array", "items": {"type": "string"}},
        "sections": {"type": "array", "items": {"$ref": "#/$defs/section"}},
        "rules": {"type": "array", "items": {"$ref": "#/$defs/rule"}},
        "decision": {"type": "array", "items": {"$ref": "#/$defs/field"}},
        "result_data": {
            "type": "object",
            "properties": {"registry": {"type": "string"}, "action": {"type": "string"}},
        },
    },
    "$defs": {
        "section": {
            "type": "object",
            "required": ["key", "title", "fields"],
            "properties": {
                "key": {"type": "string", "pattern": NAME_PATTERN},
                "title": {"type": "string", "minLength": 1},
                "help": {"type": "string"},
                "fields": {"type": "array", "items": {"$ref": "#/$defs/field"}},
            },
        },
        "field": {
            "type": "object",
            "required": ["name", "label", "type"],
            "properties": {
                **_FIELD_PROPERTIES,
                "fields": {"type": "array", "items": {"$ref": "#/$defs/item_field"}},
            },
        },
        "item_field": {
            "type": "object",
            "required": ["name", "label", "type"],
            "properties": {
                **_FIELD_PROPERTIES,
                "type": {"enum": [t for t in FIELD_TYPES if t != "group"]},
            },
        },
        "rule": {
            "type": "object",
            "required": ["rule", "field", "message"],
            "properties": {
                "rule": {"type": "string"},
                "field": {"type": "string"},
                "other": {"type": "string"},
                "years": {"type": "integer", "minimum": 0},
                "at": {"type": "string"},
                "message": {"type": "string", "minLength": 1},
            },
        },
    },
}


@functools.cache
def _meta_validator() -> Draft202012Validator:
    """The validator of definitions, built when first needed (checking the meta-schema
    itself at import cost every process 50 ms; ``catalog/tests/test_eform.py`` checks it)."""
    return Draft202012Validator(META_SCHEMA)


# --- reading a definition --------------------------------------------------


def is_v2(obj: Any) -> bool:
    return isinstance(obj, dict) and obj.get("format") == FORMAT


def top_fields(defn: dict) -> list[dict]:
    """The top-level fields of every section, in order."""
    return [
        field
        for section in defn.get("sections") or []
        if isinstance(section, dict)
        for field in section.get("fields") or []
        if isinstance(field, dict)
    ]


def person_parts(field: dict) -> list[str]:
    parts = field.get("parts") or list(PERSON_PARTS)
    return [p for p in PERSON_PARTS if p in parts]


def person_required_parts(field: dict) -> list[str]:
    shown = person_parts(field)
    wanted = field.get("required_parts")
    if wanted is None:
        wanted = PERSON_DEFAULT_REQUIRED
    return [p for p in shown if p in wanted]


def part_field(block: dict, part: str) -> dict:
    """A block's part as a field dict (``required`` when the block requires it)."""
    if block.get("type") == "person":
        spec = {"name": part, **PERSON_PARTS[part]}
        spec["required"] = bool(block.get("required")) and part in person_required_parts(block)
    else:
        spec = {"name": part, **ADDRESS_PARTS[part]}
        spec["required"] = bool(block.get("required")) and part in ADDRESS_REQUIRED
    return spec


def block_parts(block: dict) -> list[dict]:
    if block.get("type") == "person":
        return [part_field(block, p) for p in person_parts(block)]
    if block.get("type") == "address":
        return [part_field(block, p) for p in ADDRESS_PARTS]
    return []


def group_min_items(field: dict) -> int:
    default = 1 if field.get("required") else 0
    return int(field.get("min_items", default))


def group_max_items(field: dict) -> int:
    return int(field.get("max_items", GROUP_MAX_ITEMS))


def _leaves(fields: list[dict], prefix: str) -> Iterator[tuple[str, dict]]:
    for field in fields:
        path = prefix + field["name"]
        kind = field.get("type")
        if kind == "person":
            yield from _leaves(block_parts(field), path + ".")
        elif kind == "group":
            yield from _leaves(field.get("fields") or [], path + "[].")
        else:
            yield path, field


def leaf_fields(defn: dict, decision: bool = False) -> list[tuple[str, dict]]:
    """[(path, field)] of every value-holding field: scalar fields, the parts of a
    person block (``mother.full_name``), an address as one value, and the fields of a
    group as ``members[].full_name``. With ``decision=True``, the decision fields."""
    defn = upgrade(defn)
    fields = (defn.get("decision") or []) if decision else top_fields(defn)
    return list(_leaves([f for f in fields if isinstance(f, dict) and f.get("name")], ""))


def replaced_components(defn: Any) -> list[str]:
    """The names of the procedure components the e-form replaces (no scan asked)."""
    if not is_v2(defn):
        return []
    return [name for name in defn.get("replaces") or [] if isinstance(name, str)]


def legacy_fields(defn: Any) -> list[dict]:
    """The top-level scalar fields in the OLD flat format (name, label, type,
    required, source, choices), for code that still reads a list of fields.

    Types are mapped to the old vocabulary (money → number, radio → select, yes/no →
    checkbox); blocks, groups and multiple choices are left out."""
    from .codelists import codelist

    if isinstance(defn, list):
        return [dict(f) for f in defn if isinstance(f, dict)]
    old_type = {"money": "number", "radio": "select", "yesno": "checkbox"}
    fields = []
    for field in top_fields(upgrade(defn)):
        kind = field.get("type")
        if kind not in SCALAR_TYPES or kind == "checkboxes":
            continue
        spec = {
            "name": field["name"],
            "label": field.get("label", field["name"]),
            "type": old_type.get(kind, kind),
            "required": bool(field.get("required")),
        }
        if field.get("source"):
            spec["source"] = field["source"]
        if kind in ("select", "radio"):
            spec["choices"] = (
                codelist(field["codelist"]) if field.get("codelist") else field.get("choices")
            )
        fields.append(spec)
    return fields


# --- the legacy flat list --------------------------------------------------

LEGACY_SECTIONS = (
    ("applicant", "Thông tin người nộp hồ sơ"),
    ("business", "Thông tin doanh nghiệp"),
    ("land", "Thông tin thửa đất"),
    ("request", "Nội dung đề nghị"),
)
_APPLICANT_NAMES = {
    "full_name",
    "personal_id",
    "birth_date",
    "permanent_address",
    "phone",
    "email",
    "sex",
    "ethnicity",
    "nationality",
}
_BUSINESS_NAMES = {"tax_code", "business_name", "head_office"}
_LAND_NAMES = {"land_parcel"}


def _legacy_section(field: dict) -> str:
    name = field.get("name") if isinstance(field.get("name"), str) else ""
    source = str(field.get("source") or "").split(".")[0]
    if name in _BUSINESS_NAMES or source == Registry.BUSINESS:
        return "business"
    if name in _LAND_NAMES or source == Registry.LAND:
        return "land"
    if name in _APPLICANT_NAMES or source in (Registry.POPULATION, EID):
        return "applicant"
    return "request"


def upgrade(old: Any) -> dict:
    """A legacy flat list of fields → a v2 definition with the same names and keys
    (so old dossiers' flat ``form_data`` stays valid). Identity on a v2 definition."""
    if is_v2(old):
        return old
    if old is None or old == {}:
        old = []
    if not isinstance(old, list):
        return old  # not a form definition; validate_definition says why
    placed: dict[str, list] = {key: [] for key, _title in LEGACY_SECTIONS}
    for field in old:
        spec = copy.deepcopy(field)
        placed[_legacy_section(spec) if isinstance(spec, dict) else "request"].append(spec)
    return {
        "format": FORMAT,
        "sections": [
            {"key": key, "title": title, "fields": placed[key]}
            for key, title in LEGACY_SECTIONS
            if placed[key]
        ],
        "rules": [],
    }


# --- checking a definition -------------------------------------------------


def _where(defn: dict, path: list) -> str:
    """A Vietnamese description of where in the definition ``path`` points."""
    node: Any = defn
    where = _("Biểu mẫu")
    for index, key in enumerate(path):
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(key, int) and index > 0:
            parent = path[index - 1]
            if parent in ("fields", "decision") and isinstance(node, dict):
                where = _("Trường “%(name)s”") % {"name": node.get("name") or f"#{key + 1}"}
            elif parent == "sections" and isinstance(node, dict):
                where = _("Phần “%(title)s”") % {"title": node.get("title") or f"#{key + 1}"}
            elif parent == "rules":
                where = _("Quy tắc thứ %(n)d") % {"n": key + 1}
    return where


def _meta_message(defn: dict, error) -> str:
    path = list(error.absolute_path)
    where = _where(defn, path)
    key = path[-1] if path else ""
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        if missing == "label":
            return _("%(where)s thiếu nhãn hiển thị.") % {"where": where}
        return _("%(where)s thiếu “%(key)s”.") % {"where": where, "key": missing}
    if key == "type" and error.validator == "enum":
        return _("%(where)s: kiểu “%(type)s” không được hỗ trợ.") % {
            "where": where,
            "type": error.instance,
        }
    if key in ("name", "key") and error.validator == "pattern":
        return _("%(where)s: tên “%(name)s” chỉ gồm chữ thường không dấu, số và “_”.") % {
            "where": where,
            "name": error.instance,
        }
    if key == "format":
        return _("Biểu mẫu phải có “format”: “%(format)s”.") % {"format": FORMAT}
    if key == "label":
        return _("%(where)s thiếu nhãn hiển thị.") % {"where": where}
    if key == "choices" or "choices" in path:
        return _("%(where)s: danh sách chọn phải gồm các cặp [giá trị, nhãn].") % {"where": where}
    if key == "when" or "when" in path:
        return _(
            "%(where)s: điều kiện hiển thị phải có dạng "
            "{“field”: tên, “equals”: giá trị | “in”: [...] | “filled”: true}."
        ) % {"where": where}
    if key == "source":
        return _("%(where)s: nguồn dữ liệu “%(source)s” không hợp lệ.") % {
            "where": where,
            "source": error.instance,
        }
    if key == "prefill":
        return _("%(where)s: quan hệ điền sẵn “%(value)s” không được hỗ trợ.") % {
            "where": where,
            "value": error.instance,
        }
    if "parts" in path or "required_parts" in path:
        return _("%(where)s: thành phần “%(value)s” không có trong khối thông tin cá nhân.") % {
            "where": where,
            "value": error.instance,
        }
    label = ".".join(str(p) for p in path) or _("biểu mẫu")
    return _("%(where)s: giá trị “%(key)s” không hợp lệ.") % {"where": where, "key": label}


def _check_pattern(pattern: Any) -> bool:
    try:
        re.compile(pattern)
    except (re.error, TypeError):
        return False
    return True


def _check_fields(
    fields: list[dict],
    errors: list[str],
    *,
    top_names: dict[str, dict],
    in_group: bool,
    names_seen: set[str],
) -> None:
    """Semantic checks the meta-schema cannot make, for one list of sibling fields."""
    registries = {*Registry.values, EID}
    siblings = {f.get("name"): f for f in fields if isinstance(f, dict)}
    for field in fields:
        if not isinstance(field, dict):
            continue
        name, kind = field.get("name"), field.get("type")
        where = _("Trường “%(name)s”") % {"name": name}
        if name in names_seen:
            errors.append(_("Trường “%(name)s” bị trùng tên.") % {"name": name})
        names_seen.add(name)
        if kind in CHOICE_TYPES and not field.get("choices") and not field.get("codelist"):
            errors.append(_("%(where)s: danh sách chọn trống.") % {"where": where})
        if field.get("codelist") and field["codelist"] not in CODELISTS:
            errors.append(
                _("%(where)s: danh mục “%(codelist)s” không tồn tại.")
                % {"where": where, "codelist": field["codelist"]}
            )
        if field.get("pattern") is not None and not _check_pattern(field["pattern"]):
            errors.append(
                _("%(where)s: biểu thức kiểm tra “%(pattern)s” không hợp lệ.")
                % {"where": where, "pattern": field["pattern"]}
            )
        source = field.get("source")
        if source:
            registry, _dot, attribute = str(source).partition(".")
            if registry not in registries or (registry == EID and attribute not in EID_ATTRIBUTES):
                errors.append(
                    _("%(where)s: nguồn dữ liệu “%(source)s” không hợp lệ.")
                    % {"where": where, "source": source}
                )
            elif kind in ("person", "group") or in_group:
                errors.append(
                    _("%(where)s: chỉ trường đơn ở cấp ngoài cùng mới được điền sẵn từ “source”.")
                    % {"where": where}
                )
        if kind == "date":
            for key in ("min", "max"):
                bound = field.get(key)
                if bound is not None and bound != "today" and not _is_iso_date(bound):
                    errors.append(
                        _("%(where)s: “%(key)s” phải là ngày dạng YYYY-MM-DD hoặc “today”.")
                        % {"where": where, "key": key}
                    )
        elif kind in ("number", "money"):
            for key in ("min", "max"):
                if field.get(key) is not None and not _is_number(field[key]):
                    errors.append(
                        _("%(where)s: “%(key)s” phải là một số.") % {"where": where, "key": key}
                    )
        if kind == "group":
            low, high = group_min_items(field), group_max_items(field)
            if low > high:
                errors.append(
                    _("%(where)s: số mục tối thiểu lớn hơn số mục tối đa.") % {"where": where}
                )
            _check_fields(
                field.get("fields") or [],
                errors,
                top_names=top_names,
                in_group=True,
                names_seen=set(),
            )
        if kind == "person" and field.get("required_parts"):
            extra = set(field["required_parts"]) - set(person_parts(field))
            if extra:
                errors.append(
                    _("%(where)s: thành phần bắt buộc “%(parts)s” không được hiển thị.")
                    % {"where": where, "parts": ", ".join(sorted(extra))}
                )
        when = field.get("when")
        if isinstance(when, dict) and isinstance(when.get("field"), str):
            scope = {**top_names, **siblings} if in_group else top_names
            if when["field"] == name or not _condition_target(when["field"], scope):
                errors.append(
                    _("%(where)s: điều kiện hiển thị tham chiếu trường “%(ref)s” không tồn tại.")
                    % {"where": where, "ref": when["field"]}
                )


def _condition_target(path: str, scope: dict[str, dict]) -> dict | None:
    """The field a condition's ``field`` path names, or None."""
    head, _dot, rest = path.partition(".")
    field = scope.get(head)
    if field is None or not rest:
        return field
    return _part_target(field, rest)


def _part_target(field: dict, rest: str) -> dict | None:
    head, _dot, tail = rest.partition(".")
    if field.get("type") == "person" and head in person_parts(field):
        part = part_field(field, head)
    elif field.get("type") == "address" and head in ADDRESS_PARTS:
        part = part_field(field, head)
    else:
        return None
    return _part_target(part, tail) if tail else part


def _is_iso_date(value: Any) -> bool:
    import datetime as dt

    try:
        dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return bool(re.fullmatch(DATE_PATTERN, value))


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _rule_paths(defn: dict) -> set[str]:
    paths = set()
    for path, _field in leaf_fields(defn):
        paths.add(path)
    for field in top_fields(defn):
        if field.get("type") == "person" and "residence" in person_parts(field):
            for part in ADDRESS_PARTS:
                paths.add(f"{field['name']}.residence.{part}")
        if field.get("type") == "address":
            for part in ADDRESS_PARTS:
                paths.add(f"{field['name']}.{part}")
    return paths


def _check_rules(defn: dict, errors: list[str]) -> None:
    paths = _rule_paths(defn)
    for index, rule in enumerate(defn.get("rules") or [], start=1):
        if not isinstance(rule, dict):
            continue
        where = _("Quy tắc thứ %(n)d") % {"n": index}
        kind = str(rule.get("rule", ""))
        base = kind.removeprefix("each_")
        if base not in RULES:
            errors.append(
                _("%(where)s: loại quy tắc “%(rule)s” không được hỗ trợ.")
                % {"where": where, "rule": kind}
            )
            continue
        refs = [("field", rule.get("field"))]
        if base == "age_at_least":
            if not isinstance(rule.get("years"), int):
                errors.append(_("%(where)s: thiếu số tuổi “years”.") % {"where": where})
            if rule.get("at", "today") != "today":
                refs.append(("at", rule.get("at")))
        else:
            refs.append(("other", rule.get("other")))
        for key, ref in refs:
            if ref not in paths:
                errors.append(
                    _("%(where)s: “%(key)s” tham chiếu trường “%(ref)s” không tồn tại.")
                    % {"where": where, "key": key, "ref": ref}
                )
        groups = {str(ref).split("[]")[0] for _key, ref in refs if "[]" in str(ref)}
        if len(groups) > 1:
            errors.append(
                _("%(where)s: không so sánh được các trường của hai nhóm khác nhau.")
                % {"where": where}
            )


def validate_definition(defn: Any) -> None:
    """Raise ValidationError (Vietnamese, one message per problem) unless ``defn`` is a
    valid ``motcua-eform/2`` definition. A legacy list is upgraded first."""
    defn = upgrade(defn)
    if not isinstance(defn, dict):
        raise ValidationError(_("Biểu mẫu phải là một định nghĩa biểu mẫu (đối tượng JSON)."))
    errors = []
    for error in sorted(
        _meta_validator().iter_errors(defn), key=lambda e: [str(p) for p in e.absolute_path]
    ):
        message = _meta_message(defn, error)
        if message not in errors:
            errors.append(message)
    if errors:
        raise ValidationError(errors)
    top = top_fields(defn)
    top_names = {f["name"]: f for f in top}
    _check_fields(top, errors, top_names=top_names, in_group=False, names_seen=set())
    keys = [s.get("key") for s in defn.get("sections") or []]
    for key in sorted({k for k in keys if keys.count(k) > 1}):
        errors.append(_("Phần “%(key)s” bị trùng khóa.") % {"key": key})
    decision = [f for f in defn.get("decision") or [] if isinstance(f, dict)]
    _check_fields(
        decision,
        errors,
        top_names={f["name"]: f for f in decision},
        in_group=False,
        names_seen=set(),
    )
    _check_rules(defn, errors)
    result = defn.get("result_data")
    if result and result.get("registry") and result["registry"] not in Registry.values:
        errors.append(
            _("Dữ liệu kết quả: cơ sở dữ liệu “%(registry)s” không tồn tại.")
            % {"registry": result["registry"]}
        )
    if errors:
        raise ValidationError(errors)
