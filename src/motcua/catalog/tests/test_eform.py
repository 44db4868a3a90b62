"""The form engine (catalog.eform): definitions, the compiled JSON Schema, validation
with Vietnamese messages, conditions, groups, cross-field rules, upgrade of the legacy
lists and their data migration, display and diff."""

from __future__ import annotations

import copy
import datetime as dt
import importlib

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from jsonschema import Draft202012Validator, FormatChecker

from motcua.agencies.models import Agency
from motcua.catalog import eform
from motcua.catalog.formschema import default_schema
from motcua.catalog.models import ProcedureVersion
from motcua.catalog.templatetags import eform_tags
from tests.factories import procedure_version

TODAY = dt.date(2026, 3, 5)

BIRTH = {
    "format": "motcua-eform/2",
    "title": "Tờ khai đăng ký khai sinh",
    "legal_form": "Mẫu Tờ khai đăng ký khai sinh, Thông tư 04/2024/TT-BTP",
    "replaces": ["Tờ khai đăng ký khai sinh"],
    "sections": [
        {
            "key": "child",
            "title": "Người được khai sinh",
            "fields": [
                {
                    "name": "child",
                    "label": "Người được khai sinh",
                    "type": "person",
                    "required": True,
                    "parts": ["full_name", "birth_date", "sex", "ethnicity", "nationality"],
                    "required_parts": ["full_name", "birth_date", "sex"],
                },
                {"name": "birth_place", "label": "Nơi sinh", "type": "address"},
            ],
        },
        {
            "key": "parents",
            "title": "Cha, mẹ",
            "fields": [
                {
                    "name": "mother",
                    "label": "Người mẹ",
                    "type": "person",
                    "required": True,
                    "prefill": "mother",
                },
                {"name": "has_father", "label": "Có thông tin người cha", "type": "yesno"},
                {
                    "name": "father",
                    "label": "Người cha",
                    "type": "person",
                    "required": True,
                    "when": {"field": "has_father", "equals": True},
                },
            ],
        },
        {
            "key": "other",
            "title": "Thông tin khác",
            "fields": [
                {"name": "copies", "label": "Số bản sao", "type": "number", "min": 0, "max": 10},
                {"name": "fee", "label": "Lệ phí", "type": "money", "max": 1000000},
                {"name": "phone", "label": "Số điện thoại", "type": "phone", "required": True},
                {"name": "email", "label": "Thư điện tử", "type": "email"},
                {
                    "name": "relation",
                    "label": "Quan hệ với người được khai sinh",
                    "type": "select",
                    "codelist": "relationships",
                    "required": True,
                },
                {
                    "name": "channel",
                    "label": "Cách nhận kết quả",
                    "type": "radio",
                    "choices": [["counter", "Tại bộ phận một cửa"], ["post", "Qua bưu điện"]],
                },
                {
                    "name": "post_address",
                    "label": "Địa chỉ nhận qua bưu điện",
                    "type": "text",
                    "required": True,
                    "when": {"field": "channel", "equals": "post"},
                },
                {
                    "name": "documents",
                    "label": "Giấy tờ kèm theo",
                    "type": "checkboxes",
                    "choices": [["cs", "Giấy chứng sinh"], ["kh", "Giấy chứng nhận kết hôn"]],
                },
                {"name": "note", "label": "Ghi chú", "type": "textarea", "max_length": 20},
                {
                    "name": "registered_on",
                    "label": "Ngày đăng ký",
                    "type": "date",
                    "min": "2020-01-01",
                    "max": "today",
                },
                {
                    "name": "commitment",
                    "label": "Tôi cam đoan nội dung trên là đúng sự thật",
                    "type": "checkbox",
                    "required": True,
                },
            ],
        },
        {
            "key": "household",
            "title": "Thành viên hộ gia đình",
            "fields": [
                {
                    "name": "members",
                    "label": "Thành viên hộ gia đình",
                    "type": "group",
                    "item_label": "Thành viên",
                    "max_items": 2,
                    "fields": [
                        {
                            "name": "full_name",
                            "label": "Họ, chữ đệm và tên",
                            "type": "text",
                            "required": True,
                        },
                        {"name": "birth_date", "label": "Ngày sinh", "type": "date"},
                        {
                            "name": "relation",
                            "label": "Quan hệ với chủ hộ",
                            "type": "select",
                            "codelist": "relationships",
                        },
                        {
                            "name": "relation_other",
                            "label": "Quan hệ khác",
                            "type": "text",
                            "required": True,
                            "when": {"field": "relation", "equals": "khac"},
                        },
                    ],
                }
            ],
        },
    ],
    "rules": [
        {
            "rule": "after",
            "field": "child.birth_date",
            "other": "mother.birth_date",
            "message": "Ngày sinh của trẻ phải sau ngày sinh của người mẹ.",
        },
        {
            "rule": "age_at_least",
            "field": "mother.birth_date",
            "years": 16,
            "at": "child.birth_date",
            "message": "Người mẹ phải đủ 16 tuổi khi sinh con.",
        },
        {
            "rule": "different",
            "field": "father.personal_id",
            "other": "mother.personal_id",
            "message": "Số định danh của cha và mẹ phải khác nhau.",
        },
        {
            "rule": "each_before",
            "field": "members[].birth_date",
            "other": "registered_on",
            "message": "Ngày sinh của thành viên phải trước ngày đăng ký.",
        },
    ],
    "decision": [
        {"name": "register_number", "label": "Số đăng ký", "type": "text", "required": True},
        {"name": "book", "label": "Quyển số", "type": "text"},
    ],
}


