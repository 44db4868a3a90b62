"""The e-ID level of the caller (Decree 69/2024/NĐ-CP Art. 9) through the API: a bearer
token of the bundled provider stands for the level that provider asserts; a session for
the level of the portal sign-in. A level-2 procedure refuses a level-1 caller."""

import pytest
from django.test import Client

from motcua.accounts.citizen import SESSION_EID_LEVEL
from motcua.catalog.models import ProcedureVersion
from motcua.dossiers.models import Dossier, IdentityAssurance, Status

from .conftest import as_bearer, error_code
from .test_citizen import ready_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def level2_procedure(version):
    ProcedureVersion.objects.filter(pk=version.pk).update(min_assurance=2)
    version.refresh_from_db()
    return version


def set_level(user, level):
    user.eid_level = level
    user.save(update_fields=["eid_level"])


def test_a_level_1_token_is_refused_for_a_level_2_procedure(citizen, level2_procedure):
    set_level(citizen, 1)
    api = as_bearer(citizen)
    dossier_id = ready_draft(api, level2_procedure)
    response = api.post(f"/dossiers/{dossier_id}/submit")
    assert response.status_code == 422
    assert error_code(response) == "assurance_too_low"
    message = response.json()["error"]["message"]
    assert "yêu cầu tài khoản định danh điện tử mức độ 2" in message
    assert "đăng nhập lại bằng tài khoản VNeID mức độ 2" in message
    dossier = Dossier.objects.get(public_id=dossier_id)
    assert dossier.status == Status.DRAFT and dossier.identity_assurance == ""


def test_a_level_2_token_files_and_the_dossier_records_it(citizen, level2_procedure):
    set_level(citizen, 2)
    api = as_bearer(citizen)
    dossier_id = ready_draft(api, level2_procedure)
    response = api.post(f"/dossiers/{dossier_id}/submit")
    assert response.status_code == 200, response.content
    dossier = Dossier.objects.get(public_id=dossier_id)
    assert dossier.status == Status.SUBMITTED
    assert dossier.identity_assurance == IdentityAssurance.EID_LEVEL2


def test_a_level_1_token_files_an_ordinary_procedure_and_is_recorded_as_level_1(citizen, version):
    set_level(citizen, 1)
    api = as_bearer(citizen)
    dossier_id = ready_draft(api, version)
    assert api.post(f"/dossiers/{dossier_id}/submit").status_code == 200
    assert Dossier.objects.get(public_id=dossier_id).identity_assurance == "eid_level1"


def test_a_session_stands_for_the_level_of_its_sign_in_not_the_account(citizen, level2_procedure):
    set_level(citizen, 2)  # the provider's data: never read for a session
    api = as_bearer(citizen)
    first, second = ready_draft(api, level2_procedure), ready_draft(api, level2_procedure)
    assert Dossier.objects.get(public_id=first).identity_assurance == ""
    client = Client()
    client.force_login(citizen)
    refused = client.post(f"/api/v1/dossiers/{first}/submit")
    assert refused.status_code == 422 and error_code(refused) == "assurance_too_low"
    session = client.session
    session[SESSION_EID_LEVEL] = 2
    session.save()
    accepted = client.post(f"/api/v1/dossiers/{second}/submit")
    assert accepted.status_code == 200, accepted.content
    assert Dossier.objects.get(public_id=second).identity_assurance == "eid_level2"
