"""The officer API: the dossier's form with its reading and revisions, and the
assessment (decision data) recorded by the specialist."""

import uuid

import pytest

from motcua.agencies.models import Role
from motcua.audit.models import AuditRecord
from motcua.dossiers import services
from motcua.dossiers.models import Status
from tests.assessment_forms import DECISION, FORM, SOURCES, data, use_form

from .conftest import as_bearer, error_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def filed(citizen, make_dossier, version):
    use_form(version)
    return make_dossier(
        citizen,
        Status.IN_PROCESS,
        form_data=data(),
        prefill_sources=SOURCES,
        procedure_version=version,
    )


@pytest.fixture
def specialist(officer_of, commune):
    return officer_of(commune, Role.SPECIALIST)


def form_of(api, dossier):
    return api.get(f"/officer/dossiers/{dossier.public_id}/form")


def put_decision(api, dossier, decision, **kw):
    return api.put(f"/officer/dossiers/{dossier.public_id}/decision", {"decision": decision}, **kw)


def test_the_form_comes_with_its_reading_and_sources(filed, desk):
    response = form_of(as_bearer(desk), filed)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["definition"]["legal_form"] == FORM["legal_form"]
    assert body["data"] == data()
    assert body["sources"] == SOURCES
    child, mother = body["display"]
    assert child["title"] == "Người được khai sinh"
    assert {
        "path": "child_birth_date",
        "label": "Ngày, tháng, năm sinh",
        "text": "15/01/2026",
        "source": "",
    } in child["rows"]
    (block,) = mother["rows"]
    name = next(row for row in block["rows"] if row["path"] == "mother.full_name")
    assert name["source"] == "CSDL quốc gia về dân cư"
    assert body["decision"] == {} and body["decision_open"] is True


def test_the_revisions_list_what_a_supplement_changed(citizen, make_dossier, version, desk):
    use_form(version)
    dossier = make_dossier(citizen, Status.DRAFT, form_data=data(), procedure_version=version)
    services.transition(dossier, "submit")
    services.transition(dossier, "receive", by=desk)
    services.transition(dossier, "request_supplement", by=desk, note="Sai nơi sinh")
    services.update_form_on_supplement(dossier, by=None, data=data(birth_place="nha"))
    services.transition(dossier, "provide_supplement")
    submitted, supplement = form_of(as_bearer(desk), dossier).json()["revisions"]
    assert submitted["reason"] == "submitted" and submitted["changes"] == []
    assert supplement["reason"] == "supplement"
    assert supplement["changes"] == [
        {"path": "birth_place", "label": "Nơi sinh", "before": "Bệnh viện", "after": "Tại nhà"}
    ]


def test_the_specialist_records_the_decision(filed, specialist):
    response = put_decision(as_bearer(specialist), filed, DECISION)
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["decision"] == DECISION
    rows = body["decision_display"][0]["rows"]
    assert {
        "path": "fee_collected",
        "label": "Lệ phí đã thu",
        "text": "8.000 đồng",
        "source": "",
    } in rows
    filed.refresh_from_db()
    assert filed.decision_data == DECISION
    assert AuditRecord.objects.filter(action="dossier.decision_recorded").count() == 1


def test_an_invalid_decision_answers_422_with_messages_by_path(filed, specialist):
    response = put_decision(
        as_bearer(specialist),
        filed,
        {"register_date": "20/01/2026", "has_notes": True, "notes": [{"noted_on": "2026-01-20"}]},
    )
    assert response.status_code == 422
    assert error_code(response) == "invalid_decision"
    details = response.json()["error"]["details"]
    assert details["register_number"] == ["Vui lòng nhập “Số đăng ký”."]
    assert "register_date" in details and "notes.0.content" in details
    filed.refresh_from_db()
    assert filed.decision_data == {}


def test_a_decided_dossier_takes_no_decision(citizen, make_dossier, version, specialist):
    use_form(version)
    dossier = make_dossier(citizen, Status.APPROVED, procedure_version=version)
    response = put_decision(as_bearer(specialist), dossier, DECISION)
    assert response.status_code == 409 and error_code(response) == "illegal_transition"


def test_only_the_specialist_records_the_decision(filed, desk, officer_of, commune):
    for user in (desk, officer_of(commune, Role.LEADER)):
        response = put_decision(as_bearer(user), filed, DECISION)
        assert response.status_code == 403 and error_code(response) == "action_not_permitted"
    filed.refresh_from_db()
    assert filed.decision_data == {}


def test_another_agencys_officer_gets_404(filed, officer_of, other_commune):
    api = as_bearer(officer_of(other_commune, Role.SPECIALIST))
    assert form_of(api, filed).status_code == 404
    assert put_decision(api, filed, DECISION).status_code == 404


def test_a_connected_system_reads_the_form_but_records_no_decision(filed, system_client):
    api, _client = system_client
    assert form_of(api, filed).status_code == 200
    assert put_decision(api, filed, DECISION).status_code == 403


def test_a_retried_decision_with_its_key_is_recorded_once(filed, specialist):
    api = as_bearer(specialist)
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = put_decision(api, filed, DECISION, headers=key)
    again = put_decision(api, filed, DECISION, headers=key)
    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert AuditRecord.objects.filter(action="dossier.decision_recorded").count() == 1


def test_the_dossier_detail_carries_nested_form_data(filed, desk):
    response = as_bearer(desk).get(f"/officer/dossiers/{filed.public_id}")
    assert response.status_code == 200, response.content
    assert response.json()["form_data"]["mother"]["full_name"] == "Trần Thị Bích"
