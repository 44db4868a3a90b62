"""The specialist's assessment form (kết quả thẩm định), built from the e-form's
``decision`` fields with plain Django form fields and rendered on the server.

Django's fields turn what was typed into values (a date typed dd/mm/yyyy, an amount
typed 1.500.000); the rules (required, choices, bounds, conditions) are the engine's
(``eform.validate_decision`` in ``dossiers.services.record_decision``), whose messages
come back by data path and are shown at their field (``add_errors``). A repeatable
group is a table of rows named ``<group>-<row>-<field>``; "Thêm dòng" re-renders the
form with one more empty row, and an empty row is dropped.
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

from motcua.catalog import eform

MAX_ROWS = 50
YES, NO = "co", "khong"
DATE_FORMAT = "%d/%m/%Y"


class MoneyField(forms.CharField):
    """An amount in đồng typed with or without thousands dots (1.500.000)."""

    def to_python(self, value):
        text = re.sub(r"[.\s]|đồng|đ|vnd", "", super().to_python(value) or "", flags=re.I)
        if not text:
            return None
        if not text.isdigit():
            raise ValidationError(_("Nhập số tiền bằng chữ số, ví dụ 1.500.000."))
        return int(text)


class VietnameseDateField(forms.DateField):
    default_error_messages = {
        "invalid": gettext_lazy("Nhập ngày theo dạng ngày/tháng/năm, ví dụ 05/03/2026.")
    }

    def __init__(self, **kwargs):
        super().__init__(
            input_formats=[DATE_FORMAT],
            widget=forms.TextInput(
                attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric", "autocomplete": "off"}
            ),
            **kwargs,
        )


def _choices(spec: dict) -> list[tuple[str, str]]:
    if spec.get("codelist"):
        return [(str(v), str(label)) for v, label in eform.codelist(spec["codelist"])]
    return [(str(v), str(label)) for v, label in spec.get("choices") or []]


def _label(spec: dict) -> str:
    return spec.get("label") or spec.get("name", "")


def field_for(spec: dict) -> forms.Field:
    """The Django field that reads one scalar decision field (every field optional here:
    the engine decides what is required, with its conditions)."""
    kind = spec.get("type", "text")
    common = {"required": False, "label": _label(spec), "help_text": spec.get("help", "")}
    if kind == "textarea":
        return forms.CharField(
            widget=forms.Textarea(attrs={"rows": 3}), max_length=spec.get("max_length"), **common
        )
    if kind == "number":
        return forms.DecimalField(**common)
    if kind == "money":
        return MoneyField(**common)
    if kind == "date":
        return VietnameseDateField(**common)
    if kind in ("select", "radio"):
        choices = _choices(spec)
        if kind == "select":
            return forms.ChoiceField(choices=[("", _("— Chọn —")), *choices], **common)
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if kind == "checkboxes":
        return forms.MultipleChoiceField(
            choices=_choices(spec), widget=forms.CheckboxSelectMultiple, **common
        )
    if kind == "yesno":
        return forms.ChoiceField(
            choices=[(YES, _("Có")), (NO, _("Không"))], widget=forms.RadioSelect, **common
        )
    if kind == "checkbox":
        return forms.BooleanField(**common)
    if kind == "email":
        return forms.EmailField(**common)
    return forms.CharField(max_length=spec.get("max_length"), **common)


def to_json(spec: dict, value: Any) -> Any:
    """A cleaned value as stored in ``decision_data`` (None: left empty)."""
    kind = spec.get("type", "text")
    if value in (None, "", []):
        return None
    if kind == "yesno":
        return value == YES
    if kind == "checkbox":
        return True if value else None
    if kind == "date":
        return value.isoformat()
    if kind == "number":
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, str):
        return value.strip() or None
    return value


def to_initial(spec: dict, value: Any) -> Any:
    """A stored value as the form shows it."""
    kind = spec.get("type", "text")
    if value is None:
        return None
    if kind == "yesno":
        return YES if value else NO
    if kind == "date":
        try:
            return dt.date.fromisoformat(str(value)).strftime(DATE_FORMAT)
        except ValueError:
            return value
    if kind == "money" and isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    if kind == "number":
        return Decimal(str(value))
    return value


class DecisionForm(forms.Form):
    """The decision fields of one e-form definition, bound to a POST or to stored data."""

    def __init__(self, specs: list[dict], data=None, *, stored: dict | None = None, add_row=""):
        self.specs = [s for s in specs if isinstance(s, dict) and s.get("name")]
        stored = stored or {}
        self.rows: dict[str, int] = {}
        for spec in self.specs:
            if spec.get("type") == "group":
                self.rows[spec["name"]] = self._row_count(spec, data, stored)
        if add_row in self.rows and self.rows[add_row] < MAX_ROWS:
            self.rows[add_row] += 1
        super().__init__(data, initial=self._initial(stored))
        for spec in self.specs:
            if spec.get("type") == "group":
                for index in range(self.rows[spec["name"]]):
                    for sub in spec.get("fields") or []:
                        self.fields[self.key(spec["name"], index, sub["name"])] = field_for(sub)
            else:
                self.fields[spec["name"]] = field_for(spec)
        self.group_errors: dict[str, list[str]] = {}

    @staticmethod
    def key(group: str, index: int, name: str) -> str:
        return f"{group}-{index}-{name}"

    def _row_count(self, spec: dict, data, stored: dict) -> int:
        if data is not None:
            try:
                count = int(data.get(f"{spec['name']}-rows", 1))
            except (TypeError, ValueError):
                count = 1
        else:
            count = len(stored.get(spec["name"]) or [])
        return max(1, min(count, MAX_ROWS))

    def _initial(self, stored: dict) -> dict:
        initial = {}
        for spec in self.specs:
            value = stored.get(spec["name"])
            if spec.get("type") == "group":
                for index, item in enumerate(value or []):
                    for sub in spec.get("fields") or []:
                        initial[self.key(spec["name"], index, sub["name"])] = to_initial(
                            sub, (item or {}).get(sub["name"])
                        )
            else:
                initial[spec["name"]] = to_initial(spec, value)
        return initial

    def decision_data(self) -> dict[str, Any]:
        """The decision data as JSON (call after ``is_valid``); empty values and empty
        rows are left out."""
        data: dict[str, Any] = {}
        for spec in self.specs:
            name = spec["name"]
            if spec.get("type") == "group":
                items = []
                for index in range(self.rows[name]):
                    item = {}
                    for sub in spec.get("fields") or []:
                        value = to_json(
                            sub, self.cleaned_data.get(self.key(name, index, sub["name"]))
                        )
                        if value is not None:
                            item[sub["name"]] = value
                    if item:
                        items.append(item)
                if items:
                    data[name] = items
            else:
                value = to_json(spec, self.cleaned_data.get(name))
                if value is not None:
                    data[name] = value
        return data

    def add_errors(self, problems: dict[str, list[str]]) -> None:
        """Show the engine's messages (by data path) at their fields."""
        for path, messages in problems.items():
            target = self._field_of(path)
            for message in messages:
                if target in self.fields:
                    self.add_error(target, message)
                elif target in self.rows:
                    self.group_errors.setdefault(target, []).append(message)
                else:
                    self.add_error(None, message)

    def _field_of(self, path: str) -> str | None:
        parts = path.split(".") if path else []
        if len(parts) == 3 and parts[0] in self.rows and parts[1].isdigit():
            return self.key(parts[0], int(parts[1]), parts[2])
        return parts[0] if len(parts) == 1 else (parts[0] if parts else None)

    def layout(self) -> list[dict]:
        """What the template draws, in the definition's order: a field, or a group with
        its rows of fields."""
        items = []
        for spec in self.specs:
            name = spec["name"]
            if spec.get("type") == "group":
                subs = spec.get("fields") or []
                items.append(
                    {
                        "group": True,
                        "name": name,
                        "label": _label(spec),
                        "help": spec.get("help", ""),
                        "required": bool(spec.get("required")),
                        "item_label": spec.get("item_label") or _("Dòng"),
                        "rows": [
                            [
                                {
                                    "field": self[self.key(name, index, sub["name"])],
                                    "required": bool(sub.get("required")),
                                }
                                for sub in subs
                            ]
                            for index in range(self.rows[name])
                        ],
                        "count": self.rows[name],
                        "errors": self.group_errors.get(name, []),
                        "can_add": self.rows[name] < min(spec.get("max_items") or 20, MAX_ROWS),
                    }
                )
            else:
                items.append(
                    {"group": False, "field": self[name], "required": bool(spec.get("required"))}
                )
        return items
