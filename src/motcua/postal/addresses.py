"""The address a result is posted to, checked against the current provinces and
communes (the e-form engine's code lists, from the agencies loaded: 34 provinces from
1 July 2025), with Vietnamese messages per field.

Stored in ``Dossier.delivery_address`` as ``{"recipient", "phone", "street",
"province", "commune"}``; province and commune are the values of the e-form's code
lists (their current official names).
"""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from motcua.agencies.models import Agency
from motcua.catalog import eform

FIELDS = ("recipient", "phone", "street", "province", "commune")
# A Vietnamese mobile (03, 05, 07, 08, 09 + 8 digits) or landline (02 + 9 digits),
# written with 0 or +84, spaces, dots and dashes allowed between digits.
PHONE = re.compile(r"(?:\+84|0)(?:[35789]\d{8}|2\d{9})")


class AddressInvalid(Exception):
    """The address is incomplete or wrong; ``errors`` maps each field to its message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


def normalize_phone(value: str) -> str:
    return re.sub(r"[\s.\-()]", "", value or "")


def clean_address(data: dict) -> dict[str, str]:
    """The address from ``data`` (form or JSON), trimmed and checked. Raises AddressInvalid."""
    values = {name: str(data.get(name) or "").strip() for name in FIELDS}
    errors: dict[str, str] = {}
    if not values["recipient"]:
        errors["recipient"] = _("Hãy nhập họ tên người nhận kết quả.")
    elif len(values["recipient"]) > 100:
        errors["recipient"] = _("Họ tên người nhận tối đa 100 ký tự.")
    phone = normalize_phone(values["phone"])
    if not phone:
        errors["phone"] = _("Hãy nhập số điện thoại người nhận để bưu tá liên hệ.")
    elif not PHONE.fullmatch(phone):
        errors["phone"] = _(
            "Số điện thoại không đúng: 10 chữ số bắt đầu bằng 0 (ví dụ 0912345678), "
            "hoặc số cố định 11 chữ số bắt đầu bằng 02."
        )
    values["phone"] = phone
    if not values["street"]:
        errors["street"] = _("Hãy nhập số nhà, tên đường hoặc thôn, xóm.")
    elif len(values["street"]) > 200:
        errors["street"] = _("Số nhà, đường phố tối đa 200 ký tự.")
    if values["province"] not in eform.province_names():
        errors["province"] = _("Hãy chọn tỉnh, thành phố trong danh sách hiện hành.")
    else:
        communes = eform.communes(values["province"])
        if not values["commune"]:
            errors["commune"] = _("Hãy chọn xã, phường, đặc khu.")
        elif communes and values["commune"] not in communes:
            errors["commune"] = _("Xã, phường “%(commune)s” không thuộc %(province)s.") % {
                "commune": values["commune"],
                "province": values["province"],
            }
    if errors:
        raise AddressInvalid(errors)
    return values


def address_line(address: dict) -> str:
    """``street, commune, province`` for display and for the label."""
    parts = [address.get(name, "") for name in ("street", "commune", "province")]
    return ", ".join(part for part in parts if part)


def province_of(agency: Agency) -> str:
    """The name of the province or city an agency sits in ("" for a ministry)."""
    node, seen = agency, 0
    while node is not None and seen < 10:
        if node.kind in (Agency.Kind.PROVINCE, Agency.Kind.CITY):
            return node.name
        node, seen = node.parent, seen + 1
    return ""
