"""The generic e-form a procedure gets when it is imported without a modelled form.

It is a ``motcua-eform/2`` definition (see docs/EFORMS.md and ``catalog.eform``):
the applicant (prefilled from the population registry), the business or the land
parcel when those registries are sources, and the request. ``eform.validate_definition``
guards edits.
"""

from __future__ import annotations

from typing import Any

from .eform import upgrade
from .models import Registry

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


def default_schema(data_sources: list[str]) -> dict[str, Any]:
    """The e-form a procedure gets on import (a ``motcua-eform/2`` definition), from
    the registries that can fill it."""
    fields = [dict(f) for f in PERSON_FIELDS]
    if Registry.BUSINESS in data_sources:
        fields += [dict(f) for f in BUSINESS_FIELDS]
    if Registry.LAND in data_sources:
        fields += [dict(f) for f in LAND_FIELDS]
    fields.append(dict(REQUEST_FIELD))
    return upgrade(fields)
