"""A citizen files and follows their dossiers through the API."""

import pytest

from motcua.dossiers.models import Attachment, Dossier, Status
from motcua.dossiers.services import transition

from .conftest import FORM, as_bearer, as_session, error_code, pdf

pytestmark = pytest.mark.django_db


def start(api, **overrides):
    body = {"procedure": "HT.01", "form": dict(FORM), **overrides}
    return api.post("/dossiers", body)


def ready_draft(api, version):
    created = start(api)
    assert created.status_code == 201, created.content
    dossier_id = created.json()["id"]
    for component in version.components.all():
        uploaded = api.upload(
            f"/dossiers/{dossier_id}/attachments",
            {"component": component.pk, "file": pdf(f"tp{component.position}.pdf")},
        )
        assert uploaded.status_code == 201, uploaded.content
    return dossier_id


def test_citizen_creates_a_draft_with_the_e_form_values(citizen, version, commune):
    response = start(as_bearer(citizen))
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "draft" and body["code"] is None
    assert body["agency"] == {"code": "BN.KB", "name": "Phường Kinh Bắc"}
    assert body["form_data"]["full_name"] == "Nguyễn Văn An"
    assert body["actions"] == ["edit", "upload", "submit"]
    dossier = Dossier.objects.get(public_id=body["id"])
    assert dossier.applicant.personal_id == citizen.personal_id
    assert dossier.form_data["phone"] == "0912345678"