def birth() -> dict:
    return copy.deepcopy(BIRTH)


def valid_data() -> dict:
    return {
        "child": {"full_name": "Nguyễn Minh An", "birth_date": "2026-02-20", "sex": "nam"},
        "mother": {
            "full_name": "Trần Thị Bình",
            "birth_date": "1995-04-12",
            "sex": "nu",
            "personal_id": "001195012345",
        },
        "phone": "0912345678",
        "relation": "me",
        "commitment": True,
    }


def errors_of(data, **kwargs):
    return eform.validate_data(birth(), data, today=TODAY, **kwargs)


@pytest.fixture
def provinces(db):
    Agency.objects.create(code="BN", name="Tỉnh Bắc Ninh", kind=Agency.Kind.PROVINCE)
    Agency.objects.create(code="HN", name="Thành phố Hà Nội", kind=Agency.Kind.CITY)
    Agency.objects.create(
        code="HT", name="Tỉnh Hà Tây", kind=Agency.Kind.PROVINCE, valid_until=dt.date(2008, 7, 31)
    )


# --- definitions ----------------------------------------------------------------


def test_the_sample_definition_is_valid(provinces):
    eform.validate_definition(birth())


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda d: d["sections"][0]["fields"].append(
                {"name": "x", "label": "X", "type": "blob"}
            ),
            "kiểu “blob” không được hỗ trợ",
        ),
        (
            lambda d: d["sections"][2]["fields"].append(
                {"name": "phone", "label": "P", "type": "text"}
            ),
            "“phone” bị trùng tên",
        ),
        (
            lambda d: d["sections"][2]["fields"].append(
                {"name": "s", "label": "S", "type": "radio"}
            ),
            "danh sách chọn trống",
        ),
        (
            lambda d: d["sections"][2]["fields"][4].update(codelist="planets"),
            "danh mục “planets” không tồn tại",
        ),
        (
            lambda d: d["sections"][2]["fields"][6].update(when={"field": "nope", "equals": 1}),
            "tham chiếu trường “nope” không tồn tại",
        ),
        (lambda d: d["rules"][0].update(other="mother.age"), "“mother.age” không tồn tại"),
        (lambda d: d["rules"][0].update(rule="sooner"), "“sooner” không được hỗ trợ"),
        (
            lambda d: d["sections"][2]["fields"][2].update(pattern="[0-9"),
            "biểu thức kiểm tra “[0-9” không hợp lệ",
        ),
        (
            lambda d: d["sections"][2]["fields"][2].update(source="cong_an.phone"),
            "nguồn dữ liệu “cong_an.phone” không hợp lệ",
        ),
        (
            lambda d: d["sections"][2]["fields"][2].update(source="eid.address"),
            "nguồn dữ liệu “eid.address” không hợp lệ",
        ),
        (lambda d: d["sections"][2]["fields"][2].update(name="Điện thoại"), "chữ thường"),
        (
            lambda d: d["sections"][3]["fields"][0]["fields"].append(
                {"name": "g", "label": "G", "type": "group", "fields": []}
            ),
            "không được hỗ trợ",
        ),
        (lambda d: d.pop("format"), "format"),
    ],
)
def test_validate_definition_names_each_problem_in_vietnamese(mutate, message):
    defn = birth()
    mutate(defn)
    with pytest.raises(ValidationError) as caught:
        eform.validate_definition(defn)
    assert any(message in text for text in caught.value.messages), caught.value.messages


