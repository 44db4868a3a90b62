"""The e-form engine: a form definition (``motcua-eform/2``, docs/EFORMS.md) compiled
to JSON Schema 2020-12, data validation with Vietnamese messages, cross-field rules,
display and differences."""

from .codelists import codelist, communes, province_names, reads_once
from .compiler import decision_schema, json_schema
from .definition import (
    FIELD_TYPES,
    FORMAT,
    META_SCHEMA,
    group_min_items,
    is_v2,
    leaf_fields,
    legacy_fields,
    replaced_components,
    top_fields,
    upgrade,
    validate_definition,
)
from .display import diff, display, format_address, format_date, format_value
from .paths import as_date, comparable, get_path, set_path
from .validation import (
    clean_data,
    condition_holds,
    validate_data,
    validate_decision,
    visible_fields,
)

__all__ = [
    "FIELD_TYPES",
    "FORMAT",
    "META_SCHEMA",
    "as_date",
    "clean_data",
    "comparable",
    "condition_holds",
    "codelist",
    "communes",
    "decision_schema",
    "diff",
    "display",
    "format_address",
    "format_date",
    "format_value",
    "get_path",
    "is_v2",
    "json_schema",
    "group_min_items",
    "leaf_fields",
    "legacy_fields",
    "province_names",
    "reads_once",
    "replaced_components",
    "set_path",
    "top_fields",
    "upgrade",
    "validate_data",
    "validate_decision",
    "validate_definition",
    "visible_fields",
]
