"""The sample birth-registration definition and data the engine's tests share."""

from __future__ import annotations

import copy
import datetime as dt

from motcua.catalog import eform

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
