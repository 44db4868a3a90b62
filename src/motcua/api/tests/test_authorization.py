"""Who may see and do what: anonymous callers, other citizens, other agencies, systems."""

import pytest
from django.test import Client

from motcua.accounts.models import Applicant
from motcua.agencies.models import Agency, Role
from motcua.dossiers.models import Status
from tests.factories import AgencyFactory, ApplicantFactory, UserFactory

from .conftest import Api, as_bearer, as_session, bearer_token, error_code

pytestmark = pytest.mark.django_db


def test_anonymous_caller_gets_401_in_the_error_format(citizen, make_dossier):
    dossier = make_dossier(citizen)
    anonymous = Api(Client())
    for response in (
        anonymous.get("/dossiers"),
        anonymous.get(f"/dossiers/{dossier.public_id}"),
        anonymous.get("/officer/dossiers"),
        anonymous.post("/dossiers", {"procedure": "HT.01"}),
    ):
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"
        assert response["WWW-Authenticate"].startswith("Bearer")


def test_unknown_or_expired_token_is_401_and_never_falls_back_to_the_session(citizen):
    expired = bearer_token(citizen, expires_in=-1)
    client = Client()
    client.force_login(citizen)
    for token in ("not-a-token", expired):
        response = Api(client, {"Authorization": f"Bearer {token}"}).get("/dossiers")
        assert response.status_code == 401
        assert error_code(response) == "invalid_token"


def test_citizen_b_cannot_see_or_act_on_citizen_a_dossier(citizen, other_citizen, make_dossier):
    dossier = make_dossier(citizen, Status.RECEIVED)
    intruder = as_bearer(other_citizen)
    path = f"/dossiers/{dossier.public_id}"
    assert intruder.get(path).status_code == 404
    assert intruder.post(f"{path}/withdraw", {"reason": "x"}).status_code == 404
    assert intruder.post(f"{path}/payments").status_code == 404
    assert intruder.get(f"{path}/result").status_code == 404
    assert intruder.get("/dossiers").json()["items"] == []
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED


def test_a_token_without_the_scope_is_403(citizen, make_dossier):
    dossier = make_dossier(citizen, Status.RECEIVED)
    reader = as_bearer(citizen, scope="openid dossiers:read")
    assert reader.get(f"/dossiers/{dossier.public_id}").status_code == 200
    refused = reader.post(f"/dossiers/{dossier.public_id}/withdraw", {"reason": "x"})
    assert refused.status_code == 403
    assert refused.json()["error"] == {
        "code": "insufficient_scope",
        "message": "Mã truy cập không có phạm vi quyền “dossiers:write”.",
        "details": {"required_scope": "dossiers:write"},
    }


def test_session_writes_need_the_csrf_token(citizen, make_dossier):
    # Withdrawal is possible only before receipt (Decree 118/2025): was RECEIVED.
    dossier = make_dossier(citizen, Status.SUBMITTED)
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)
    api = Api(client)
    refused = api.post(f"/dossiers/{dossier.public_id}/withdraw", {"reason": "x"})
    assert refused.status_code == 403 and error_code(refused) == "csrf_failed"
    client.get("/api/v1/dossiers")  # any page; the test sets the CSRF cookie below
    client.cookies["csrftoken"] = "a" * 32
    accepted = api.post(
        f"/dossiers/{dossier.public_id}/withdraw",
        {"reason": "x"},
        headers={"X-CSRFToken": "a" * 32},
    )
    assert accepted.status_code == 200


def test_officer_sees_only_the_agencies_in_scope(citizen, make_dossier, desk, officer_of):
    mine = make_dossier(citizen, Status.SUBMITTED)
    elsewhere = AgencyFactory(code="BN.VA", name="Phường Võ Cường")
    theirs = make_dossier(citizen, Status.SUBMITTED, agency=elsewhere)
    api = as_bearer(desk)
    listed = [d["id"] for d in api.get("/officer/dossiers").json()["items"]]
    assert listed == [str(mine.public_id)]
    assert api.get(f"/officer/dossiers/{theirs.public_id}").status_code == 404
    other_desk = as_bearer(officer_of(elsewhere, Role.DESK_OFFICER))
    refused = other_desk.post(f"/officer/dossiers/{mine.public_id}/actions", {"action": "receive"})
    assert refused.status_code == 404
    mine.refresh_from_db()
    assert mine.status == Status.SUBMITTED


def test_officer_role_must_allow_the_action(citizen, make_dossier, officer_of, commune):
    dossier = make_dossier(citizen, Status.SUBMITTED)
    specialist = as_bearer(officer_of(commune, Role.SPECIALIST))
    refused = specialist.post(
        f"/officer/dossiers/{dossier.public_id}/actions", {"action": "receive"}
    )
    assert refused.status_code == 403 and error_code(refused) == "action_not_permitted"


def test_a_citizen_is_not_an_officer(citizen):
    response = as_bearer(citizen).get("/officer/dossiers")
    assert response.status_code == 403 and error_code(response) == "not_an_officer"


def test_an_officer_without_personal_id_is_not_a_citizen(desk):
    response = as_session(desk).get("/dossiers")
    assert response.status_code == 403 and error_code(response) == "not_a_citizen"


def test_system_is_limited_to_its_agencies(citizen, make_dossier, system_client):
    api, _client = system_client
    mine = make_dossier(citizen, Status.SUBMITTED)
    elsewhere = AgencyFactory(code="HN.HK", name="Phường Hoàn Kiếm")
    theirs = make_dossier(citizen, Status.SUBMITTED, agency=elsewhere)
    listed = [d["id"] for d in api.get("/officer/dossiers").json()["items"]]
    assert listed == [str(mine.public_id)]
    assert api.get(f"/officer/dossiers/{theirs.public_id}").status_code == 404
    received = api.post(f"/officer/dossiers/{mine.public_id}/actions", {"action": "receive"})
    assert received.status_code == 200, received.content
    assert received.json()["status"] == "received"
    change = mine.history.get()
    assert change.actor.username.startswith("api-")
    assert change.actor.full_name == "Cổng dịch vụ công quốc gia"


