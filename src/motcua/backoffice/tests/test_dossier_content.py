"""Officers read the submitted form as a document, see what a supplement changed, and
the specialist records the assessment that the leader then reads."""

import html

import pytest
from django.urls import reverse

from motcua.agencies.models import Role
from motcua.dossiers import services
from motcua.dossiers.models import Status
from tests.assessment_forms import DECISION, SOURCES, data, use_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def form_version(version):
    return use_form(version)


@pytest.fixture
def filed(make_dossier, form_version):
    """A dossier in process whose mother's data came from the population registry."""
    return make_dossier(
        Status.IN_PROCESS,
        procedure_version=form_version,
        form_data=data(),
        prefill_sources=SOURCES,
    )


def page_of(client, dossier):
    response = client.get(reverse("backoffice:dossier", args=[dossier.public_id]))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def decide(client, dossier, **fields):
    return client.post(reverse("backoffice:record_decision", args=[dossier.public_id]), fields)


VALID_POST = {
    "register_number": "125/2026",
    "register_date": "20/01/2026",
    "fee_collected": "8.000",
    "has_notes": "co",
    "notes-rows": "1",
    "notes-0-content": "Cha chưa nhận con",
    "notes-0-noted_on": "20/01/2026",
}


def test_the_page_shows_the_form_as_a_document(client, agency, officer_of, filed):
    client.force_login(officer_of(agency))
    page = page_of(client, filed)
    assert "Mẫu Tờ khai đăng ký khai sinh, Thông tư 04/2024/TT-BTP" in page
    assert "Người được khai sinh" in page and "Người mẹ" in page
    assert "Nguyễn Minh An" in page
    assert "15/01/2026" in page  # dates as dd/mm/yyyy
    assert "Bệnh viện" in page  # a choice by its label, not "benh_vien"
    assert "benh_vien" not in page


def test_a_value_verified_by_a_registry_carries_its_badge(client, agency, officer_of, filed):
    client.force_login(officer_of(agency))
    page = page_of(client, filed)
    name_row = page.split('data-path="mother.full_name"', 1)[1].split("</dd>", 1)[0]
    assert "Trần Thị Bích" in name_row
    assert "Đã xác thực – CSDL quốc gia về dân cư" in name_row
    typed_row = page.split('data-path="child_name"', 1)[1].split("</dd>", 1)[0]
    assert "Đã xác thực" not in typed_row


def test_the_changes_of_the_last_supplement_are_listed(
    client, agency, officer_of, make_dossier, form_version
):
    desk = officer_of(agency)
    dossier = make_dossier(Status.DRAFT, procedure_version=form_version, form_data=data())
    services.transition(dossier, "submit")
    services.transition(dossier, "receive", by=desk)
    services.transition(dossier, "request_supplement", by=desk, note="Sai tên của trẻ")
    client.force_login(desk)
    assert "Thay đổi khi bổ sung" not in page_of(client, dossier)
    services.update_form_on_supplement(dossier, by=None, data=data(child_name="Nguyễn Minh Anh"))
    services.transition(dossier, "provide_supplement")
    page = page_of(client, dossier)
    block = page.split("Thay đổi khi bổ sung", 1)[1].split("</table>", 1)[0]
    assert "Họ, chữ đệm, tên" in block
    assert block.index("Nguyễn Minh An<") < block.index("Nguyễn Minh Anh<")


def test_the_specialist_records_the_assessment_and_the_leader_reads_it(
    client, agency, officer_of, filed
):
    specialist = officer_of(agency, Role.SPECIALIST)
    client.force_login(specialist)
    page = page_of(client, filed)
    assert "Kết quả thẩm định" in page and 'name="register_number"' in page
    response = decide(client, filed, **VALID_POST)
    assert response.status_code == 302
    filed.refresh_from_db()
    assert filed.decision_data == DECISION

    client.force_login(officer_of(agency, Role.LEADER))
    page = page_of(client, filed)
    section = page.split('id="assessment-title"', 1)[1]
    assert "125/2026" in section and "20/01/2026" in section
    assert "8.000 đồng" in section and "Cha chưa nhận con" in section
    assert 'name="register_number"' not in page  # read-only for the leader
    assert reverse("backoffice:record_decision", args=[filed.public_id]) not in page


