"""The form engine (catalog.eform) around validation: the upgrade of the legacy lists and
its data migration, publishing, display and diff, paths, code lists and filters."""

from __future__ import annotations

import copy
import datetime as dt
import importlib

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from jsonschema import Draft202012Validator

from motcua.catalog import eform
from motcua.catalog.formschema import default_schema
from motcua.catalog.models import ProcedureVersion
from motcua.catalog.templatetags import eform_tags
from tests.factories import procedure_version

from .eform_sample import birth, valid_data

# --- upgrade of the legacy lists -------------------------------------------------------------

LEGACY = [
    {
        "name": "full_name",
        "label": "Họ, chữ đệm và tên",
        "type": "text",
        "required": True,
        "source": "dan_cu.full_name",
    },
    {"name": "birth_date", "label": "Ngày sinh", "type": "date", "required": True},
    {"name": "phone", "label": "Số điện thoại", "type": "phone", "required": True},
    {
        "name": "tax_code",
        "label": "Mã số doanh nghiệp",
        "type": "text",
        "source": "dang_ky_kinh_doanh.tax_code",
    },
    {"name": "land_parcel", "label": "Số thửa", "type": "text", "source": "dat_dai.parcel"},
    {"name": "copies", "label": "Số bản", "type": "number", "required": False, "help": "1–5"},
    {"name": "purpose", "label": "Mục đích", "type": "select", "choices": [["a", "A"], ["b", "B"]]},
    {"name": "agree", "label": "Cam kết", "type": "checkbox", "required": True},
    {"name": "request_note", "label": "Nội dung đề nghị", "type": "textarea"},
]


def test_upgrade_keeps_every_field_and_key_in_the_legacy_sections():
    defn = eform.upgrade(copy.deepcopy(LEGACY))
    eform.validate_definition(defn)
    sections = {s["title"]: [f["name"] for f in s["fields"]] for s in defn["sections"]}
    assert sections == {
        "Thông tin người nộp hồ sơ": ["full_name", "birth_date", "phone"],
        "Thông tin doanh nghiệp": ["tax_code"],
        "Thông tin thửa đất": ["land_parcel"],
        "Nội dung đề nghị": ["copies", "purpose", "agree", "request_note"],
    }
    fields = {f["name"]: f for s in defn["sections"] for f in s["fields"]}
    for old in LEGACY:
        assert fields[old["name"]] == old
    assert eform.upgrade(defn) is defn
    assert eform.legacy_fields(defn) == [
        {k: v for k, v in f.items() if k != "help"} | {"required": bool(f.get("required"))}
        for f in LEGACY
    ]


def test_old_flat_data_still_validates_after_the_upgrade():
    defn = eform.upgrade(copy.deepcopy(LEGACY))
    data = {
        "full_name": "Nguyễn Văn A",
        "birth_date": "1980-01-31",
        "phone": "0912 345 678",
        "tax_code": "",
        "land_parcel": "",
        "copies": 2,
        "purpose": "a",
        "agree": True,
        "request_note": "",
    }
    assert eform.validate_data(defn, data) == {}
    assert eform.validate_data(defn, {**data, "agree": False}) == {
        "agree": ["Vui lòng đánh dấu “Cam kết”."]
    }


def test_default_schema_still_validates_under_the_engine():
    defn = default_schema(["dan_cu"])
    eform.validate_definition(defn)
    assert [p for p, _f in eform.leaf_fields(defn)] == [
        "full_name",
        "personal_id",
        "birth_date",
        "permanent_address",
        "phone",
        "email",
        "request_note",
    ]


@pytest.mark.django_db
def test_the_data_migration_upgrades_a_version_holding_a_legacy_list():
    version = procedure_version()
    ProcedureVersion.objects.filter(pk=version.pk).update(form_schema=copy.deepcopy(LEGACY))
    other = procedure_version("TEST.02")
    ProcedureVersion.objects.filter(pk=other.pk).update(form_schema=birth())
    migration = importlib.import_module("motcua.catalog.migrations.0004_upgrade_form_schemas")
    migration.upgrade_form_schemas(django_apps, None)
    version.refresh_from_db()
    other.refresh_from_db()
    assert version.form_schema == eform.upgrade(copy.deepcopy(LEGACY))
    assert other.form_schema == birth()


