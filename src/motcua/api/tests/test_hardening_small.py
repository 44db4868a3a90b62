"""Hole 14 (the API's part): a JSON body with text no database can store (a lone
surrogate, a NUL) is a 400 in the API's one error format, not a 500."""

import json

import pytest
from django.test import Client

from .conftest import FORM, as_bearer

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["An\ud800", "An\udfff Bình", "An\x00"])
def test_text_no_database_can_store_is_a_bad_request(citizen, version, name):
    me = as_bearer(citizen)
    me.client.raise_request_exception = False
    response = me.post("/dossiers", {"procedure": "HT.01", "form": dict(FORM, full_name=name)})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"


@pytest.mark.parametrize(
    "body",
    ['{"code": "\\ud800", "secret": "ABCD"}', '{"code": "BN-1", "secret": "A", "x": ["\\ud83d"]}'],
)
def test_a_lone_surrogate_anywhere_in_the_body_is_refused(body):
    response = Client().post("/api/v1/public/lookup", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"


def test_a_proper_surrogate_pair_is_still_read():
    body = json.dumps({"code": "BN-😀", "secret": "ABCD"})  # ensure_ascii: \\ud83d\\ude00
    response = Client().post("/api/v1/public/lookup", body, content_type="application/json")
    assert response.status_code == 404
