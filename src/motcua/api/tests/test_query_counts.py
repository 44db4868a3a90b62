"""The hot paths keep their number of queries: a filing through the API, the public
look-up, the catalogue, and the citizen's and officer's busiest pages.

The ceilings are what the code does today plus a small margin: a change that adds an
N+1 query or a per-request lookup shows here before it shows in the benchmarks.
"""

import pytest
from django.test import Client

from motcua.agencies.models import Role
from motcua.dossiers.models import Status

from .conftest import FORM, as_bearer, pdf

pytestmark = pytest.mark.django_db


def test_a_filing_through_the_api_stays_within_its_queries(
    citizen, version, django_assert_max_num_queries
):
    me = as_bearer(citizen)
    components = list(version.components.all())
    with django_assert_max_num_queries(13):
        created = me.post("/dossiers", {"procedure": "HT.01", "form": FORM})
    assert created.status_code == 201
    dossier = created.json()["id"]
    for component in components:
        # 2 of them are the storage quota's (the applicant's lock, one query for both
        # sums); on PostgreSQL one more is the audit chain's advisory lock.
        with django_assert_max_num_queries(15):
            upload = {"component": component.pk, "file": pdf()}
            assert me.upload(f"/dossiers/{dossier}/attachments", upload).status_code == 201
    # (the identification level and an agent's confirmation are written by the transition;
    # test_filing_counts.py pins the statements and transactions of each call)
    with django_assert_max_num_queries(25):
        submitted = me.post(f"/dossiers/{dossier}/submit")
    assert submitted.status_code == 200, submitted.content


def test_the_public_look_up_takes_at_most_three_queries(
    citizen, make_dossier, django_assert_max_num_queries
):
    dossier = make_dossier(citizen, Status.SUBMITTED)
    api = Client()
    body = {"code": dossier.code, "secret": dossier.lookup_secret}
    with django_assert_max_num_queries(3):
        response = api.post("/api/v1/public/lookup", body, content_type="application/json")
    assert response.status_code == 200


def test_catalogue_pages_do_not_grow_with_the_catalogue(version, django_assert_max_num_queries):
    api = Client()
    with django_assert_max_num_queries(6):
        assert api.get("/api/v1/procedures?limit=20").status_code == 200
    with django_assert_max_num_queries(10):
        assert api.get("/api/v1/procedures/HT.01").status_code == 200


def test_the_officers_queue_and_dossier_page_stay_within_their_queries(
    citizen, make_dossier, officer_of, commune, django_assert_max_num_queries
):
    for _ in range(15):
        make_dossier(citizen, Status.SUBMITTED)
    dossier = make_dossier(citizen, Status.SUBMITTED)
    browser = Client()
    browser.force_login(officer_of(commune, Role.DESK_OFFICER))
    with django_assert_max_num_queries(25):
        assert browser.get("/mot-cua/").status_code == 200
    with django_assert_max_num_queries(40):
        assert browser.get(f"/mot-cua/ho-so/{dossier.public_id}/").status_code == 200
