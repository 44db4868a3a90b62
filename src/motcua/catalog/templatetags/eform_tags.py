"""Filters for result bodies and form pages: ``{% load eform_tags %}``.

``{{ d|dmy }}`` 05/03/2026 · ``{{ d|long_date }}`` ngày 05 tháng 3 năm 2026 ·
``{{ a|address }}`` one line · ``{{ n|vnd }}`` 1.500.000 đồng · ``{{ s|sex }}`` Nam/Nữ ·
``{{ v|label:"ethnicities" }}`` the label of a code-list value. ``label`` also takes
``"sex"``, ``"yesno"`` or ``"<codelist>"`` as a field path's last part names it
(``"child.sex"``, ``"mother.ethnicity"``, ``"mother.nationality"``,
``"residence.province"``).
"""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from motcua.lib.formatting import format_vnd

from ..eform.codelists import FILE_LISTS, codelist_label
from ..eform.definition import PERSON_PARTS, SEX_CHOICES
from ..eform.display import format_address, format_date
from ..eform.paths import as_date

register = template.Library()
SEX = dict(SEX_CHOICES)
# A field path's last part → the code list its values come from.
PART_LISTS = {name: spec["codelist"] for name, spec in PERSON_PARTS.items() if spec.get("codelist")}
PART_LISTS["province"] = "provinces"


@register.filter
def dmy(value) -> str:
    """ "2026-03-05" or a date → "05/03/2026"."""
    day = as_date(value)
    return day.strftime("%d/%m/%Y") if day else format_date(value)


@register.filter
def long_date(value) -> str:
    """ "2026-03-05" → "ngày 05 tháng 3 năm 2026" (as dates are written in documents)."""
    day = as_date(value)
    if day is None:
        return "" if value in (None, "") else str(value)
    return _("ngày %(day)02d tháng %(month)d năm %(year)d") % {
        "day": day.day,
        "month": day.month,
        "year": day.year,
    }


@register.filter
def address(value) -> str:
    return format_address(value)


@register.filter
def vnd(value) -> str:
    try:
        return format_vnd(value)
    except (TypeError, ValueError):
        return str(value)


@register.filter
def sex(value) -> str:
    return SEX.get(value, "" if value is None else str(value))


@register.filter
def label(value, name: str) -> str:
    """The label of ``value`` in a code list (or ``sex``/``yesno``), given by its name
    or by a field path whose last part names it."""
    key = str(name or "").rsplit(".", 1)[-1]
    if key == "sex":
        return sex(value)
    if key == "yesno" or isinstance(value, bool):
        return _("Có") if value else _("Không")
    listed = key if key in FILE_LISTS or key == "provinces" else PART_LISTS.get(key)
    if listed:
        return codelist_label(listed, value)
    return "" if value is None else str(value)