@pytest.mark.django_db
def test_publishing_refuses_an_invalid_form_and_a_published_form_never_changes():
    from motcua.catalog import services

    published = procedure_version()
    draft = services.new_draft_version(published.procedure)
    draft.form_schema = {
        "format": "motcua-eform/2",
        "sections": [
            {"key": "a", "title": "A", "fields": [{"name": "x", "label": "X", "type": "blob"}]}
        ],
    }
    draft.save()
    with pytest.raises(ValidationError, match="không được hỗ trợ"):
        services.publish_version(draft)
    published.refresh_from_db()
    published.form_schema["sections"][0]["title"] = "Đổi tên"
    with pytest.raises(ValidationError, match="không được sửa"):
        published.save()
    published.refresh_from_db()
    published.name = "Tên mới"
    published.save()  # other fields of a published version are not the form
    draft.form_schema = default_schema(["dan_cu"])
    draft.save()
    services.publish_version(draft)
    draft.form_schema = birth()
    with pytest.raises(ValidationError):
        draft.save()


# --- display and diff -------------------------------------------------------------------------


def test_display_formats_values_for_reading(provinces):
    data = {
        **valid_data(),
        "fee": 1500000,
        "copies": 2,
        "channel": "post",
        "post_address": "Số 1 Tràng Tiền",
        "has_father": False,
        "father": {"full_name": "hidden"},
        "documents": ["cs", "kh"],
        "birth_place": {
            "province": "Tỉnh Bắc Ninh",
            "commune": "Phường Kinh Bắc",
            "detail": "Số 5 Lý Thái Tổ",
        },
        "members": [{"full_name": "Trần Văn D", "relation": "chu_ho"}],
        "note": "",
    }
    data["mother"]["ethnicity"] = "Kinh"
    sections = eform.display(birth(), data, sources={"mother.full_name": "dan_cu"})
    assert [s["title"] for s in sections] == [
        "Người được khai sinh",
        "Cha, mẹ",
        "Thông tin khác",
        "Thành viên hộ gia đình",
    ]
    rows = {r["path"]: r for s in sections for r in s["rows"]}
    assert rows["birth_place"]["text"] == "Số 5 Lý Thái Tổ, Phường Kinh Bắc, Tỉnh Bắc Ninh"
    mother = {r["path"]: r for r in rows["mother"]["rows"]}
    assert mother["mother.full_name"]["source"] == "CSDL quốc gia về dân cư"
    assert mother["mother.birth_date"]["text"] == "12/04/1995"
    assert mother["mother.sex"]["text"] == "Nữ"
    assert mother["mother.ethnicity"]["text"] == "Kinh"
    assert mother["mother.personal_id"]["source"] == ""
    assert rows["fee"]["text"] == "1.500.000 đồng"
    assert rows["channel"]["text"] == "Qua bưu điện"
    assert rows["has_father"]["text"] == "Không"
    assert rows["commitment"]["text"] == "Có"
    assert rows["documents"]["text"] == "Giấy chứng sinh, Giấy chứng nhận kết hôn"
    assert rows["relation"]["text"] == "Mẹ"
    assert "father" not in rows and "note" not in rows
    assert rows["members"]["items"] == [
        [
            {
                "path": "members.0.full_name",
                "label": "Họ, chữ đệm và tên",
                "text": "Trần Văn D",
                "source": "",
            },
            {
                "path": "members.0.relation",
                "label": "Quan hệ với chủ hộ",
                "text": "Chủ hộ",
                "source": "",
            },
        ]
    ]
    decision = eform.display(birth(), {"register_number": "15"}, decision=True)
    assert decision[0]["rows"][0]["text"] == "15"


def test_diff_lists_the_changed_values(provinces):
    before = {**valid_data(), "members": [{"full_name": "A"}]}
    after = copy.deepcopy(before)
    after["mother"]["birth_date"] = "1995-04-13"
    after["phone"] = "0987654321"
    after["members"].append({"full_name": "B"})
    after["fee"] = 20000
    assert eform.diff(birth(), before, after) == [
        {
            "path": "mother.birth_date",
            "label": "Ngày sinh (Người mẹ)",
            "before": "12/04/1995",
            "after": "13/04/1995",
        },
        {"path": "fee", "label": "Lệ phí", "before": "", "after": "20.000 đồng"},
        {"path": "phone", "label": "Số điện thoại", "before": "0912345678", "after": "0987654321"},
        {
            "path": "members.1.full_name",
            "label": "Họ, chữ đệm và tên (Thành viên hộ gia đình 2)",
            "before": "",
            "after": "B",
        },
    ]
    assert eform.diff(birth(), before, copy.deepcopy(before)) == []


