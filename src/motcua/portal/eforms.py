"""The e-form of a procedure as a Django form, built from the version's schema.

Fields a national database filled (``Dossier.prefill_sources``) are *locked*: shown
read-only and marked "Dữ liệu từ CSDL quốc gia"; their stored value is kept whatever
the browser sends, and a posted value that differs is refused as tampering.
A draft may be saved incomplete (``strict=False``); submitting needs every required
field (``strict=True``).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.catalog.models import Registry

PHONE_RE = re.compile(r"^(?:\+84|0)\d{9,10}$")
AUTOCOMPLETE = {
    "full_name": "name",
    "birth_date": "bday",
    "phone": "tel",
    "email": "email",
}


def normalize_phone(value: str) -> str:
    return re.sub(r"[\s.\-()]", "", value or "")


def validate_phone(value: str) -> None:
    if value and not PHONE_RE.match(normalize_phone(value)):
        raise ValidationError(
            _("Số điện thoại gồm 10 chữ số, bắt đầu bằng 0 (ví dụ 0912345678) hoặc +84."),
            code="phone",
        )


def registry_label(code: str) -> str:
    return str(Registry(code).label) if code in Registry.values else code


def locked_fields(schema: list[dict], stored: dict[str, Any], sources: dict[str, str]) -> dict:
    """Field name → registry code, for the fields a national database filled."""
    names = {f.get("name") for f in schema if isinstance(f, dict)}
    return {
        name: source
        for name, source in (sources or {}).items()
        if name in names and source in Registry.values and stored.get(name) not in (None, "")
    }


def to_json(value: Any) -> Any:
    """A cleaned form value as stored in ``Dossier.form_data`` (dates as YYYY-MM-DD)."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, str):
        return value.strip()
    return value


def comparable(value: Any) -> str:
    return " ".join(str(to_json(value) if value is not None else "").split())


def _messages(kind: str, label: str) -> dict:
    """Vietnamese messages naming the field (whatever language the browser asks for)."""
    messages = {"required": _("Vui lòng nhập “%(field)s”.") % {"field": label}}
    if kind == "date":
        messages["invalid"] = _("“%(field)s” phải là một ngày hợp lệ, ví dụ 17/05/1990.") % {
            "field": label
        }
    elif kind == "number":
        messages["invalid"] = _("“%(field)s” phải là một số.") % {"field": label}
    elif kind == "email":
        messages["invalid"] = _(
            "“%(field)s” phải là địa chỉ thư điện tử hợp lệ, ví dụ ten@example.vn."
        ) % {"field": label}
    elif kind == "select":
        messages["required"] = _("Vui lòng chọn “%(field)s”.") % {"field": label}
        messages["invalid_choice"] = _("Vui lòng chọn “%(field)s” trong danh sách.") % {
            "field": label
        }
    elif kind == "checkbox":
        messages["required"] = _("Vui lòng đánh dấu “%(field)s”.") % {"field": label}
    return messages


def _field_for(spec: dict, *, required: bool) -> forms.Field:
    kind = spec.get("type", "text")
    label = spec.get("label") or spec.get("name")
    common = {"label": label, "required": required, "error_messages": _messages(kind, label)}
    if kind == "textarea":
        return forms.CharField(max_length=4000, widget=forms.Textarea(attrs={"rows": 4}), **common)
    if kind == "date":
        return forms.DateField(
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            input_formats=["%Y-%m-%d", "%d/%m/%Y"],
            **common,
        )
    if kind == "number":
        return forms.DecimalField(max_digits=18, decimal_places=4, **common)
    if kind == "email":
        return forms.EmailField(max_length=254, **common)
    if kind == "phone":
        return forms.CharField(
            max_length=20,
            validators=[validate_phone],
            widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}),
            **common,
        )
    if kind == "select":
        choices = [(str(v), str(lbl)) for v, lbl in spec.get("choices") or []]
        return forms.ChoiceField(choices=[("", _("— Chọn —")), *choices], **common)
    if kind == "checkbox":
        return forms.BooleanField(**common)
    return forms.CharField(max_length=500, **common)


