"""A small declarative e-form schema.

A schema is a list of fields::

    [{"name": "full_name", "label": "Họ và tên", "type": "text", "required": true,
      "source": "dan_cu.full_name"}]

``type`` is one of FIELD_TYPES; ``source`` (optional) names the registry and the
attribute that can prefill the field; ``choices`` is a list of [value, label]
pairs for ``select``. The portal renders it; ``validate_schema`` guards edits.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Registry

FIELD_TYPES = {"text", "textarea", "date", "number", "email", "phone", "select", "checkbox"}
NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,62}$")

PERSON_FIELDS = [
    {
        "name": "full_name",
        "label": "Họ, chữ đệm và tên",
        "type": "text",
        "required": True,
        "source": "dan_cu.full_name",
    },
    {
        "name": "personal_id",
        "label": "Số định danh cá nhân",
        "type": "text",
        "required": True,
        "source": "dan_cu.personal_id",
    },
    {
        "name": "birth_date",
        "label": "Ngày sinh",
        "type": "date",
        "required": True,
        "source": "dan_cu.birth_date",
    },
    {
        "name": "permanent_address",
        "label": "Nơi thường trú",
        "type": "text",
        "required": True,
        "source": "dan_cu.permanent_address",
    },
    {"name": "phone", "label": "Số điện thoại", "type": "phone", "required": True},
    {"name": "email", "label": "Thư điện tử", "type": "email", "required": False},
]
BUSINESS_FIELDS = [
    {
        "name": "tax_code",
        "label": "Mã số doanh nghiệp",
        "type": "text",
        "required": True,
        "source": "dang_ky_kinh_doanh.tax_code",
    },
    {
        "name": "business_name",
        "label": "Tên doanh nghiệp",
        "type": "text",
        "required": True,
        "source": "dang_ky_kinh_doanh.name",
    },
    {
        "name": "head_office",
        "label": "Địa chỉ trụ sở chính",
        "type": "text",
        "required": True,
        "source": "dang_ky_kinh_doanh.head_office",
    },
]
LAND_FIELDS = [
    {
        "name": "land_parcel",
        "label": "Số thửa, tờ bản đồ",
        "type": "text",
        "required": True,
        "source": "dat_dai.parcel",
    },
]
REQUEST_FIELD = {
    "name": "request_note",
    "label": "Nội dung đề nghị",
    "type": "textarea",
    "required": False,
}


def default_schema(data_sources: list[str]) -> list[dict[str, Any]]:
    """The e-form a procedure gets on import, from the registries that can fill it."""
    fields = [dict(f) for f in PERSON_FIELDS]
    if Registry.BUSINESS in data_sources:
        fields += [dict(f) for f in BUSINESS_FIELDS]
    if Registry.LAND in data_sources:
        fields += [dict(f) for f in LAND_FIELDS]
    fields.append(dict(REQUEST_FIELD))
    return fields


def validate_schema(schema: Any) -> None:
    """Raise ValidationError (Vietnamese, one message per problem) unless ``schema`` is valid."""
    if not isinstance(schema, list):
        raise ValidationError(_("Biểu mẫu phải là một danh sách các trường."))
    errors, names = [], set()
    registries = set(Registry.values)
    for index, field in enumerate(schema, start=1):
        if not isinstance(field, dict):
            errors.append(_("Trường thứ %(n)d không hợp lệ.") % {"n": index})
            continue
        name = field.get("name", "")
        if not isinstance(name, str) or not NAME_RE.match(name):
            errors.append(
                _("Trường thứ %(n)d: tên “%(name)s” chỉ gồm chữ thường không dấu, số và “_”.")
                % {"n": index, "name": name}
            )
        elif name in names:
            errors.append(_("Trường “%(name)s” bị trùng.") % {"name": name})
        names.add(name)
        if not field.get("label"):
            errors.append(_("Trường thứ %(n)d thiếu nhãn hiển thị.") % {"n": index})
        if field.get("type") not in FIELD_TYPES:
            errors.append(
                _("Trường thứ %(n)d: kiểu “%(type)s” không được hỗ trợ.")
                % {"n": index, "type": field.get("type")}
            )
        if field.get("type") == "select" and not field.get("choices"):
            errors.append(_("Trường thứ %(n)d: danh sách chọn trống.") % {"n": index})
        source = field.get("source")
        if source and (not isinstance(source, str) or source.split(".")[0] not in registries):
            errors.append(
                _("Trường thứ %(n)d: nguồn dữ liệu “%(source)s” không hợp lệ.")
                % {"n": index, "source": source}
            )
    if errors:
        raise ValidationError(errors)
