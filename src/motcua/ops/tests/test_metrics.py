"""/metrics: Prometheus figures for allowed addresses or the bearer token only."""

import pytest
from prometheus_client.parser import text_string_to_metric_families

from motcua.dossiers import services
from motcua.dossiers.models import Status
from tests.factories import (
    AgencyFactory,
    ApplicantFactory,
    UserFactory,
    dossier_in_status,
    procedure_version,
)


def samples(response) -> dict[tuple, float]:
    found = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def test_metrics_are_refused_to_other_addresses(client):
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403


def test_metrics_are_refused_to_everyone_unless_configured(client, settings):
    # Hole 14: the defaults allow nobody, not even this machine (a reverse proxy on it
    # would make every visitor look local).
    settings.MOTCUA_METRICS_TOKEN = ""
    assert settings.MOTCUA_METRICS_ALLOWED_IPS == []
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="::1").status_code == 403


def test_behind_a_proxy_the_forwarded_client_is_checked(client, settings):
    settings.MOTCUA_METRICS_ALLOWED_IPS = ["127.0.0.1"]
    settings.MOTCUA_TRUSTED_PROXY_COUNT = 1
    proxied = client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert proxied.status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200


def test_metrics_for_an_allowed_network(client, settings):
    settings.MOTCUA_METRICS_ALLOWED_IPS = ["10.0.0.0/8"]
    client.get("/khong-co-trang-nay/")  # a 404 is counted like any page
    response = client.get("/metrics", REMOTE_ADDR="10.20.30.40")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    found = samples(response)
    assert found[("django_http_responses_total_by_status_total", (("status", "404"),))] >= 1
    assert ("django_http_requests_before_middlewares_total", ()) in found


def test_metrics_with_the_bearer_token_from_anywhere(client, settings):
    settings.MOTCUA_METRICS_TOKEN = "bi-mat-giam-sat"
    ok = client.get(
        "/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer bi-mat-giam-sat"
    )
    wrong = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer sai")
    assert (ok.status_code, wrong.status_code) == (200, 403)


@pytest.mark.django_db
def test_committed_dossier_events_are_counted(client, settings, django_capture_on_commit_callbacks):
    settings.MOTCUA_METRICS_ALLOWED_IPS = ["127.0.0.1"]
    agency = AgencyFactory(code="STP")
    dossier = dossier_in_status(
        Status.SUBMITTED,
        applicant=ApplicantFactory(),
        procedure_version=procedure_version("HT.01"),
        agency=agency,
    )
    key = ("motcua_dossier_events_total", (("channel", "online"), ("event", "receive")))
    before = samples(client.get("/metrics")).get(key, 0)
    with django_capture_on_commit_callbacks(execute=True):
        services.transition(dossier, "receive", by=UserFactory())
    assert samples(client.get("/metrics"))[key] == before + 1
