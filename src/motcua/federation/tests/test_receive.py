"""The inbound endpoint: authentic, fresh, once per event id, newest snapshot wins."""

import json

import pytest
from django.urls import reverse

from motcua.dossiers import services
from motcua.events.models import OutboxEvent
from motcua.federation.models import InboundEvent, NationalFact, NationalRollup
from motcua.federation.tests.conftest import SECRET, post_event, signed_headers
from motcua.monitoring.tests.conftest import World, local
from tests.factories import AgencyFactory, procedure_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def events(national, hanoi):
    """The outbox events of one dossier taken through its life in this database."""
    agency = AgencyFactory(code="HNI.STP", name="Sở Tư pháp", parent=hanoi)
    version = procedure_version("1.001", processing_days=3, fee_vnd=0)
    world = World()
    dossier = world.counter(version, agency, local(2026, 10, 5))
    world.settle(dossier, local(2026, 10, 7))
    return list(OutboxEvent.objects.filter(dossier_id=dossier.pk).order_by("pk"))


def rollup_counts():
    return {
        (r.agency_code, r.month): (r.received, r.finished, r.early, r.on_time, r.late)
        for r in NationalRollup.objects.all()
    }


def test_an_event_is_applied_once_and_its_replay_changes_nothing(client, source, events):
    body = events[0].body()
    first = post_event(client, body)
    assert first.status_code == 200
    assert first.json()["status"] == "applied"
    counts = rollup_counts()
    assert counts == {("HNI.STP", local(2026, 10, 1).date()): (1, 0, 0, 0, 0)}

    again = post_event(client, body)
    assert again.status_code == 200
    assert again.json()["status"] == "duplicate"
    assert rollup_counts() == counts
    assert InboundEvent.objects.count() == 1


def test_the_newest_snapshot_wins_and_a_late_older_one_is_ignored(client, source, events):
    last, older = events[-1], events[1]
    assert post_event(client, last.body()).json()["status"] == "applied"
    assert post_event(client, older.body()).json()["status"] == "stale"
    fact = NationalFact.objects.get()
    assert fact.sequence == last.pk
    assert fact.status == "returned"
    assert fact.outcome == "early"
    assert rollup_counts() == {("HNI.STP", local(2026, 10, 1).date()): (1, 1, 1, 0, 0)}
    assert not InboundEvent.objects.get(event_id=older.event_id).applied


def test_events_in_order_leave_the_same_figures_as_the_last_one_alone(client, source, events):
    for event in events:
        assert post_event(client, event.body()).status_code == 200
    in_order = rollup_counts()
    NationalRollup.objects.all().delete()
    NationalFact.objects.all().delete()
    InboundEvent.objects.all().delete()
    post_event(client, events[-1].body())
    assert rollup_counts() == in_order


def test_a_wrong_signature_is_refused(client, source, events):
    body = events[0].body()
    response = post_event(client, body, secret="khoa-sai-khong-phai-cua-tinh")
    assert response.status_code == 401
    assert response.json()["error"] == "signature"
    assert not InboundEvent.objects.exists()