# --- paths, code lists, filters ----------------------------------------------------------------


def test_get_and_set_path():
    data = {}
    eform.set_path(data, "members.1.full_name", "B")
    eform.set_path(data, "mother.full_name", "M")
    assert data == {"members": [{}, {"full_name": "B"}], "mother": {"full_name": "M"}}
    assert eform.get_path(data, "members.1.full_name") == "B"
    assert eform.get_path(data, "members.5.full_name") is None
    assert eform.get_path(data, "mother.full_name.x") is None


def test_leaf_fields_and_replaced_components():
    paths = [p for p, _f in eform.leaf_fields(birth())]
    assert paths[:6] == [
        "child.full_name",
        "child.birth_date",
        "child.sex",
        "child.ethnicity",
        "child.nationality",
        "birth_place",
    ]
    assert "members[].relation_other" in paths
    assert [p for p, _f in eform.leaf_fields(birth(), decision=True)] == ["register_number", "book"]
    assert eform.replaced_components(birth()) == ["Tờ khai đăng ký khai sinh"]
    assert eform.replaced_components(LEGACY) == []
    assert eform.is_v2(birth()) and not eform.is_v2(LEGACY)


def test_code_lists():
    ethnicities = eform.codelist("ethnicities")
    assert ethnicities[0] == ["Kinh", "Kinh"] and len(ethnicities) >= 54
    assert eform.codelist("nationalities")[0] == ["Việt Nam", "Việt Nam"]
    assert ["chu_ho", "Chủ hộ"] in eform.codelist("relationships")
    assert ["can_cuoc", "Thẻ căn cước"] in eform.codelist("id_documents")
    assert any(value == "47" for value, _label in eform.codelist("vsic"))
    with pytest.raises(KeyError):
        eform.codelist("planets")


@pytest.mark.django_db
def test_provinces_fall_back_to_the_34_of_2025_when_none_is_loaded():
    names = eform.province_names()
    assert len(names) == 34
    assert "Tỉnh Bắc Ninh" in names and "Thành phố Hà Nội" in names


def test_template_filters():
    assert eform_tags.dmy("2026-03-05") == "05/03/2026"
    assert eform_tags.long_date(dt.date(2026, 3, 5)) == "ngày 05 tháng 3 năm 2026"
    assert eform_tags.address({"province": "Tỉnh Bắc Ninh", "detail": "Số 1"}) == (
        "Số 1, Tỉnh Bắc Ninh"
    )
    assert eform_tags.vnd(1500000) == "1.500.000 đồng"
    assert eform_tags.sex("nu") == "Nữ"
    assert eform_tags.label("chu_ho", "relationships") == "Chủ hộ"
    assert eform_tags.label("nam", "child.sex") == "Nam"
    assert eform_tags.label(True, "yesno") == "Có"


def test_a_group_field_shown_by_a_top_level_field_keeps_item_indexes():
    defn = {
        "format": "motcua-eform/2",
        "sections": [
            {
                "key": "a",
                "title": "A",
                "fields": [
                    {"name": "kind", "label": "Loại", "type": "radio",
                     "choices": [["a", "A"], ["b", "B"]]},
                    {"name": "items", "label": "Mục", "type": "group", "item_label": "Mục",
                     "fields": [{"name": "x", "label": "X", "type": "text", "required": True,
                                 "when": {"field": "kind", "equals": "b"}}]},
                ],
            }
        ],
    }  # fmt: skip
    eform.validate_definition(defn)
    schema = eform.json_schema(defn)
    data = {"kind": "b", "items": [{}, {"x": "1"}]}
    assert eform.validate_data(defn, data) == {"items.0.x": ["Vui lòng nhập “X” của Mục thứ 1."]}
    assert [list(e.absolute_path) for e in Draft202012Validator(schema).iter_errors(data)] == [
        ["items", 0]
    ]
    assert eform.validate_data(defn, {"kind": "a", "items": [{}]}) == {}
