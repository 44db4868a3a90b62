"""The whole path through the API: a citizen files, the agency processes, the citizen
pays, downloads the signed result, checks it, and anyone may look its status up."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from motcua.agencies.models import Role

from .conftest import FORM, Api, as_bearer, error_code, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(officer_of, commune):
    return {
        "desk": as_bearer(officer_of(commune, Role.DESK_OFFICER)),
        "specialist_user": (specialist := officer_of(commune, Role.SPECIALIST)),
        "specialist": as_bearer(specialist),
        "leader": as_bearer(officer_of(commune, Role.LEADER)),
    }


def act(api, dossier_id, action, **fields):
    response = api.post(f"/officer/dossiers/{dossier_id}/actions", {"action": action, **fields})
    assert response.status_code == 200, response.content
    return response.json()


def test_file_process_pay_and_download_the_signed_result(citizen, version, staff):
    me = as_bearer(citizen)
    created = me.post("/dossiers", {"procedure": "HT.01", "form": FORM})
    assert created.status_code == 201
    dossier_id = created.json()["id"]
    for component in version.components.all():
        upload = {"component": component.pk, "file": pdf(f"tp{component.position}.pdf")}
        assert me.upload(f"/dossiers/{dossier_id}/attachments", upload).status_code == 201
    submitted = me.post(f"/dossiers/{dossier_id}/submit").json()
    code, secret = submitted["code"], submitted["lookup_secret"]
    assert submitted["status"] == "submitted" and "pay" in submitted["actions"]

    queue = staff["desk"].get("/officer/dossiers?status=submitted").json()
    assert [d["id"] for d in queue["items"]] == [dossier_id]
    received = act(staff["desk"], dossier_id, "receive")
    assert received["current_step"] == "Tiếp nhận hồ sơ"
    assert "start_processing" in received["actions"]
    specialist = staff["specialist_user"].username
    started = act(staff["desk"], dossier_id, "start_processing", assignee=specialist)
    assert started["assignee"] == specialist
    act(staff["specialist"], dossier_id, "give_opinion", note="Hồ sơ hợp lệ, đề nghị cấp.")
    approved = act(staff["leader"], dossier_id, "approve")
    assert approved["status"] == "approved"

    paid = staff["desk"].post(f"/officer/dossiers/{dossier_id}/payments/counter")
    assert paid.status_code == 201, paid.content
    assert paid.json()["status"] == "paid" and paid.json()["amount_vnd"] == 5000

    issued = act(staff["desk"], dossier_id, "issue_result")
    assert issued["status"] == "result_issued"
    assert [a["kind"] for a in issued["attachments"]].count("result") == 1
    returned = act(staff["desk"], dossier_id, "return_result")
    assert returned["status"] == "returned"
    assert [h["action"] for h in returned["history"]] == [
        "submit",
        "receive",
        "start_processing",
        "give_opinion",
        "approve",
        "issue_result",
        "return_result",
    ]

    mine = me.get(f"/dossiers/{dossier_id}").json()
    assert mine["status"] == "returned" and mine["fee_paid"] is True
    assert mine["result_available"] is True and "rate" in mine["actions"]
    assert "Hồ sơ hợp lệ" not in str(mine["timeline"])  # internal opinions stay internal
    result = me.get(f"/dossiers/{dossier_id}/result")
    assert result.status_code == 200 and result["Content-Type"] == "application/pdf"
    signed = b"".join(result.streaming_content)
    assert signed.startswith(b"%PDF-")

    payments = me.get(f"/dossiers/{dossier_id}/payments").json()["items"]
    receipt = me.get(f"/dossiers/{dossier_id}/payments/{payments[0]['id']}/receipt")
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF-")

    anyone = Api(Client())
    verdict = anyone.upload(
        "/public/results/verify", {"file": SimpleUploadedFile("kq.pdf", signed)}, key=None
    ).json()
    assert verdict["valid"] is True, verdict["reasons"]
    assert verdict["document"]["code"] == code
    tampered = signed.replace(b"%%EOF", b"%%EOF\n% changed", 1)
    bad = anyone.upload(
        "/public/results/verify", {"file": SimpleUploadedFile("kq.pdf", tampered)}, key=None
    ).json()
    assert bad["valid"] is False and bad["reasons"]

    looked_up = anyone.post("/public/lookup", {"code": code, "secret": secret}, key=None)
    assert looked_up.status_code == 200
    assert looked_up.json()["status"] == "returned"
    assert looked_up.json()["masked_identifier"] == "********1111"
    assert all(entry["note"] == "" for entry in looked_up.json()["timeline"])
    wrong = anyone.post("/public/lookup", {"code": code, "secret": "SAI12345"}, key=None)
    assert wrong.status_code == 404 and error_code(wrong) == "not_found"

    rated = me.post(f"/dossiers/{dossier_id}/rating", {"score": 5})
    assert rated.status_code == 201