def test_validate_definition_reports_every_problem_at_once():
    defn = birth()
    defn["sections"][2]["fields"][4]["codelist"] = "planets"
    defn["sections"][2]["fields"][6]["when"] = {"field": "nope", "equals": 1}
    defn["rules"][0]["other"] = "mother.age"
    with pytest.raises(ValidationError) as caught:
        eform.validate_definition(defn)
    assert len(caught.value.messages) == 3


def test_a_group_condition_may_name_a_sibling_but_a_top_level_one_not_a_sibling_of_a_group():
    defn = birth()
    defn["sections"][2]["fields"][6]["when"] = {"field": "relation_other", "equals": "x"}
    with pytest.raises(ValidationError):
        eform.validate_definition(defn)


# --- the compiled schema ------------------------------------------------------------


def test_the_compiled_schema_is_a_valid_2020_12_schema(provinces):
    schema = eform.json_schema(birth())
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["required"] == ["child", "mother", "phone", "relation", "commitment"]
    props = schema["properties"]
    assert props["child"]["properties"]["full_name"]["title"] == "Họ, chữ đệm và tên"
    assert props["child"]["required"] == ["full_name", "birth_date", "sex"]
    assert "Kinh" in props["child"]["properties"]["ethnicity"]["enum"]
    assert props["birth_place"]["properties"]["province"]["enum"] == [
        "Tỉnh Bắc Ninh",
        "Thành phố Hà Nội",
    ]
    assert props["members"]["type"] == "array" and props["members"]["maxItems"] == 2
    assert props["channel"]["oneOf"][1] == {"const": "post", "title": "Qua bưu điện"}
    assert props["registered_on"]["format"] == "date"
    assert {
        "if": {"properties": {"channel": {"const": "post"}}, "required": ["channel"]},
        "then": {"required": ["post_address"]},
    } in schema["allOf"]
    assert schema["x-motcua-rules"] == BIRTH["rules"]
    decision = eform.decision_schema(birth())
    Draft202012Validator.check_schema(decision)
    assert decision["required"] == ["register_number"]


@pytest.mark.parametrize(
    "change",
    [
        {},
        {"phone": "12345"},
        {"child": {"full_name": "An", "birth_date": "2026-02-30", "sex": "nam"}},
        {"child": {"full_name": "An", "birth_date": "2026-02-20", "sex": "x"}},
        {"copies": 11},
        {"copies": "hai"},
        {"fee": 1.5},
        {"relation": "hang_xom"},
        {"channel": "post"},
        {"channel": "post", "post_address": "Số 1 Tràng Tiền"},
        {"has_father": True},
        {
            "has_father": True,
            "father": {
                "full_name": "Lê Văn Cường",
                "birth_date": "1990-01-01",
                "sex": "nam",
                "personal_id": "001090012345",
            },
        },
        {"members": [{"full_name": "A"}, {"full_name": "B"}, {"full_name": "C"}]},
        {"members": [{"birth_date": "2000-01-01"}]},
        {"members": [{"full_name": "A", "relation": "khac"}]},
        {"documents": ["cs", "xx"]},
        {"email": "khong-phai-thu"},
        {"commitment": False},
        {"note": "x" * 21},
    ],
)
def test_plain_jsonschema_on_the_compiled_schema_gives_the_same_verdict(provinces, change):
    data = {**valid_data(), **change}
    data = {k: v for k, v in data.items() if v is not False or k != "commitment"}
    defn = birth()
    defn["rules"] = []
    defn["sections"][0]["fields"][0]["parts"].remove("birth_date")  # no date bound
    defn["sections"][0]["fields"][0]["required_parts"].remove("birth_date")
    defn["sections"][1]["fields"][0]["parts"] = ["full_name", "sex", "personal_id"]
    defn["sections"][1]["fields"][2]["parts"] = ["full_name", "sex", "personal_id"]
    for key in ("child", "mother", "father"):
        if key in data:
            data[key] = {k: v for k, v in data[key].items() if k != "birth_date"}
    ours = eform.validate_data(defn, data, today=TODAY)
    theirs = list(
        Draft202012Validator(eform.json_schema(defn), format_checker=FormatChecker()).iter_errors(
            data
        )
    )
    assert bool(ours) == bool(theirs), (ours, [e.message for e in theirs])