def test_a_malformed_e_form_is_refused_before_anything_is_created(citizen, version):
    response = start(as_bearer(citizen), form={**FORM, "birth_date": "ngày mai", "nickname": "An"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "invalid_form"
    assert set(error["details"]) == {"birth_date", "nickname"}
    assert "phải là một ngày hợp lệ" in error["details"]["birth_date"][0]
    assert not Dossier.objects.exists()


def test_the_agency_must_be_chosen_when_several_receive_the_procedure(
    citizen, version, other_commune
):
    version.agencies.add(other_commune)
    api = as_bearer(citizen)
    refused = start(api)
    assert refused.status_code == 422
    assert refused.json()["error"]["details"] == {"agencies": ["BN.KB", "BN.VA"]}
    chosen = start(api, agency="BN.VA")
    assert chosen.status_code == 201 and chosen.json()["agency"]["code"] == "BN.VA"


def test_upload_checks_the_file_by_its_content(citizen, version):
    api = as_bearer(citizen)
    dossier_id = start(api).json()["id"]
    component = version.components.first()
    fake = pdf("virus.pdf", b"MZ\x90\x00 not a pdf at all")
    response = api.upload(
        f"/dossiers/{dossier_id}/attachments", {"component": component.pk, "file": fake}
    )
    assert response.status_code == 422
    assert error_code(response) == "file_type"
    assert "không phải PDF, JPG hoặc PNG" in response.json()["error"]["message"]
    assert not Attachment.objects.exists()


def test_submit_freezes_the_fee_and_gives_the_code(citizen, version):
    api = as_bearer(citizen)
    dossier_id = ready_draft(api, version)
    response = api.post(f"/dossiers/{dossier_id}/submit", key=None)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "submitted" and body["code"].startswith("BN.KB-")
    assert body["fee_vnd"] == 5000  # 50 % off online
    assert body["lookup_secret"]
    assert body["expected_is_estimate"] is True
    assert [e["action_label"] for e in body["timeline"]] == ["Nộp hồ sơ"]


def test_the_submission_answers_the_dossier_as_reading_it_again_does(citizen, version):
    api = as_bearer(citizen)
    dossier_id = ready_draft(api, version)
    submitted = api.post(f"/dossiers/{dossier_id}/submit", key=None)
    assert submitted.status_code == 200, submitted.content
    assert submitted.json() == api.get(f"/dossiers/{dossier_id}").json()


def test_an_incomplete_draft_says_what_to_fix(citizen, version):
    api = as_bearer(citizen)
    dossier_id = start(api, form={}).json()["id"]
    response = api.post(f"/dossiers/{dossier_id}/submit")
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "submission_refused"
    assert any("Tờ khai" in p for p in error["details"])
    assert Dossier.objects.get().status == Status.DRAFT


def test_list_of_my_dossiers_is_paginated_newest_first(citizen, make_dossier):
    made = [make_dossier(citizen) for _ in range(5)]
    api = as_bearer(citizen)
    first = api.get("/dossiers?limit=2").json()
    assert [d["id"] for d in first["items"]] == [str(d.public_id) for d in made[::-1][:2]]
    second = api.get(f"/dossiers?limit=2&cursor={first['next']}").json()
    third = api.get(f"/dossiers?limit=2&cursor={second['next']}").json()
    seen = [d["id"] for page in (first, second, third) for d in page["items"]]
    assert seen == [str(d.public_id) for d in made[::-1]]
    assert third["next"] is None


def test_session_of_the_portal_works_too(citizen, make_dossier):
    dossier = make_dossier(citizen)
    response = as_session(citizen).get(f"/dossiers/{dossier.public_id}")
    assert response.status_code == 200
    assert response.json()["code"] == dossier.code


def test_supplement_answers_the_agency_and_restarts_the_clock(citizen, desk, make_dossier):
    dossier = make_dossier(citizen, Status.RECEIVED)
    transition(dossier, "request_supplement", by=desk, note="Thiếu bản sao giấy chứng sinh")
    api = as_bearer(citizen)
    detail = api.get(f"/dossiers/{dossier.public_id}").json()
    assert detail["supplement_request"] == "Thiếu bản sao giấy chứng sinh"
    assert "supplement" in detail["actions"]
    response = api.upload(
        f"/dossiers/{dossier.public_id}/supplement",
        {"files": [pdf("chung-sinh.pdf")], "note": "Bổ sung giấy chứng sinh"},
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "in_process"
    assert dossier.attachments.get().kind == Attachment.Kind.SUPPLEMENT


def test_withdraw_then_withdraw_again_is_a_conflict(citizen, make_dossier):
    # Withdrawal is possible only before receipt (Decree 118/2025): was RECEIVED.
    dossier = make_dossier(citizen, Status.SUBMITTED)
    api = as_bearer(citizen)
    first = api.post(f"/dossiers/{dossier.public_id}/withdraw", {"reason": "Nộp nhầm"})
    assert first.status_code == 200 and first.json()["status"] == "withdrawn"
    again = api.post(f"/dossiers/{dossier.public_id}/withdraw", {"reason": "Nộp nhầm"})
    assert again.status_code == 409
    assert error_code(again) == "illegal_transition"


def test_rating_once_after_the_result(citizen, make_dossier):
    dossier = make_dossier(citizen, Status.RETURNED)
    api = as_bearer(citizen)
    rated = api.post(f"/dossiers/{dossier.public_id}/rating", {"score": 5, "comment": "Nhanh"})
    assert rated.status_code == 201 and rated.json()["score"] == 5
    again = api.post(f"/dossiers/{dossier.public_id}/rating", {"score": 1})
    assert again.status_code == 409 and error_code(again) == "already_rated"
    out_of_range = api.post(f"/dossiers/{dossier.public_id}/rating", {"score": 6})
    assert out_of_range.status_code == 422 and error_code(out_of_range) == "validation_error"


def test_a_draft_can_be_edited_but_a_submitted_dossier_cannot(citizen, make_dossier):
    api = as_bearer(citizen)
    draft = make_dossier(citizen, Status.DRAFT)
    edited = api.put(f"/dossiers/{draft.public_id}/form", {"form": {**FORM, "phone": "0987654321"}})
    assert edited.status_code == 200 and edited.json()["form_data"]["phone"] == "0987654321"
    submitted = make_dossier(citizen, Status.SUBMITTED)
    refused = api.put(f"/dossiers/{submitted.public_id}/form", {"form": FORM})
    assert refused.status_code == 409 and error_code(refused) == "not_draft"


def test_removing_a_file_of_a_draft(citizen, version):
    api = as_bearer(citizen)
    dossier_id = ready_draft(api, version)
    attachment = Attachment.objects.filter(dossier__public_id=dossier_id).first()
    removed = api.delete(f"/dossiers/{dossier_id}/attachments/{attachment.public_id}")
    assert removed.status_code == 204
    assert not Attachment.objects.filter(pk=attachment.pk).exists()
    download = api.get(f"/dossiers/{dossier_id}/attachments/{attachment.public_id}")
    assert download.status_code == 404 and error_code(download) == "not_found"


def test_a_received_dossier_is_stopped_not_withdrawn(citizen, make_dossier):
    dossier = make_dossier(citizen, Status.RECEIVED)
    api = as_bearer(citizen)
    detail = api.get(f"/dossiers/{dossier.public_id}").json()
    assert "stop" in detail["actions"] and "withdraw" not in detail["actions"]
    refused = api.post(f"/dossiers/{dossier.public_id}/withdraw", {"reason": "Nộp nhầm"})
    assert refused.status_code == 409
    stopped = api.post(f"/dossiers/{dossier.public_id}/stop", {"reason": "Không còn nhu cầu"})
    assert stopped.status_code == 200 and stopped.json()["status"] == "stopped"
    again = api.post(f"/dossiers/{dossier.public_id}/stop", {"reason": "Không còn nhu cầu"})
    assert again.status_code == 409


def test_supplement_needs_a_file_for_every_requested_component(citizen, desk, make_dossier):
    from motcua.catalog.models import ProcedureComponent
    from motcua.dossiers import services as dossier_services

    dossier = make_dossier(citizen, Status.RECEIVED)
    component = ProcedureComponent.objects.create(
        version=dossier.procedure_version, position=91, name="Giấy chứng sinh"
    )
    dossier_services.request_supplement(
        dossier, by=desk, items=[{"component": component.pk, "reason": "Bản chụp mờ"}]
    )
    api = as_bearer(citizen)
    url = f"/dossiers/{dossier.public_id}/supplement"
    refused = api.upload(url, {"files": [pdf("khac.pdf")]})
    assert refused.status_code == 422, refused.content
    assert error_code(refused) == "supplement_incomplete"
    assert "Giấy chứng sinh" in refused.content.decode()
    accepted = api.upload(url, {"files": [pdf("chung-sinh.pdf")], "components": str(component.pk)})
    assert accepted.status_code == 200, accepted.content
    assert dossier.attachments.get().component_id == component.pk
