"""The generic e-form (a v2 definition from the data sources) and the definition checks."""

import pytest
from django.core.exceptions import ValidationError

from motcua.catalog.eform import leaf_fields, validate_definition
from motcua.catalog.formschema import default_schema


def names(schema):
    return [path for path, _field in leaf_fields(schema)]


def test_default_schema_is_valid():
    validate_definition(default_schema(["dan_cu", "dang_ky_kinh_doanh", "dat_dai"]))


def test_default_schema_includes_business_fields_when_the_business_registry_is_a_source():
    assert {"tax_code", "business_name", "head_office"} <= set(
        names(default_schema(["dang_ky_kinh_doanh"]))
    )


def test_default_schema_has_no_business_fields_without_the_business_registry():
    assert "tax_code" not in names(default_schema(["dan_cu"]))


def test_default_schema_includes_the_land_parcel_when_land_is_a_source():
    assert "land_parcel" in names(default_schema(["dat_dai"]))


def test_default_schema_ends_with_the_request_note():
    assert names(default_schema([]))[-1] == "request_note"


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        ({"name": "x"}, "format"),
        ("x", "đối tượng JSON"),
        (["x"], "không hợp lệ"),
        ([{"name": "Họ tên", "label": "Họ tên", "type": "text"}], "chữ thường"),
        (
            [
                {"name": "a", "label": "A", "type": "text"},
                {"name": "a", "label": "B", "type": "text"},
            ],
            "bị trùng",
        ),
        ([{"name": "a", "type": "text"}], "thiếu nhãn"),
        ([{"name": "a", "label": "A", "type": "file"}], "không được hỗ trợ"),
        ([{"name": "a", "label": "A", "type": "select"}], "danh sách chọn trống"),
        ([{"name": "a", "label": "A", "type": "text", "source": "cong_an.x"}], "nguồn dữ liệu"),
    ],
)
def test_validate_definition_rejects_an_invalid_schema(schema, message):
    with pytest.raises(ValidationError) as caught:
        validate_definition(schema)
    assert any(message in text for text in caught.value.messages)


def test_validate_definition_reports_every_problem():
    with pytest.raises(ValidationError) as caught:
        validate_definition([{"name": "A"}, {"name": "b", "label": "B", "type": "blob"}])
    assert len(caught.value.messages) == 4


def test_validate_definition_accepts_a_select_with_choices():
    validate_definition(
        [
            {
                "name": "gender",
                "label": "Giới tính",
                "type": "select",
                "choices": [["m", "Nam"], ["f", "Nữ"]],
            }
        ]
    )


def test_default_schema_is_a_v2_definition_in_the_legacy_sections():
    schema = default_schema(["dan_cu", "dang_ky_kinh_doanh", "dat_dai"])
    assert schema["format"] == "motcua-eform/2"
    assert [s["title"] for s in schema["sections"]] == [
        "Thông tin người nộp hồ sơ",
        "Thông tin doanh nghiệp",
        "Thông tin thửa đất",
        "Nội dung đề nghị",
    ]
