"""What a form definition asks of the registries, for legacy lists and v2 definitions.

A legacy form is a flat list of fields; a v2 definition (``docs/EFORMS.md``) has
``sections`` whose fields are top-level data (paths do not include the section).
Only top-level fields are prefilled: scalar fields with a ``source``, and person
blocks with a ``prefill`` relation.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from motcua.catalog import eform
from motcua.catalog.eform import get_path, set_path  # noqa: F401 (used as forms.get_path)

PERSON_PARTS = (
    "full_name",
    "birth_date",
    "sex",
    "personal_id",
    "ethnicity",
    "nationality",
    "residence",
)
RELATIONS = ("self", "spouse", "father", "mother", "child", "wife", "husband")
EID_ATTRIBUTES = ("phone", "email")


# Translated when asked (one gettext per call, not one per label): the prefill names
# the parts of every person block on each filing.
PART_LABELS = {
    "full_name": gettext_noop("Họ, chữ đệm và tên"),
    "birth_date": gettext_noop("Ngày, tháng, năm sinh"),
    "sex": gettext_noop("Giới tính"),
    "personal_id": gettext_noop("Số định danh cá nhân"),
    "ethnicity": gettext_noop("Dân tộc"),
    "nationality": gettext_noop("Quốc tịch"),
    "residence": gettext_noop("Nơi cư trú"),
}
RELATION_LABELS = {
    "self": gettext_noop("người yêu cầu"),
    "spouse": gettext_noop("vợ/chồng"),
    "father": gettext_noop("cha"),
    "mother": gettext_noop("mẹ"),
    "child": gettext_noop("con"),
    "wife": gettext_noop("vợ"),
    "husband": gettext_noop("chồng"),
}


def part_label(part: str) -> str:
    return _(PART_LABELS[part])


def relation_label(relation: str) -> str:
    return _(RELATION_LABELS[relation])


def top_fields(definition: Any) -> list[dict[str, Any]]:
    """The top-level fields of a legacy list or of every section of a v2 definition."""
    if isinstance(definition, list) or eform.is_v2(definition):
        return eform.top_fields(eform.upgrade(definition))
    return []


def person_blocks(definition: Any) -> list[tuple[dict[str, Any], str, list[str]]]:
    """``[(field, relation, parts)]`` for each top-level person block with ``prefill``."""
    blocks = []
    for field in top_fields(definition):
        relation = field.get("prefill")
        if field.get("type") == "person" and relation in RELATIONS and field.get("name"):
            parts = [p for p in field.get("parts") or PERSON_PARTS if p in PERSON_PARTS]
            blocks.append((field, relation, parts))
    return blocks


def eid_fields(definition: Any) -> list[tuple[dict[str, Any], str]]:
    """``[(field, "phone"|"email")]`` for top-level fields sourced from the e-ID claims."""
    found = []
    for field in top_fields(definition):
        source = field.get("source")
        if isinstance(source, str) and source.startswith("eid.") and field.get("name"):
            attribute = source.split(".", 1)[1]
            if attribute in EID_ATTRIBUTES:
                found.append((field, attribute))
    return found