class DossierForm(forms.Form):
    """The procedure's e-form; ``cleaned_form_data()`` gives what to store."""

    required_css_class = "required"
    tamper_message = gettext_lazy(
        "“%(field)s” được lấy từ %(registry)s và không sửa được. Nếu thông tin chưa đúng, "
        "hãy đề nghị cơ quan quản lý %(registry)s cập nhật."
    )

    def __init__(
        self,
        *args,
        schema: list[dict],
        stored: dict[str, Any] | None = None,
        sources: dict[str, str] | None = None,
        strict: bool = False,
        **kwargs,
    ):
        self.schema = [f for f in schema if isinstance(f, dict) and f.get("name")]
        self.stored = dict(stored or {})
        self.locked = locked_fields(self.schema, self.stored, sources or {})
        kwargs.setdefault("initial", {})
        for spec in self.schema:
            name = spec["name"]
            if name in self.stored:
                kwargs["initial"].setdefault(name, self.stored[name])
        super().__init__(*args, **kwargs)
        for spec in self.schema:
            name = spec["name"]
            required = bool(spec.get("required")) and strict and name not in self.locked
            field = _field_for(spec, required=required)
            # Shown as required ("*") even on a draft, which may be saved incomplete.
            field.schema_required = bool(spec.get("required")) and name not in self.locked
            if field.schema_required:
                field.widget.attrs["aria-required"] = "true"
            # The browser may leave a locked field out (a disabled select): keep the value.
            if name in self.locked:
                field.required = False
                field.widget.attrs["readonly"] = True
                field.widget.attrs["aria-describedby"] = f"id_{name}_source"
                if isinstance(field.widget, forms.Select | forms.CheckboxInput):
                    field.widget.attrs["disabled"] = True
                field.registry = self.locked[name]
                field.registry_label = registry_label(self.locked[name])
            if name in AUTOCOMPLETE:
                field.widget.attrs.setdefault("autocomplete", AUTOCOMPLETE[name])
            self.fields[name] = field

    def clean(self):
        cleaned = super().clean()
        for name, registry in self.locked.items():
            posted = name in self.data
            if (
                posted
                and name in cleaned
                and comparable(cleaned[name]) != comparable(self.stored.get(name))
            ):
                self.add_error(
                    name,
                    self.tamper_message
                    % {"field": self.fields[name].label, "registry": registry_label(registry)},
                )
            cleaned[name] = self.stored.get(name)
        return cleaned

    def cleaned_form_data(self) -> dict[str, Any]:
        """The values to store: every schema field, locked ones as the registry gave them."""
        data = {}
        for spec in self.schema:
            name = spec["name"]
            if name in self.locked:
                data[name] = self.stored.get(name)
            else:
                value = self.cleaned_data.get(name)
                if spec.get("type") == "phone" and value:
                    value = normalize_phone(value)
                data[name] = to_json(value) if value is not None else ""
        return data


def form_errors(
    schema: list[dict], data: dict[str, Any], sources: dict[str, str]
) -> dict[str, list[str]]:
    """Field label → messages, for stored ``data`` checked as on submission (strict)."""
    posted = {}
    for spec in schema:
        if not isinstance(spec, dict) or not spec.get("name"):
            continue
        value = data.get(spec["name"])
        if spec.get("type") == "checkbox":
            if value:
                posted[spec["name"]] = "on"
        elif value not in (None, ""):
            posted[spec["name"]] = str(value)
    form = DossierForm(posted, schema=schema, stored=data, sources=sources, strict=True)
    if form.is_valid():
        return {}
    return {
        (form.fields[name].label if name in form.fields else name): [str(m) for m in messages]
        for name, messages in form.errors.items()
    }
