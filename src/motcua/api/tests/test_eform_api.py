"""The e-form through the API: the published form (definition and JSON Schema), nested
data saved, and the same errors as the portal for the same bad data."""

from __future__ import annotations

import jsonschema
import pytest

from motcua.portal.tests.test_eform_v2 import COMPLETE, _errors_of, draft, v2_version

from .conftest import as_bearer

pytestmark = pytest.mark.django_db
__all__ = ["draft", "v2_version"]  # fixtures of the portal's e-form tests


@pytest.fixture
def citizen_client(client, citizen):
    client.force_login(citizen)
    return client


DATA = {
    "mother": {
        "full_name": "Trần Thị Bình",
        "birth_date": "1992-03-02",
        "sex": "nu",
        "personal_id": "001192000123",
    },
    "phone": "0912345678",
    "child_name": "Nguyễn Minh Khôi",
    "child_birth": "2025-01-15",
    "copies": 2,
    "income": 1500000,
    "purpose": "work",
    "ethnicity": "Kinh",
    "languages": ["vi", "en"],
    "married": True,
    "note": "Không",
    "members": [{"full_name": "Nguyễn Văn An", "birth_date": "1990-05-17"}],
    "consent": True,
}


def test_the_form_is_published_with_its_json_schema(client, v2_version):
    answer = client.get("/api/v1/procedures/HT.V2/form")
    assert answer.status_code == 200
    body = answer.json()
    assert body["procedure"] == "HT.V2" and body["version"] == v2_version.number
    assert body["definition"]["sections"][0]["key"] == "parent"
    # Any JSON Schema library accepts good data and refuses bad data with it.
    validator = jsonschema.Draft202012Validator(body["json_schema"])
    assert not list(validator.iter_errors(DATA))
    assert list(validator.iter_errors({**DATA, "copies": 50}))
    assert client.get("/api/v1/procedures/KHONG.CO/form").status_code == 404


def test_nested_data_is_saved_through_the_api(citizen, draft):
    dossier = draft()
    api = as_bearer(citizen)
    answer = api.put(f"/dossiers/{dossier.public_id}/form", {"form": DATA})
    assert answer.status_code == 200, answer.content
    dossier.refresh_from_db()
    assert dossier.form_data["members"] == DATA["members"]
    assert dossier.form_data["mother"]["birth_date"] == "1992-03-02"


def test_the_api_finds_the_same_errors_as_the_portal(citizen, citizen_client, draft):
    bad_post = {
        **COMPLETE,
        "copies": "50",
        "phone": "12345",
        "members__0__full_name": "",
        "action": "save",
    }
    portal = citizen_client.post(f"/ho-so/{draft().public_id}/khai/", bad_post)
    assert portal.status_code == 200
    portal_errors = _errors_of(portal)
    assert {"copies", "phone"} <= set(portal_errors)
    bad = {**DATA, "copies": 50, "phone": "12345", "members": [{"birth_date": "1990-05-17"}]}
    api = as_bearer(citizen)
    answer = api.put(f"/dossiers/{draft().public_id}/form", {"form": bad})
    assert answer.status_code == 422
    error = answer.json()["error"]
    assert error["code"] == "invalid_form"
    assert error["details"] == portal_errors


def test_a_locked_value_cannot_be_changed_through_the_api(citizen, draft):
    dossier = draft(
        form_data={"mother": {"full_name": "Trần Thị Bình"}},
        sources={"mother.full_name": "dan_cu"},
    )
    api = as_bearer(citizen)
    tampered = {**DATA, "mother": {**DATA["mother"], "full_name": "Người Khác"}}
    answer = api.put(f"/dossiers/{dossier.public_id}/form", {"form": tampered})
    assert answer.status_code == 422
    assert "mother.full_name" in answer.json()["error"]["details"]
    dossier.refresh_from_db()
    assert dossier.form_data["mother"]["full_name"] == "Trần Thị Bình"


def test_unknown_names_are_refused(citizen, draft):
    api = as_bearer(citizen)
    answer = api.put(f"/dossiers/{draft().public_id}/form", {"form": {**DATA, "la": "x"}})
    assert answer.status_code == 422
    assert answer.json()["error"]["details"]["la"] == ["Tờ khai của thủ tục không có trường này."]