# --- field types and messages ------------------------------------------------------


def test_valid_data_has_no_errors(provinces):
    assert errors_of(valid_data()) == {}


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        ({"phone": ""}, "phone", "Vui lòng nhập “Số điện thoại”."),
        ({"phone": "12345"}, "phone", "“Số điện thoại” phải là số điện thoại hợp lệ"),
        ({"email": "ten.example.vn"}, "email", "địa chỉ thư điện tử hợp lệ, ví dụ ten@example.vn"),
        ({"relation": ""}, "relation", "Vui lòng chọn “Quan hệ với người được khai sinh”."),
        (
            {"relation": "hang_xom"},
            "relation",
            "Vui lòng chọn “Quan hệ với người được khai sinh” trong danh sách.",
        ),
        ({"channel": "email"}, "channel", "Vui lòng chọn “Cách nhận kết quả” trong danh sách."),
        ({"copies": 11}, "copies", "“Số bản sao” không được lớn hơn 10."),
        ({"copies": -1}, "copies", "“Số bản sao” không được nhỏ hơn 0."),
        ({"copies": "hai"}, "copies", "“Số bản sao” phải là một số."),
        ({"fee": 1500000}, "fee", "“Lệ phí” không được lớn hơn 1.000.000 đồng."),
        ({"fee": 12.5}, "fee", "“Lệ phí” phải là một số tiền (đồng), ví dụ 1.500.000."),
        (
            {"registered_on": "05/03/2026"},
            "registered_on",
            "“Ngày đăng ký” phải là một ngày hợp lệ, ví dụ 17/05/1990.",
        ),
        (
            {"registered_on": "2026-03-06"},
            "registered_on",
            "“Ngày đăng ký” không được sau ngày hôm nay.",
        ),
        (
            {"registered_on": "2019-12-31"},
            "registered_on",
            "“Ngày đăng ký” không được trước ngày 01/01/2020.",
        ),
        (
            {"documents": ["cs", "xx"]},
            "documents.1",
            "Vui lòng chọn “Giấy tờ kèm theo” trong danh sách.",
        ),
        ({"has_father": "có"}, "has_father", "“Có thông tin người cha” phải là Có hoặc Không."),
        (
            {"commitment": False},
            "commitment",
            "Vui lòng đánh dấu “Tôi cam đoan nội dung trên là đúng sự thật”.",
        ),
        ({"note": "x" * 21}, "note", "“Ghi chú” không được dài quá 20 ký tự."),
    ],
)
def test_each_field_type_checks_its_value_in_vietnamese(provinces, change, path, message):
    errors = errors_of({**valid_data(), **change})
    assert any(message in text for text in errors.get(path, [])), errors


def test_valid_values_of_each_type_pass(provinces):
    data = {
        **valid_data(),
        "copies": 2.5,
        "fee": 50000,
        "email": "an@example.vn",
        "phone": "+84912345678",
        "channel": "counter",
        "documents": ["cs", "kh"],
        "registered_on": "2026-03-05",
        "has_father": False,
        "birth_place": {"province": "Tỉnh Bắc Ninh", "commune": "Phường Kinh Bắc", "detail": "1"},
    }
    assert errors_of(data) == {}


def test_person_block_parts_are_required_and_checked_with_the_block_label(provinces):
    data = valid_data()
    data["mother"] = {"full_name": "", "birth_date": "1995-13-01", "personal_id": "12345"}
    errors = errors_of(data)
    assert errors["mother.full_name"] == ["Vui lòng nhập “Họ, chữ đệm và tên” của Người mẹ."]
    assert errors["mother.birth_date"] == [
        "“Ngày sinh” của Người mẹ phải là một ngày hợp lệ, ví dụ 17/05/1990."
    ]
    assert errors["mother.sex"] == ["Vui lòng chọn “Giới tính” của Người mẹ."]
    assert errors["mother.personal_id"] == ["Số định danh cá nhân gồm 12 chữ số."]


def test_a_person_s_birth_date_may_not_be_in_the_future(provinces):
    data = valid_data()
    data["child"]["birth_date"] = "2026-03-06"
    assert errors_of(data)["child.birth_date"] == [
        "“Ngày sinh” của Người được khai sinh không được sau ngày hôm nay."
    ]


