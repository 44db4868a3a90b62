"""The form engine (catalog.eform): definitions, the compiled JSON Schema, validation
with Vietnamese messages, field types, groups, conditions and cross-field rules."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from jsonschema import Draft202012Validator, FormatChecker

from motcua.agencies.models import Agency
from motcua.catalog import eform

from .eform_sample import BIRTH, TODAY, birth, errors_of, valid_data

# --- definitions ----------------------------------------------------------------


def test_the_meta_schema_is_a_valid_json_schema():
    Draft202012Validator.check_schema(eform.META_SCHEMA)  # raises SchemaError if not


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


def test_a_province_added_after_a_check_is_accepted_by_the_next_one(provinces):
    # The compiled validator is kept between checks, but not past a change of the
    # provinces it enumerates.
    data = {**valid_data(), "birth_place": {"province": "Tỉnh Lạng Sơn", "commune": "Xã A"}}
    assert "birth_place.province" in errors_of(data)
    Agency.objects.create(code="LS", name="Tỉnh Lạng Sơn", kind=Agency.Kind.PROVINCE)
    assert "birth_place.province" not in errors_of(data)


def test_checks_in_one_block_read_the_provinces_and_communes_once(
    provinces, django_assert_num_queries
):
    province = Agency.objects.get(code="BN")
    Agency.objects.create(
        code="BN.KB", name="Phường Kinh Bắc", kind=Agency.Kind.COMMUNE, parent=province
    )
    defn = eform.upgrade([{"name": "home", "label": "Nơi ở", "type": "address"}])
    wrong = {"home": {"province": "Tỉnh Bắc Ninh", "commune": "Xã A", "detail": "1"}}
    right = {"home": {"province": "Tỉnh Bắc Ninh", "commune": "Phường Kinh Bắc", "detail": "1"}}
    assert "home.commune" in eform.validate_data(defn, wrong)  # compiled and kept
    # The provinces and the communes of the chosen province come in one query.
    with django_assert_num_queries(1), eform.reads_once():
        for _ in range(3):
            assert "home.commune" in eform.validate_data(defn, wrong)
            assert eform.validate_data(defn, right) == {}
