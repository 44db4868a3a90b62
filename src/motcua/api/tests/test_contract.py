"""The API's contract: the served OpenAPI document is valid and pinned in
docs/openapi.json, and the API keeps it under property-based testing (schemathesis)."""

import json
from pathlib import Path

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis.configuration import set_hypothesis_home_dir
from schemathesis import checks

from motcua.dossiers.models import Status
from motcua.wsgi import application

from .conftest import bearer_token

PINNED = Path(__file__).resolve().parents[4] / "docs" / "openapi.json"

# Hypothesis keeps caches in .hypothesis/ of the working directory: keep them in var/.
set_hypothesis_home_dir(str(django_settings.VAR_DIR / "hypothesis"))
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


def test_served_openapi_is_a_valid_openapi_3_document():
    served = Client().get("/api/openapi.json")
    assert served.status_code == 200
    document = served.json()
    assert document["openapi"].startswith("3.")
    assert document["info"]["version"] == "1"
    schemathesis.openapi.from_dict(document).validate()  # the official OpenAPI meta-schema


def test_served_openapi_matches_the_pinned_copy():
    """Any change of the API shows in review: regenerate with
    `motcua export_openapi docs/openapi.json` and commit it."""
    served = Client().get("/api/openapi.json").json()
    pinned = json.loads(PINNED.read_text(encoding="utf-8"))
    assert served == pinned, "run: motcua export_openapi docs/openapi.json"


def test_every_error_answer_is_declared_with_the_error_schema():
    document = Client().get("/api/openapi.json").json()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            for status, answer in operation["responses"].items():
                if status.startswith(("4", "5")):
                    ref = answer["content"]["application/json"]["schema"]["$ref"]
                    assert ref.endswith("/ErrorOut"), (method, path, status)


def test_docs_page_is_served():
    page = Client().get("/api/docs")
    assert page.status_code == 200
    assert b"swagger-ui" in page.content


@pytest.fixture
def keep_connection():
    """Calls through the WSGI handler must not close the test's database connection
    (inside the test transaction), as Django's own test client ensures for itself."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def world(keep_connection, citizen, make_dossier, desk):
    """A citizen's received dossier at the officer's commune, and both callers' tokens."""
    dossier = make_dossier(citizen, Status.RECEIVED)
    return {
        "dossier": str(dossier.public_id),
        "citizen": f"Bearer {bearer_token(citizen)}",
        "officer": f"Bearer {bearer_token(desk)}",
    }


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=4,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_keeps_its_contract(case, world):
    """Generated requests, as a citizen or an officer, never break the server, and every
    answer matches the documented status codes and schemas."""
    if "public_id" in (case.path_parameters or {}):
        case.path_parameters["public_id"] = world["dossier"]
    caller = "officer" if case.path.startswith("/api/v1/officer/") else "citizen"
    case.call_and_validate(
        headers={"Authorization": world[caller]},
        checks=[
            checks.not_a_server_error,
            checks.status_code_conformance,
            checks.content_type_conformance,
            checks.response_schema_conformance,
        ],
    )