def test_a_wards_system_sees_but_never_acts_on_the_ward_polices_dossiers(
    citizen, make_dossier, system_client, commune
):
    api, _client = system_client
    police = AgencyFactory(
        code="BN.CAKB", name="Công an phường Kinh Bắc", kind=Agency.Kind.DEPARTMENT, parent=commune
    )
    theirs = make_dossier(citizen, Status.SUBMITTED, agency=police)
    assert api.get(f"/officer/dossiers/{theirs.public_id}").json()["actions"] == []
    for action in ("receive", "refuse_intake"):
        refused = api.post(
            f"/officer/dossiers/{theirs.public_id}/actions", {"action": action, "note": "Sai"}
        )
        assert refused.status_code == 403 and error_code(refused) == "action_not_permitted"
    paid = api.post(f"/officer/dossiers/{theirs.public_id}/payments/counter", {})
    assert paid.status_code == 403
    theirs.refresh_from_db()
    assert theirs.status == Status.SUBMITTED


def test_a_system_acts_on_the_dossiers_of_its_agencys_units(citizen, make_dossier, system_client):
    api, _client = system_client
    desk_unit = AgencyFactory(kind=Agency.Kind.UNIT, parent=_client.agencies.get())
    dossier = make_dossier(citizen, Status.SUBMITTED, agency=desk_unit)
    received = api.post(f"/officer/dossiers/{dossier.public_id}/actions", {"action": "receive"})
    assert received.status_code == 200, received.content


def test_system_acts_as_the_desk_only(citizen, make_dossier, system_client):
    api, _client = system_client
    dossier = make_dossier(citizen, Status.IN_PROCESS)
    refused = api.post(f"/officer/dossiers/{dossier.public_id}/actions", {"action": "approve"})
    assert refused.status_code == 403 and error_code(refused) == "action_not_permitted"
    detail = api.get(f"/officer/dossiers/{dossier.public_id}").json()
    assert "approve" not in detail["actions"]
    assert "request_supplement" in detail["actions"]


def test_system_is_limited_to_its_scopes(citizen, make_dossier, system_client):
    _api, client = system_client
    client.scopes = "dossiers:read"
    client.save()
    token = bearer_token(None, application=client.application)  # asked for every scope
    api = Api(Client(), {"Authorization": f"Bearer {token}"})
    dossier = make_dossier(citizen, Status.SUBMITTED)
    assert api.get(f"/officer/dossiers/{dossier.public_id}").status_code == 200
    refused = api.post(f"/officer/dossiers/{dossier.public_id}/actions", {"action": "receive"})
    assert refused.status_code == 403 and error_code(refused) == "insufficient_scope"


def test_a_system_cannot_use_the_citizen_endpoints(system_client):
    api, _client = system_client
    response = api.get("/dossiers")
    assert response.status_code == 403 and error_code(response) == "not_a_citizen"


def test_an_inactive_system_is_refused(system_client):
    api, client = system_client
    client.active = False
    client.save()
    assert api.get("/officer/dossiers").status_code == 401


def test_a_representative_acts_for_their_business(citizen, make_dossier):
    person = citizen.applicants.get(kind="person")
    business = ApplicantFactory(
        kind="business",
        personal_id="",
        tax_code="0101234567",
        name="Công ty An Phát",
        representative=person,
    )
    theirs = make_dossier(citizen, Status.SUBMITTED, applicant=business)
    api = as_bearer(citizen)
    assert api.get("/dossiers").json()["items"] == []
    as_business = api.get("/dossiers", headers={"X-Acting-As": "0101234567"}).json()
    assert [d["id"] for d in as_business["items"]] == [str(theirs.public_id)]
    stranger = UserFactory(username="nguoila", personal_id="001090009999")
    refused = as_bearer(stranger).get("/dossiers", headers={"X-Acting-As": "0101234567"})
    assert refused.status_code == 403 and error_code(refused) == "not_representative"


def test_a_person_applicant_not_yet_linked_to_the_account_is_linked_and_used(citizen, make_dossier):
    # The person Applicant with the account's personal id, without its account (recorded
    # at the desk, say): the token's read does not find it, ``current_applicant`` does.
    person = citizen.applicants.get(kind="person")
    theirs = make_dossier(citizen)
    Applicant.objects.filter(pk=person.pk).update(user=None)
    api = as_bearer(citizen)
    assert [d["id"] for d in api.get("/dossiers").json()["items"]] == [str(theirs.public_id)]
    person.refresh_from_db()
    assert person.user_id == citizen.pk
    assert [d["id"] for d in api.get("/dossiers").json()["items"]] == [str(theirs.public_id)]


def test_an_account_without_personal_id_acts_as_its_linked_person(citizen, make_dossier):
    theirs = make_dossier(citizen)
    type(citizen).objects.filter(pk=citizen.pk).update(personal_id="")
    api = as_bearer(citizen)
    assert [d["id"] for d in api.get("/dossiers").json()["items"]] == [str(theirs.public_id)]


def test_a_deactivated_person_token_stops_working(citizen):
    token = bearer_token(citizen)
    citizen.is_active = False
    citizen.save()
    response = Api(Client(), {"Authorization": f"Bearer {token}"}).get("/dossiers")
    assert response.status_code == 401