def test_address_province_must_be_a_current_province(provinces):
    data = {**valid_data(), "birth_place": {"province": "Tỉnh Hà Tây", "commune": "Xã A"}}
    assert errors_of(data)["birth_place.province"] == [
        "Vui lòng chọn “Tỉnh, thành phố” của Nơi sinh trong danh sách."
    ]


def test_address_commune_must_be_loaded_under_the_province_when_any_is(provinces):
    province = Agency.objects.get(code="BN")
    Agency.objects.create(
        code="BN.KB", name="Phường Kinh Bắc", kind=Agency.Kind.COMMUNE, parent=province
    )
    wrong = {**valid_data(), "birth_place": {"province": "Tỉnh Bắc Ninh", "commune": "Xã Lạ"}}
    assert "birth_place.commune" in errors_of(wrong)
    right = {
        **valid_data(),
        "birth_place": {"province": "Tỉnh Bắc Ninh", "commune": "Phường Kinh Bắc"},
    }
    assert errors_of(right) == {}
    assert eform.communes("Tỉnh Bắc Ninh") == ["Phường Kinh Bắc"]


def test_a_required_address_needs_its_parts(provinces):
    defn = birth()
    defn["sections"][0]["fields"][1]["required"] = True
    data = {**valid_data(), "birth_place": {"province": "Tỉnh Bắc Ninh"}}
    errors = eform.validate_data(defn, data, today=TODAY)
    assert errors["birth_place.commune"] == ["Vui lòng nhập “Xã, phường, đặc khu” của Nơi sinh."]
    assert "birth_place.detail" in errors


# --- groups -----------------------------------------------------------------------------


def test_group_items_are_checked_by_path_and_max_items(provinces):
    data = {
        **valid_data(),
        "members": [{"full_name": "A"}, {"birth_date": "1990-02-31"}, {"full_name": "C"}],
    }
    errors = errors_of(data)
    assert errors["members.1.full_name"] == [
        "Vui lòng nhập “Họ, chữ đệm và tên” của Thành viên thứ 2."
    ]
    assert errors["members.1.birth_date"] == [
        "“Ngày sinh” của Thành viên thứ 2 phải là một ngày hợp lệ, ví dụ 17/05/1990."
    ]
    assert errors["members"] == ["“Thành viên hộ gia đình” chỉ được có tối đa 2 thành viên."]


def test_a_required_group_needs_min_items(provinces):
    defn = birth()
    defn["sections"][3]["fields"][0].update(required=True, min_items=2)
    errors = eform.validate_data(defn, {**valid_data(), "members": [{"full_name": "A"}]})
    assert errors["members"] == ["“Thành viên hộ gia đình” phải có ít nhất 2 thành viên."]
    errors = eform.validate_data(defn, valid_data(), today=TODAY)
    assert errors["members"] == ["Vui lòng nhập “Thành viên hộ gia đình”."]
    assert eform.validate_data(defn, valid_data(), strict=False, today=TODAY) == {}


def test_a_condition_inside_a_group_reads_the_sibling(provinces):
    data = {**valid_data(), "members": [{"full_name": "A", "relation": "khac"}]}
    assert errors_of(data) == {
        "members.0.relation_other": ["Vui lòng nhập “Quan hệ khác” của Thành viên thứ 1."]
    }
    data["members"][0]["relation"] = "con"
    data["members"][0]["relation_other"] = "hàng xóm"
    assert errors_of(data) == {}
    assert "relation_other" not in eform.clean_data(birth(), data)["members"][0]


# --- conditions ---------------------------------------------------------------------------


def test_a_hidden_field_is_not_required_and_its_value_is_dropped(provinces):
    data = {**valid_data(), "channel": "counter", "post_address": "x" * 900}
    assert errors_of(data) == {}
    assert "post_address" not in eform.clean_data(birth(), data)


def test_a_shown_field_is_required(provinces):
    errors = errors_of({**valid_data(), "channel": "post"})
    assert errors == {"post_address": ["Vui lòng nhập “Địa chỉ nhận qua bưu điện”."]}


