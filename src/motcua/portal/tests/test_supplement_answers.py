"""A supplement corrects the e-form's answers: the citizen edits them on the supplement
page (values verified by a national database stay locked), the officers see the
differences ("Thay đổi khi bổ sung")."""

import copy
import html

import pytest

from motcua.agencies.models import Role
from motcua.audit.models import AuditRecord
from motcua.dossiers.models import Attachment, FormRevision, Status
from motcua.dossiers.services import transition
from tests.assessment_forms import FORM, SOURCES, data, use_form

from .conftest import pdf_file

pytestmark = pytest.mark.django_db

# The small birth form of tests/assessment_forms.py with a repeatable group.
SIBLINGS = {
    "key": "siblings",
    "title": "Anh, chị, em ruột",
    "fields": [
        {
            "name": "siblings",
            "label": "Anh, chị, em ruột",
            "type": "group",
            "item_label": "Anh, chị, em",
            "max_items": 3,
            "fields": [
                {"name": "full_name", "label": "Họ và tên", "type": "text", "required": True},
                {"name": "birth_date", "label": "Ngày sinh", "type": "date"},
            ],
        }
    ],
}
GROUP_FORM = {**copy.deepcopy(FORM), "sections": [*copy.deepcopy(FORM["sections"]), SIBLINGS]}
REQUEST_NOTE = "Tên của trẻ chưa đúng với giấy chứng sinh; đề nghị sửa lại."


@pytest.fixture
def desk(officer_of, commune):
    return officer_of(commune)


@pytest.fixture
def waiting(citizen, make_dossier, version, desk):
    """A dossier submitted with the form, received, then asked for a supplement."""
    dossier = make_dossier(
        citizen,
        Status.DRAFT,
        procedure_version=use_form(version, GROUP_FORM),
        form_data=data(),
        prefill_sources=SOURCES,
    )
    transition(dossier, "submit")
    transition(dossier, "receive", by=desk)
    transition(dossier, "request_supplement", by=desk, note=REQUEST_NOTE)
    dossier.refresh_from_db()
    return dossier


def url(dossier):
    return f"/ho-so/{dossier.public_id}/bo-sung/"


def posted(**changes) -> dict:
    """The supplement page's e-form as the browser posts it (the answers of ``data()``)."""
    answer = data()
    mother = answer["mother"]
    values = {
        "eform_shown": "1",
        "action": "send",
        "child_name": answer["child_name"],
        "child_birth_date": "15/01/2026",
        "birth_place": answer["birth_place"],
        "mother__full_name": mother["full_name"],
        "mother__birth_date": "02/04/1995",
        "mother__personal_id": mother["personal_id"],
        "siblings__count": "0",
        "note": "",
    }
    values.update(changes)
    return values


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def test_the_page_shows_the_request_the_answers_and_the_locked_values(citizen_client, waiting):
    response = citizen_client.get(url(waiting))
    assert response.status_code == 200
    page = text_of(response)
    assert page.index(REQUEST_NOTE) < page.index("Thông tin tờ khai")
    assert 'name="child_name" id="id_child_name" value="Nguyễn Minh An"' in page
    assert 'value="15/01/2026"' in page  # the date as typed: dd/mm/yyyy
    mother = page.split('id="id_mother__full_name"', 1)[1].split("</div>", 1)[0]
    assert 'value="Trần Thị Bích"' in mother and "readonly" in mother
    assert "Dữ liệu từ CSDL quốc gia – nguồn: CSDL quốc gia về dân cư" in mother
    assert 'name="files"' in page and "Gửi bổ sung" in page


def test_a_corrected_answer_becomes_a_revision_the_officers_see(
    client, citizen_client, waiting, officer_of, commune
):
    response = citizen_client.post(url(waiting), posted(child_name="Nguyễn Minh Anh"))
    assert response.status_code == 302, text_of(response)
    waiting.refresh_from_db()
    assert waiting.status == Status.IN_PROCESS
    assert waiting.form_data["child_name"] == "Nguyễn Minh Anh"
    assert waiting.form_data["mother"] == data()["mother"]
    revisions = list(waiting.form_revisions.order_by("created_at", "pk"))
    assert [r.reason for r in revisions] == [
        FormRevision.Reason.SUBMITTED,
        FormRevision.Reason.SUPPLEMENT,
    ]
    assert revisions[1].data["child_name"] == "Nguyễn Minh Anh"
    event = AuditRecord.objects.get(action="dossier.form_updated")
    assert event.data["paths"] == ["child_name"]
    note = waiting.history.get(action="provide_supplement").note
    assert note == "Công dân sửa thông tin tờ khai trực tuyến."
    for role in (Role.DESK_OFFICER, Role.SPECIALIST):
        client.force_login(officer_of(commune, role, username=f"cb-{role}"))
        page = text_of(client.get(f"/mot-cua/ho-so/{waiting.public_id}/"))
        block = page.split("Thay đổi khi bổ sung", 1)[1].split("</table>", 1)[0]
        row = block.split('data-path="child_name"', 1)[1].split("</tr>", 1)[0]
        assert "Họ, chữ đệm, tên" in row
        assert row.index("Nguyễn Minh An<") < row.index("Nguyễn Minh Anh<")