def test_the_recorded_assessment_fills_the_form_again(client, agency, officer_of, filed):
    specialist = officer_of(agency, Role.SPECIALIST)
    services.record_decision(filed, by=specialist, data=DECISION)
    client.force_login(specialist)
    page = page_of(client, filed)
    assert 'value="125/2026"' in page and 'value="20/01/2026"' in page
    assert 'value="8.000"' in page and 'value="Cha chưa nhận con"' in page


def test_errors_are_shown_at_their_field_in_vietnamese(client, agency, officer_of, filed):
    client.force_login(officer_of(agency, Role.SPECIALIST))
    response = decide(
        client,
        filed,
        **{**VALID_POST, "register_number": "", "register_date": "32/13/2026"},
    )
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    date_errors = page.split('data-field="register_date"', 1)[1].split("</ul>", 1)[0]
    assert "Nhập ngày theo dạng ngày/tháng/năm, ví dụ 05/03/2026." in date_errors
    filed.refresh_from_db()
    assert filed.decision_data == {}


def test_a_missing_required_value_is_named_at_its_field(client, agency, officer_of, filed):
    client.force_login(officer_of(agency, Role.SPECIALIST))
    response = decide(client, filed, **{**VALID_POST, "register_number": "", "notes-0-content": ""})
    assert response.status_code == 400
    page = html.unescape(response.content.decode())
    number_errors = page.split('data-field="register_number"', 1)[1].split("</ul>", 1)[0]
    assert "Vui lòng nhập “Số đăng ký”." in number_errors
    row_errors = page.split('data-field="notes-0-content"', 1)[1].split("</ul>", 1)[0]
    assert "Vui lòng nhập “Nội dung” của Ghi chú thứ 1." in row_errors
    assert 'value="20/01/2026"' in page  # what was typed is kept
    filed.refresh_from_db()
    assert filed.decision_data == {}


def test_a_row_is_added_to_a_group_without_saving(client, agency, officer_of, filed):
    client.force_login(officer_of(agency, Role.SPECIALIST))
    response = decide(client, filed, **VALID_POST, add_row="notes")
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert 'name="notes-1-content"' in page and 'value="Cha chưa nhận con"' in page
    filed.refresh_from_db()
    assert filed.decision_data == {}


def test_only_the_specialist_records_the_assessment(client, agency, officer_of, filed):
    for role in (Role.DESK_OFFICER, Role.LEADER):
        client.force_login(officer_of(agency, role))
        assert decide(client, filed, **VALID_POST).status_code == 403
    filed.refresh_from_db()
    assert filed.decision_data == {}


def test_the_assessment_is_closed_once_approved(
    client, agency, officer_of, make_dossier, form_version
):
    dossier = make_dossier(Status.APPROVED, procedure_version=form_version, form_data=data())
    client.force_login(officer_of(agency, Role.SPECIALIST))
    assert 'name="register_number"' not in page_of(client, dossier)
    response = decide(client, dossier, **VALID_POST)
    assert response.status_code == 302
    dossier.refresh_from_db()
    assert dossier.decision_data == {}


def test_another_agencys_officer_sees_and_records_nothing(client, other_agency, officer_of, filed):
    client.force_login(officer_of(other_agency, Role.SPECIALIST))
    assert client.get(reverse("backoffice:dossier", args=[filed.public_id])).status_code == 404
    assert decide(client, filed, **VALID_POST).status_code == 404
    filed.refresh_from_db()
    assert filed.decision_data == {}


def test_a_legacy_flat_form_is_still_shown(client, agency, officer_of, make_dossier, version):
    dossier = make_dossier(
        Status.RECEIVED,
        procedure_version=version,
        form_data={"full_name": "Lê Văn Cường", "phone": "0912345678"},
        prefill_sources={"full_name": "dan_cu"},
    )
    client.force_login(officer_of(agency))
    page = page_of(client, dossier)
    row = page.split('data-path="full_name"', 1)[1].split("</dd>", 1)[0]
    assert "Lê Văn Cường" in row and "Đã xác thực – CSDL quốc gia về dân cư" in row