def test_a_shown_person_block_is_required_with_its_parts(provinces):
    errors = errors_of({**valid_data(), "has_father": True})
    assert errors == {"father": ["Vui lòng nhập “Người cha”."]}
    errors = errors_of({**valid_data(), "has_father": True, "father": {"full_name": "Lê Văn C"}})
    assert set(errors) == {"father.birth_date", "father.sex", "father.personal_id"}
    hidden = {**valid_data(), "has_father": False, "father": {"full_name": "Lê Văn C"}}
    assert errors_of(hidden) == {}


def test_conditions_chain(provinces):
    defn = birth()
    defn["sections"][2]["fields"].append(
        {
            "name": "tracking",
            "label": "Mã bưu gửi",
            "type": "text",
            "required": True,
            "when": {"field": "post_address", "filled": True},
        }
    )
    data = {**valid_data(), "channel": "counter", "post_address": "Số 1", "tracking": ""}
    assert eform.validate_data(defn, data, today=TODAY) == {}
    cleaned = eform.clean_data(defn, {**data, "tracking": "EA1"})
    assert "tracking" not in cleaned and "post_address" not in cleaned


def test_clean_data_drops_unknown_keys_and_parts():
    data = {**valid_data(), "hacker": 1}
    data["child"]["shoe_size"] = 42
    cleaned = eform.clean_data(birth(), data)
    assert "hacker" not in cleaned and "shoe_size" not in cleaned["child"]
    assert cleaned["mother"] == valid_data()["mother"]


# --- cross-field rules ---------------------------------------------------------------------


def test_child_birth_date_after_the_mother_s(provinces):
    data = valid_data()
    data["child"]["birth_date"] = "1990-01-01"
    errors = errors_of(data)
    assert "Ngày sinh của trẻ phải sau ngày sinh của người mẹ." in errors["child.birth_date"]


def test_mother_age_at_least_at_the_child_s_birth(provinces):
    data = valid_data()
    data["mother"]["birth_date"] = "2010-03-01"
    assert errors_of(data)["mother.birth_date"] == ["Người mẹ phải đủ 16 tuổi khi sinh con."]
    data["mother"]["birth_date"] = "2010-02-20"  # 16 on the very day
    assert errors_of(data) == {}


def test_age_at_least_today(provinces):
    defn = birth()
    defn["rules"] = [
        {
            "rule": "age_at_least",
            "field": "mother.birth_date",
            "years": 18,
            "message": "Người yêu cầu phải đủ 18 tuổi.",
        }
    ]
    data = valid_data()
    data["mother"]["birth_date"] = "2008-03-06"
    assert eform.validate_data(defn, data, today=TODAY)["mother.birth_date"] == [
        "Người yêu cầu phải đủ 18 tuổi."
    ]
    data["mother"]["birth_date"] = "2008-03-05"
    assert eform.validate_data(defn, data, today=TODAY) == {}


def test_different_and_rules_hold_when_a_side_is_empty(provinces):
    data = {**valid_data(), "has_father": True}
    data["father"] = {**data["mother"], "full_name": "Lê Văn Cường", "sex": "nam"}
    assert errors_of(data)["father.personal_id"] == ["Số định danh của cha và mẹ phải khác nhau."]
    data = valid_data()
    del data["child"]["birth_date"]
    assert "child.birth_date" in errors_of(data)  # required, not the rule
    assert errors_of(data, strict=False) == {}


def test_a_rule_on_group_items_is_checked_for_each_item(provinces):
    data = {
        **valid_data(),
        "registered_on": "2026-01-01",
        "members": [
            {"full_name": "A", "birth_date": "1990-01-01"},
            {"full_name": "B", "birth_date": "2026-02-01"},
        ],
    }
    assert errors_of(data) == {
        "members.1.birth_date": ["Ngày sinh của thành viên phải trước ngày đăng ký."]
    }


def test_a_draft_may_be_incomplete_but_not_wrong(provinces):
    assert errors_of({}, strict=False) == {}
    assert errors_of({"phone": "12"}, strict=False).keys() == {"phone"}
    assert set(errors_of({})) == {"child", "mother", "phone", "relation", "commitment"}


def test_non_object_data_is_refused(provinces):
    assert eform.validate_data(birth(), ["x"]) == {
        "": ["Dữ liệu biểu mẫu phải là một đối tượng JSON."]
    }


def test_validate_decision_is_always_strict(provinces):
    assert eform.validate_decision(birth(), {}) == {
        "register_number": ["Vui lòng nhập “Số đăng ký”."]
    }
    assert eform.validate_decision(birth(), {"register_number": "12/2026"}) == {}


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
