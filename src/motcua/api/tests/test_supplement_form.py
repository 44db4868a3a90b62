"""The citizen API's supplement carries corrected e-form answers (``form``, a JSON
object in a multipart call), checked by the same engine as the portal."""

import json

import pytest

from motcua.dossiers.models import FormRevision, Status
from motcua.dossiers.services import transition
from tests.assessment_forms import SOURCES, data, use_form

from .conftest import as_bearer, error_code, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def waiting(citizen, make_dossier, version, desk):
    """A dossier submitted with the form, received, then asked for a supplement."""
    dossier = make_dossier(
        citizen,
        Status.DRAFT,
        procedure_version=use_form(version),
        form_data=data(),
        prefill_sources=SOURCES,
    )
    transition(dossier, "submit")
    transition(dossier, "receive", by=desk)
    transition(dossier, "request_supplement", by=desk, note="Sai tên của trẻ")
    dossier.refresh_from_db()
    return dossier


def send(citizen, dossier, form=None, **fields):
    body = dict(fields)
    if form is not None:
        body["form"] = form if isinstance(form, str) else json.dumps(form, ensure_ascii=False)
    return as_bearer(citizen).upload(f"/dossiers/{dossier.public_id}/supplement", body)


def details(response) -> dict:
    return response.json()["error"]["details"]


def test_corrected_answers_alone_answer_the_supplement(citizen, desk, waiting):
    response = send(citizen, waiting, data(child_name="Nguyễn Minh Anh"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "in_process"
    assert body["form_data"]["child_name"] == "Nguyễn Minh Anh"
    revision = waiting.form_revisions.get(reason=FormRevision.Reason.SUPPLEMENT)
    assert revision.data["child_name"] == "Nguyễn Minh Anh"
    officer = as_bearer(desk).get(f"/officer/dossiers/{waiting.public_id}/form").json()
    assert officer["revisions"][-1]["reason"] == "supplement"
    assert officer["revisions"][-1]["changes"] == [
        {
            "path": "child_name",
            "label": "Họ, chữ đệm, tên",
            "before": "Nguyễn Minh An",
            "after": "Nguyễn Minh Anh",
        }
    ]


def test_locked_values_may_be_left_out(citizen, waiting):
    answers = data(birth_place="nha")
    answers["mother"] = {"birth_date": answers["mother"]["birth_date"]}
    response = send(citizen, waiting, answers, files=[pdf("giay-chung-sinh.pdf")])
    assert response.status_code == 200, response.content
    waiting.refresh_from_db()
    assert waiting.form_data["mother"] == data()["mother"]
    assert waiting.form_data["birth_place"] == "nha"
    assert waiting.attachments.count() == 1


def test_invalid_answers_are_refused_by_path(citizen, waiting):
    response = send(
        citizen, waiting, data(child_name="", child_birth_date="2026-02-31"), files=[pdf()]
    )
    assert response.status_code == 422
    assert error_code(response) == "invalid_form"
    problems = details(response)
    assert any("Vui lòng nhập “Họ, chữ đệm, tên”" in m for m in problems["child_name"])
    assert any("phải là một ngày hợp lệ" in m for m in problems["child_birth_date"])
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITING_SUPPLEMENT
    assert waiting.form_data == data()
    assert not waiting.attachments.exists()


def test_a_changed_locked_value_is_refused(citizen, waiting):
    answers = data()
    answers["mother"] = {**answers["mother"], "full_name": "Lê Thị Khác"}
    response = send(citizen, waiting, answers)
    assert response.status_code == 422 and error_code(response) == "invalid_form"
    assert "không sửa được" in details(response)["mother.full_name"][0]
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITING_SUPPLEMENT
    assert waiting.form_data == data()


def test_an_unknown_field_or_not_an_object_is_refused(citizen, waiting):
    unknown = send(citizen, waiting, {**data(), "nickname": "Bin"})
    assert unknown.status_code == 422
    assert details(unknown)["nickname"] == ["Tờ khai của thủ tục không có trường này."]
    broken = send(citizen, waiting, "[1, 2")
    assert broken.status_code == 422 and error_code(broken) == "invalid_form"
    assert "đối tượng JSON" in details(broken)[""][0]
    waiting.refresh_from_db()
    assert waiting.status == Status.WAITING_SUPPLEMENT


def test_unchanged_answers_need_a_file_and_make_no_revision(citizen, waiting):
    nothing = send(citizen, waiting, data())
    assert nothing.status_code == 422 and error_code(nothing) == "no_file"
    with_file = send(citizen, waiting, data(), files=[pdf()])
    assert with_file.status_code == 200
    reasons = list(waiting.form_revisions.values_list("reason", flat=True))
    assert reasons == [FormRevision.Reason.SUBMITTED]
