"""What a form definition asks of the registries, for legacy lists and v2 definitions.

A legacy form is a flat list of fields; a v2 definition (``docs/EFORMS.md``) has
``sections`` whose fields are top-level data (paths do not include the section).
Only top-level fields are prefilled: scalar fields with a ``source``, and person
blocks with a ``prefill`` relation.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

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


def part_label(part: str) -> str:
    return {
        "full_name": _("Họ, chữ đệm và tên"),
        "birth_date": _("Ngày, tháng, năm sinh"),
        "sex": _("Giới tính"),
        "personal_id": _("Số định danh cá nhân"),
        "ethnicity": _("Dân tộc"),
        "nationality": _("Quốc tịch"),
        "residence": _("Nơi cư trú"),
    }[part]


def relation_label(relation: str) -> str:
    return {
        "self": _("người yêu cầu"),
        "spouse": _("vợ/chồng"),
        "father": _("cha"),
        "mother": _("mẹ"),
        "child": _("con"),
        "wife": _("vợ"),
        "husband": _("chồng"),
    }[relation]


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