def test_files_and_corrected_answers_go_together(citizen_client, waiting):
    response = citizen_client.post(
        url(waiting),
        posted(birth_place="nha", files=[pdf_file("giay-chung-sinh.pdf")], note="Đã sửa"),
    )
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == Status.IN_PROCESS
    assert waiting.form_data["birth_place"] == "nha"
    assert waiting.attachments.filter(kind=Attachment.Kind.SUPPLEMENT).count() == 1
    assert waiting.form_revisions.filter(reason=FormRevision.Reason.SUPPLEMENT).exists()
    assert waiting.history.get(action="provide_supplement").note == "Đã sửa"


def test_a_tampered_locked_value_is_refused(citizen_client, waiting):
    response = citizen_client.post(
        url(waiting),
        posted(mother__full_name="Lê Thị Khác", files=[pdf_file()]),
    )
    assert response.status_code == 400
    page = text_of(response)
    error = page.split('id="id_mother__full_name_error"', 1)[1].split("</ul>", 1)[0]
    assert "được lấy từ CSDL quốc gia về dân cư và không sửa được" in error
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITING_SUPPLEMENT
    assert waiting.form_data == data()
    assert not waiting.attachments.exists()
    assert not waiting.form_revisions.filter(reason=FormRevision.Reason.SUPPLEMENT).exists()


def test_an_invalid_answer_is_shown_at_its_field_with_what_was_typed(citizen_client, waiting):
    response = citizen_client.post(
        url(waiting),
        posted(child_birth_date="31/02/2026", child_name="", note="Sửa ngày sinh"),
    )
    assert response.status_code == 400
    page = text_of(response)
    date_error = page.split('id="id_child_birth_date_error"', 1)[1].split("</ul>", 1)[0]
    assert "“Ngày, tháng, năm sinh” phải là một ngày hợp lệ" in date_error
    assert 'value="31/02/2026"' in page  # what was typed, not lost
    name_error = page.split('id="id_child_name_error"', 1)[1].split("</ul>", 1)[0]
    assert "Vui lòng nhập “Họ, chữ đệm, tên”" in name_error
    assert "Sửa ngày sinh" in page  # the note too
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITING_SUPPLEMENT
    assert waiting.form_data == data()


def test_unchanged_answers_with_a_file_make_no_revision(citizen_client, waiting):
    response = citizen_client.post(url(waiting), posted(files=[pdf_file()]))
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == Status.IN_PROCESS
    assert waiting.form_data == data()
    assert list(waiting.form_revisions.values_list("reason", flat=True)) == ["submitted"]
    assert not AuditRecord.objects.filter(action="dossier.form_updated").exists()


def test_unchanged_answers_and_no_file_send_nothing(citizen_client, waiting):
    response = citizen_client.post(url(waiting), posted())
    assert response.status_code == 400
    assert "Vui lòng chọn ít nhất một tệp để bổ sung." in text_of(response)
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITING_SUPPLEMENT


def test_group_rows_are_added_and_removed_without_sending(citizen_client, waiting):
    added = citizen_client.post(
        url(waiting),
        posted(action="add:siblings", child_name="Nguyễn Minh Anh", note="Ghi chú"),
    )
    assert added.status_code == 200
    page = text_of(added)
    assert 'name="siblings__0__full_name"' in page and "Anh, chị, em 1" in page
    assert 'value="Nguyễn Minh Anh"' in page and "Ghi chú" in page
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITING_SUPPLEMENT
    assert waiting.form_data == data()
    two = citizen_client.post(
        url(waiting),
        posted(
            action="add:siblings",
            siblings__count="1",
            siblings__0__full_name="Nguyễn Minh Hà",
        ),
    )
    assert 'name="siblings__1__full_name"' in text_of(two)
    removed = citizen_client.post(
        url(waiting),
        posted(
            action="remove:siblings.0",
            siblings__count="2",
            siblings__0__full_name="Nguyễn Minh Hà",
            siblings__1__full_name="Nguyễn Minh Khôi",
        ),
    )
    page = text_of(removed)
    first = page.split('id="id_siblings__0__full_name"', 1)[1].split(">", 1)[0]
    assert 'value="Nguyễn Minh Khôi"' in first
    assert "Nguyễn Minh Hà" not in page and 'name="siblings__1__full_name"' not in page
    sent = citizen_client.post(
        url(waiting), posted(siblings__count="1", siblings__0__full_name="Nguyễn Minh Khôi")
    )
    assert sent.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == Status.IN_PROCESS
    assert waiting.form_data["siblings"] == [{"full_name": "Nguyễn Minh Khôi"}]