def test_a_body_changed_after_signing_is_refused(client, source, events):
    body = events[0].body()
    headers = signed_headers(body, event_id=str(events[0].event_id))
    tampered = body.replace(b'"status":"received"', b'"status":"returned"')
    response = client.post(
        reverse("federation:receive_event"),
        data=tampered,
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 401


@pytest.mark.parametrize("offset", [-301, 301])
def test_a_timestamp_outside_five_minutes_is_refused(client, source, events, offset):
    import time

    response = post_event(client, events[0].body(), timestamp=int(time.time()) + offset)
    assert response.status_code == 401
    assert response.json()["error"] == "timestamp"


def test_an_unknown_or_inactive_instance_is_refused(client, source, events):
    source.active = False
    source.save()
    response = post_event(client, events[0].body())
    assert response.status_code == 401
    assert response.json()["error"] == "instance"


def test_headers_must_match_the_body(client, source, events):
    body = events[0].body()
    response = post_event(client, body, event_id=str(events[1].event_id))
    assert response.status_code == 400
    bad = json.dumps({"id": str(events[0].event_id), "instance": "HNI"}).encode()
    assert post_event(client, bad).status_code == 400


def test_the_endpoint_does_not_exist_outside_national_mode(client, settings, events):
    settings.MOTCUA_FEDERATION_MODE = "off"
    response = post_event(client, events[0].body())
    assert response.status_code == 404
    assert client.get(reverse("federation:ranking")).status_code == 404


def test_only_post_is_accepted(client, source):
    assert client.get(reverse("federation:receive_event")).status_code == 405


def test_a_secret_being_changed_may_sign_twice(client, source, events):
    body = events[0].body()
    other = signed_headers(body, event_id=str(events[0].event_id), secret="khoa-moi-" + SECRET)
    good = signed_headers(
        body, event_id=str(events[0].event_id), timestamp=int(other["X-MotCua-Timestamp"])
    )
    headers = dict(good)
    headers["X-MotCua-Signature"] = f"{other['X-MotCua-Signature']},{good['X-MotCua-Signature']}"
    response = client.post(
        reverse("federation:receive_event"),
        data=body,
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 200


def test_a_fee_paid_online_counts_at_the_national_level(client, source, national, hanoi):
    agency = AgencyFactory(code="HNI.XA", name="Xã A", parent=hanoi)
    version = procedure_version("2.002", processing_days=3, fee_vnd=50000)
    world = World()
    dossier = world.online(version, agency, local(2026, 10, 5))
    services.record_fee_payment(dossier, online=True, at=local(2026, 10, 5, 10))
    for event in OutboxEvent.objects.filter(dossier_id=dossier.pk).order_by("pk"):
        post_event(client, event.body())
    row = NationalRollup.objects.get()
    assert (row.received, row.online, row.fee_required, row.paid_online) == (1, 1, 1, 1)


def test_declared_sources_are_synced(national):
    from motcua.federation.models import SourceInstance
    from motcua.federation.services import sync_sources

    national.MOTCUA_FEDERATION_SOURCES = f"HNI|Thành phố Hà Nội|{SECRET}, HCM|TP. HCM|{SECRET}x"
    assert sync_sources() == (2, 0)
    assert SourceInstance.objects.filter(managed=True, active=True).count() == 2
    national.MOTCUA_FEDERATION_SOURCES = f"HNI|Thành phố Hà Nội|{SECRET}"
    assert sync_sources() == (0, 1)
    assert not SourceInstance.objects.get(code="HCM").active
    with pytest.raises(ValueError, match="mã\\|tên\\|khóa"):
        sync_sources("HNI|chỉ tên")


def test_declared_sources_carry_the_codes_they_report_for(national):
    from motcua.federation.models import SourceInstance
    from motcua.federation.services import sync_sources

    sync_sources(f"HNI|Thành phố Hà Nội|{SECRET}|HNI  HNI-CU, HCM|TP. HCM|{SECRET}x")
    assert SourceInstance.objects.get(code="HNI").reported_codes == {"HNI", "HNI-CU"}
    assert SourceInstance.objects.get(code="HCM").reported_codes == {"HCM"}  # its own code


# --- A source reports only for the agencies it is bound to ------------------------------


def refused_count(reason: str = "agency") -> float:
    from prometheus_client import REGISTRY

    labels = {"source": "HNI", "reason": reason}
    return REGISTRY.get_sample_value("motcua_federation_events_refused_total", labels) or 0


def forged(event, **changes) -> bytes:
    """The event's body with its dossier snapshot changed (and signed again by the source)."""
    data = json.loads(event.body())
    data["dossier"].update(changes)
    return json.dumps(data).encode()


ELSEWHERE = {
    "code": "BNH.STP",
    "name": "Sở Tư pháp Bắc Ninh",
    "kind": "department",
    "province_code": "BNH",
    "province_name": "Tỉnh Bắc Ninh",
}


def test_events_about_another_provinces_agency_are_refused_counted_and_logged(
    client, source, events, caplog
):
    before = refused_count()
    body = forged(
        events[-1],
        agency=ELSEWHERE,
        intake_agency=ELSEWHERE,
        intake_agency_code="BNH.STP",
        decision_agency_code="BNH.STP",
    )
    response = post_event(client, body)
    assert response.status_code == 403
    assert response.json()["error"] == "agency"
    assert "BNH.STP" in response.json()["message"]
    assert not InboundEvent.objects.exists()
    assert not NationalRollup.objects.exists() and not NationalFact.objects.exists()
    assert refused_count() == before + 1
    assert "BNH.STP" in caplog.text


@pytest.mark.parametrize(
    "changes",
    [
        # Its own agency code, but filed under another province.
        {"agency": {**ELSEWHERE, "code": "HNI.STP"}},
        # A bare code nobody describes: it would count as a province of its own.
        {"decision_agency_code": "BNH"},
        {"intake_agency_code": "BNH.STP"},
    ],
    ids=["province_code", "decision_agency_code", "intake_agency_code"],
)
def test_any_agency_code_of_the_snapshot_outside_the_source_is_refused(
    client, source, events, changes
):
    response = post_event(client, forged(events[-1], **changes))
    assert response.status_code == 403, response.content
    assert not NationalRollup.objects.exists()


def test_a_source_bound_to_several_provinces_reports_for_each(client, source, events):
    source.agency_codes = "BNH HNI"
    source.save()
    body = forged(events[-1], agency=ELSEWHERE, decision_agency_code="BNH.STP")
    assert post_event(client, body).status_code == 200
    assert post_event(client, events[0].body()).status_code == 200


def test_the_admin_lists_sources_received_events_and_facts(admin_client, source, events):
    post_event(admin_client, events[-1].body())
    for name in ("sourceinstance", "inboundevent", "nationalfact"):
        page = admin_client.get(reverse(f"admin:federation_{name}_changelist"))
        assert page.status_code == 200, name
    assert admin_client.get(reverse("admin:federation_sourceinstance_add")).status_code == 200
    listed = admin_client.get(reverse("admin:federation_inboundevent_changelist")).content.decode()
    assert events[-1].dossier_code in listed
