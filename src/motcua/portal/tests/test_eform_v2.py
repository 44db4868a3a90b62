"""The v2 e-form (docs/EFORMS.md) in the portal: every field type rendered and read back,
repeatable groups without JavaScript, conditional fields, locked registry values in a
person block, components the e-form replaces, and the same errors as the API."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from motcua.catalog.models import ProcedureVersion
from motcua.dossiers.models import Dossier, Status
from tests.factories import offered_version

from .conftest import applicant_of, pdf_file

pytestmark = pytest.mark.django_db

DEFINITION = {
    "format": "motcua-eform/2",
    "title": "Tờ khai thử nghiệm",
    "legal_form": "Mẫu thử nghiệm",
    "replaces": ["Tờ khai"],
    "sections": [
        {
            "key": "parent",
            "title": "Người yêu cầu",
            "fields": [
                {
                    "name": "mother",
                    "label": "Người mẹ",
                    "type": "person",
                    "required": True,
                    "parts": ["full_name", "birth_date", "sex", "personal_id", "residence"],
                    "required_parts": ["full_name", "birth_date"],
                },
                {"name": "phone", "label": "Số điện thoại liên hệ", "type": "phone"},
            ],
        },
        {
            "key": "request",
            "title": "Nội dung yêu cầu",
            "fields": [
                {"name": "child_name", "label": "Họ tên của trẻ", "type": "text", "required": True},
                {"name": "child_birth", "label": "Ngày sinh của trẻ", "type": "date"},
                {"name": "copies", "label": "Số bản sao", "type": "number", "min": 1, "max": 10},
                {"name": "income", "label": "Thu nhập hằng tháng", "type": "money"},
                {
                    "name": "purpose",
                    "label": "Mục đích",
                    "type": "radio",
                    "choices": [["work", "Xin việc"], ["other", "Mục đích khác"]],
                },
                {
                    "name": "purpose_other",
                    "label": "Nêu rõ mục đích",
                    "type": "text",
                    "required": True,
                    "when": {"field": "purpose", "equals": "other"},
                },
                {
                    "name": "ethnicity",
                    "label": "Dân tộc",
                    "type": "select",
                    "codelist": "ethnicities",
                },
                {
                    "name": "languages",
                    "label": "Ngôn ngữ sử dụng",
                    "type": "checkboxes",
                    "choices": [["vi", "Tiếng Việt"], ["en", "Tiếng Anh"]],
                },
                {"name": "married", "label": "Đã kết hôn", "type": "yesno"},
                {"name": "note", "label": "Ghi chú thêm", "type": "textarea"},
                {
                    "name": "members",
                    "label": "Thành viên hộ gia đình",
                    "type": "group",
                    "item_label": "Thành viên",
                    "min_items": 1,
                    "fields": [
                        {
                            "name": "full_name",
                            "label": "Họ và tên",
                            "type": "text",
                            "required": True,
                        },
                        {"name": "birth_date", "label": "Ngày sinh", "type": "date"},
                    ],
                },
                {
                    "name": "consent",
                    "label": "Tôi cam đoan khai đúng sự thật",
                    "type": "checkbox",
                    "required": True,
                },
            ],
        },
    ],
}


@pytest.fixture
def v2_version(commune):
    version = offered_version(
        "HT.V2", [commune], components=[("Tờ khai", ""), ("Giấy chứng sinh", "")]
    )
    ProcedureVersion.objects.filter(pk=version.pk).update(form_schema=DEFINITION)
    version.refresh_from_db()
    return version


@pytest.fixture
def draft(citizen, v2_version, commune):
    def make(form_data=None, sources=None):
        return Dossier.objects.create(
            applicant=applicant_of(citizen),
            procedure_version=v2_version,
            agency=commune,
            status=Status.DRAFT,
            form_data=form_data or {},
            prefill_sources=sources or {},
        )

    return make


def url(dossier, step="khai"):
    return f"/ho-so/{dossier.public_id}/{step}/"


COMPLETE = {
    "mother__full_name": "Trần Thị Bình",
    "mother__birth_date": "02/03/1992",
    "mother__sex": "nu",
    "mother__personal_id": "001192000123",
    "mother__residence__province": "",
    "phone": "0912 345 678",
    "child_name": "Nguyễn Minh Khôi",
    "child_birth": "15/01/2025",
    "copies": "2",
    "income": "1.500.000",
    "purpose": "work",
    "ethnicity": "Kinh",
    "languages": ["vi", "en"],
    "married": "true",
    "note": "Không",
    "members__count": "1",
    "members__0__full_name": "Lê Văn Dũng",
    "members__0__birth_date": "17/05/1990",
    "consent": "on",
}


def test_every_field_type_is_rendered_with_its_label_and_input(citizen_client, draft):
    dossier = draft()
    body = citizen_client.get(url(dossier)).content.decode()
    # Sections as fieldsets with a heading; blocks and groups as fieldsets.
    assert '<fieldset class="eform-section" id="section-parent">' in body
    assert "<h2>Người yêu cầu</h2>" in body
    assert "<legend>Người mẹ" in body and "<legend>Thành viên 1</legend>" in body
    # Every input has a label tied to it.
    for name in ("mother__full_name", "child_name", "child_birth", "income", "note", "copies"):
        assert f'for="id_{name}"' in body and f'name="{name}"' in body
    # A date is typed dd/mm/yyyy in a text input with a numeric keypad.
    assert 'name="child_birth" id="id_child_birth" value="" inputmode="numeric" ' in body
    assert 'placeholder="dd/mm/yyyy"' in body
    assert '<textarea name="note"' in body
    # Radios and checkboxes in a fieldset with a legend; yes/no as Có / Không.
    assert 'type="radio" name="purpose" value="other"' in body
    assert 'type="checkbox" name="languages" value="en"' in body
    assert 'type="radio" name="married" value="true"' in body
    assert 'type="checkbox" name="consent"' in body
    # A long code list as a select; the address's province list.
    assert '<option value="Kinh">' in body
    assert 'name="mother__residence__province"' in body
    # A group: the count, one item (min_items), "Thêm" and no "Xóa" under the minimum.
    assert 'name="members__count" value="1"' in body
    assert 'value="add:members"' in body and "Thêm thành viên" in body
    assert 'value="remove:members.0"' not in body
    # The conditional field is rendered hidden, for the script to show.
    assert 'data-when-name="purpose"' in body
    assert "portal/eform.js" in body


def test_values_are_read_back_typed(citizen_client, draft):
    dossier = draft()
    response = citizen_client.post(url(dossier), {**COMPLETE, "action": "save"})
    assert response.status_code == 302, response.content.decode()[:3000]
    dossier.refresh_from_db()
    data = dossier.form_data
    assert data["child_birth"] == "2025-01-15"
    assert data["mother"]["birth_date"] == "1992-03-02"
    assert data["income"] == 1500000
    assert data["copies"] == 2
    assert data["phone"] == "0912345678"
    assert data["languages"] == ["vi", "en"]
    assert data["married"] is True and data["consent"] is True
    assert data["members"] == [{"full_name": "Lê Văn Dũng", "birth_date": "1990-05-17"}]
    # Shown again as typed: dd/mm/yyyy and money with dots.
    body = citizen_client.get(url(dossier)).content.decode()
    assert 'value="15/01/2025"' in body and 'value="1.500.000"' in body


def test_a_wrong_date_and_money_get_vietnamese_messages_at_their_fields(citizen_client, draft):
    dossier = draft()
    post = {**COMPLETE, "child_birth": "31/02/2025", "income": "1,5 triệu", "action": "save"}
    response = citizen_client.post(url(dossier), post)
    assert response.status_code == 200
    body = response.content.decode()
    assert "“Ngày sinh của trẻ” phải là một ngày hợp lệ" in body
    assert "“Thu nhập hằng tháng” phải là số tiền bằng đồng" in body
    # Tied to the field, listed in the summary with a link, and what was typed kept.
    assert 'aria-describedby="id_child_birth_error"' in body
    assert 'href="#id_child_birth"' in body
    assert 'value="31/02/2025"' in body
    dossier.refresh_from_db()
    assert dossier.form_data == {}


def test_engine_errors_appear_at_the_right_field(citizen_client, draft):
    dossier = draft()
    post = {**COMPLETE, "copies": "50", "members__0__full_name": "", "action": "next"}
    response = citizen_client.post(url(dossier), post)
    assert response.status_code == 200
    errors = response.context["eform"]["summary"]
    paths = {e["anchor"] for e in errors}
    assert "id_copies" in paths and "id_members__0__full_name" in paths
    body = response.content.decode()
    assert 'id="id_members__0__full_name_error"' in body
    assert 'id="id_copies_error"' in body


def test_adding_and_removing_group_items_without_javascript_keeps_the_answers(
    citizen_client, draft
):
    dossier = draft()
    response = citizen_client.post(url(dossier), {**COMPLETE, "action": "add:members"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<legend>Thành viên 2</legend>" in body
    assert 'name="members__count" value="2"' in body
    assert 'value="Nguyễn Minh Khôi"' in body  # the other answers are still there
    dossier.refresh_from_db()
    assert dossier.form_data["child_name"] == "Nguyễn Minh Khôi"  # the draft was saved
    # Fill the second member, then remove the first: the second moves up.
    post = {
        **COMPLETE,
        "members__count": "2",
        "members__1__full_name": "Nguyễn Thị Cúc",
        "members__1__birth_date": "01/06/2015",
        "action": "remove:members.0",
    }
    response = citizen_client.post(url(dossier), post)
    body = response.content.decode()
    assert 'name="members__count" value="1"' in body
    assert (
        'name="members__0__full_name" id="id_members__0__full_name" value="Nguyễn Thị Cúc"' in body
    )
    assert "Lê Văn Dũng" not in body
    dossier.refresh_from_db()
    assert dossier.form_data["members"] == [
        {"full_name": "Nguyễn Thị Cúc", "birth_date": "2015-06-01"}
    ]
    assert dossier.form_data["income"] == 1500000


def test_a_hidden_conditional_field_is_dropped_and_not_required(citizen_client, draft):
    dossier = draft()
    post = {**COMPLETE, "purpose": "work", "purpose_other": "Đi du học", "action": "next"}
    response = citizen_client.post(url(dossier), post)
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert "purpose_other" not in dossier.form_data
    # Shown and required when its condition holds.
    post = {**COMPLETE, "purpose": "other", "purpose_other": "", "action": "next"}
    response = citizen_client.post(url(dossier), post)
    assert response.status_code == 200
    assert "id_purpose_other" in {e["anchor"] for e in response.context["eform"]["summary"]}
    body = response.content.decode()
    assert 'id="id_purpose_other_field" data-when-name="purpose"' in body
    assert (
        'id="id_purpose_other_field" data-when-name="purpose" data-when-equals="&quot;other&quot;">'
        in body
    )


def test_a_locked_part_of_a_person_block_is_refused_when_tampered(citizen_client, draft):
    dossier = draft(
        form_data={"mother": {"full_name": "Trần Thị Bình", "personal_id": "001192000123"}},
        sources={"mother.full_name": "dan_cu", "mother.personal_id": "dan_cu"},
    )
    body = citizen_client.get(url(dossier)).content.decode()
    assert "Dữ liệu từ CSDL quốc gia – nguồn:" in body
    assert 'id="id_mother__full_name_source"' in body
    assert (
        'name="mother__full_name" id="id_mother__full_name" value="Trần Thị Bình" '
        'autocomplete="name" aria-required="true" readonly '
        'aria-describedby="id_mother__full_name_source"'
    ) in body
    post = {**COMPLETE, "mother__full_name": "Người Khác", "action": "save"}
    response = citizen_client.post(url(dossier), post)
    assert response.status_code == 200
    assert "được lấy từ" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.form_data["mother"]["full_name"] == "Trần Thị Bình"
    # The same value, or none posted (a read-only field left out), is kept.
    post = {**COMPLETE, "action": "save"}
    post.pop("mother__full_name")
    assert citizen_client.post(url(dossier), post).status_code == 302
    dossier.refresh_from_db()
    assert dossier.form_data["mother"]["full_name"] == "Trần Thị Bình"


def test_a_verified_address_is_locked_part_by_part(citizen_client, draft):
    home = {"province": "Tỉnh Bắc Ninh", "commune": "Phường Kinh Bắc", "detail": "Số 5 Lý Bôn"}
    dossier = draft(
        form_data={"mother": {"full_name": "Trần Thị Bình", "residence": home}},
        sources={"mother.full_name": "dan_cu", "mother.residence": "dan_cu"},
    )
    body = citizen_client.get(url(dossier)).content.decode()
    assert (
        'name="mother__residence__detail" id="id_mother__residence__detail" value="Số 5 Lý Bôn"'
        in body
    )
    detail = body.split('id="id_mother__residence__detail"', 1)[1].split(">", 1)[0]
    assert "readonly" in detail
    forged = {
        **COMPLETE,
        "mother__residence__province": "Thành phố Hà Nội",
        "mother__residence__detail": "forged",
        "action": "save",
    }
    response = citizen_client.post(url(dossier), forged)
    assert response.status_code == 200 and "được lấy từ" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.form_data["mother"]["residence"] == home
    # Posted back unchanged (as the read-only inputs send it), it is kept.
    same = {**COMPLETE, "action": "save"}
    same.update({f"mother__residence__{k}": v for k, v in home.items()})
    assert citizen_client.post(url(dossier), same).status_code == 302
    dossier.refresh_from_db()
    assert dossier.form_data["mother"]["residence"] == home


def test_a_crafted_group_index_is_ignored_not_a_server_error(citizen_client, draft):
    dossier = draft()
    huge = "9" * 5000
    post = {**COMPLETE, "action": "save"}
    post.pop("members__count")
    post[f"members__{huge}__full_name"] = "x"
    form = "application/x-www-form-urlencoded"
    send = lambda data: citizen_client.post(url(dossier), urlencode(data, doseq=True), form)  # noqa: E731
    assert send(post).status_code in (200, 302)
    assert send({**COMPLETE, "action": f"remove:members.{huge}"}).status_code in (200, 302)


def test_replaced_components_are_not_asked_for(citizen_client, draft, v2_version):
    dossier = draft()
    assert citizen_client.post(url(dossier), {**COMPLETE, "action": "next"}).status_code == 302
    body = citizen_client.get(url(dossier, "giay-to")).content.decode()
    assert "bạn đã khai nội dung này trong tờ khai điện tử" in body
    review = citizen_client.get(url(dossier, "xem-lai"))
    problems = review.context["problems"]
    assert any("Giấy chứng sinh" in p for p in problems)
    assert not any("“Tờ khai”" in p for p in problems)
    other = v2_version.components.get(name="Giấy chứng sinh")
    citizen_client.post(
        url(dossier, "giay-to/tai-len"), {"component": other.pk, "file": pdf_file()}
    )
    response = citizen_client.post(url(dossier, "nop"))
    assert response.status_code == 302, response.context and response.context["problems"]
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED


def test_review_shows_the_sections_as_read(citizen_client, draft):
    dossier = draft()
    citizen_client.post(url(dossier), {**COMPLETE, "action": "save"})
    body = citizen_client.get(url(dossier, "xem-lai")).content.decode()
    assert "<h3>Nội dung yêu cầu</h3>" in body
    assert "15/01/2025" in body and "1.500.000 đồng" in body and "Xin việc" in body


def test_submission_checks_the_form_strictly(citizen_client, draft):
    dossier = draft(form_data={"child_name": "Nguyễn Minh Khôi"})
    response = citizen_client.post(url(dossier, "nop"))
    assert response.status_code == 400
    problems = response.context["problems"]
    assert any("Người mẹ" in p for p in problems)
    assert any("Tôi cam đoan" in p for p in problems)


def _errors_of(response) -> dict:
    """Path → messages of the fields in error on a rendered form."""
    found = {}

    def walk(node):
        if node.get("errors"):
            found[node["path"]] = list(node["errors"])
        for child in node.get("children") or []:
            walk(child)
        for item in node.get("items") or []:
            for child in item["children"]:
                walk(child)

    for section in response.context["eform"]["sections"]:
        for node in section["nodes"]:
            walk(node)
    return found
