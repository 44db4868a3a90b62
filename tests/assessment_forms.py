"""A small self-contained e-form (motcua-eform/2) with decision fields, for the tests of
what officers see and assess: a child, the mother prefilled from the population
registry, and the register entry (with an optional list) the specialist records."""

from __future__ import annotations

import copy

from motcua.catalog.models import ProcedureVersion

FORM = {
    "format": "motcua-eform/2",
    "title": "Tờ khai đăng ký khai sinh",
    "legal_form": "Mẫu Tờ khai đăng ký khai sinh, Thông tư 04/2024/TT-BTP",
    "replaces": [],
    "sections": [
        {
            "key": "child",
            "title": "Người được khai sinh",
            "fields": [
                {
                    "name": "child_name",
                    "label": "Họ, chữ đệm, tên",
                    "type": "text",
                    "required": True,
                },
                {
                    "name": "child_birth_date",
                    "label": "Ngày, tháng, năm sinh",
                    "type": "date",
                    "required": True,
                },
                {
                    "name": "birth_place",
                    "label": "Nơi sinh",
                    "type": "select",
                    "choices": [["benh_vien", "Bệnh viện"], ["nha", "Tại nhà"]],
                },
            ],
        },
        {
            "key": "mother",
            "title": "Người mẹ",
            "fields": [
                {
                    "name": "mother",
                    "label": "Người mẹ",
                    "type": "person",
                    "parts": ["full_name", "birth_date", "personal_id"],
                    "prefill": "self",
                    "required": True,
                }
            ],
        },
    ],
    "rules": [],
    "decision": [
        {"name": "register_number", "label": "Số đăng ký", "type": "text", "required": True},
        {"name": "register_date", "label": "Ngày đăng ký", "type": "date", "required": True},
        {"name": "fee_collected", "label": "Lệ phí đã thu", "type": "money"},
        {"name": "has_notes", "label": "Có ghi chú vào sổ", "type": "yesno"},
        {
            "name": "notes",
            "label": "Ghi chú vào sổ",
            "type": "group",
            "item_label": "Ghi chú",
            "when": {"field": "has_notes", "equals": True},
            "fields": [
                {"name": "content", "label": "Nội dung", "type": "text", "required": True},
                {"name": "noted_on", "label": "Ngày ghi", "type": "date"},
            ],
        },
    ],
}

DATA = {
    "child_name": "Nguyễn Minh An",
    "child_birth_date": "2026-01-15",
    "birth_place": "benh_vien",
    "mother": {
        "full_name": "Trần Thị Bích",
        "birth_date": "1995-04-02",
        "personal_id": "001195000123",
    },
}
# The mother's name and number were read from the population registry.
SOURCES = {"mother.full_name": "dan_cu", "mother.personal_id": "dan_cu"}

DECISION = {
    "register_number": "125/2026",
    "register_date": "2026-01-20",
    "fee_collected": 8000,
    "has_notes": True,
    "notes": [{"content": "Cha chưa nhận con", "noted_on": "2026-01-20"}],
}


def use_form(version: ProcedureVersion, form: dict | None = None) -> ProcedureVersion:
    """Give ``version`` this e-form (an update: a published version's save() is guarded)."""
    schema = copy.deepcopy(form or FORM)
    ProcedureVersion.objects.filter(pk=version.pk).update(form_schema=schema)
    version.form_schema = schema
    return version


def data(**changes) -> dict:
    answer = copy.deepcopy(DATA)
    answer.update(changes)
    return answer
