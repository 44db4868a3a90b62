"""Every dossier change writes one outbox event, in the change's own transaction."""

import datetime as dt
import json

import pytest
from django.db import transaction
from django.urls import reverse

from motcua.dossiers import services
from motcua.dossiers.models import Channel
from motcua.events.models import Delivery, EventType, OutboxEvent, Subscriber
from motcua.monitoring.tests.conftest import local

pytestmark = pytest.mark.django_db


def types_of(dossier):
    return list(
        OutboxEvent.objects.filter(dossier_id=dossier.pk)
        .order_by("pk")
        .values_list("type", flat=True)
    )


def test_each_change_writes_an_event_in_order_with_the_dossier_snapshot(
    world, version, department, event_settings
):
    dossier = world.online(version, department, local(2026, 10, 5), reused=True)
    services.record_fee_payment(dossier, online=True, at=local(2026, 10, 5, 11))
    world.settle(dossier, local(2026, 10, 12), electronic=True)
    services.rate(dossier, score=5)

    assert types_of(dossier) == [
        EventType.SUBMITTED,
        EventType.RECEIVED,
        EventType.PAID,
        EventType.STATUS_CHANGED,  # start_processing
        EventType.STATUS_CHANGED,  # approve
        EventType.RESULT_ISSUED,
        EventType.RETURNED,
        EventType.RATED,
    ]
    events = list(OutboxEvent.objects.filter(dossier_id=dossier.pk).order_by("pk"))
    assert [e.sequence for e in events] == sorted({e.sequence for e in events})
    assert len({e.event_id for e in events}) == len(events)
    last = events[-1].envelope()
    assert last["instance"] == "HNI"
    assert last["action"] == "rated"
    snapshot = last["dossier"]
    assert snapshot["code"] == dossier.code
    assert snapshot["agency"] == {
        "code": "HNI.STP",
        "name": "Sở Tư pháp",
        "kind": "department",
        "province_code": "HNI",
        "province_name": "Thành phố Hà Nội",
    }
    assert snapshot["intake_agency_code"] == snapshot["decision_agency_code"] == "HNI.STP"
    assert snapshot["procedure"]["code"] == "SK.01"
    assert snapshot["procedure"]["legal_processing_days"] == 3
    assert snapshot["channel"] == Channel.ONLINE
    assert snapshot["status"] == "returned"
    assert snapshot["status_label"] == "Đã trả kết quả"
    assert snapshot["due_date"] == dossier.due_date.isoformat()
    assert snapshot["fee_vnd"] == dossier.fee_vnd
    assert snapshot["fee_paid_online"] is True
    assert snapshot["reused_data"] is True
    assert snapshot["result_electronic"] is True
    assert snapshot["rating"]["score"] == 5
    # The event before the change to "returned" still shows the dossier as it was then.
    assert events[-3].payload["status"] == "result_issued"
    assert events[-3].payload["returned_at"] is None


def test_the_event_carries_no_personal_data(world, version, department, event_settings):
    dossier = world.counter(version, department, local(2026, 10, 5))
    body = OutboxEvent.objects.get(dossier_id=dossier.pk).body().decode()
    applicant = dossier.applicant
    assert applicant.personal_id not in body
    assert applicant.name not in body
    assert "applicant" not in json.loads(body)["dossier"]


def test_a_rolled_back_change_leaves_no_event(world, version, department, event_settings):
    dossier = world.counter(version, department, local(2026, 10, 5))
    before = OutboxEvent.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.transition(dossier, "start_processing", at=local(2026, 10, 6))
        assert OutboxEvent.objects.count() == before + 1  # written inside the transaction
        raise RuntimeError("the caller's transaction fails after the change")
    assert OutboxEvent.objects.count() == before
    dossier.refresh_from_db()
    assert dossier.status == "received"


def test_inter_agency_dossier_counts_its_intake_at_the_first_agency(
    world, version, department, commune, event_settings
):
    dossier = world.counter(version, department, local(2026, 10, 5))
    services.transition(
        dossier, "transfer", at=local(2026, 10, 6), note="Liên thông", agency=commune
    )
    services.transition(dossier, "accept_transfer", at=local(2026, 10, 7))
    snapshot = OutboxEvent.objects.filter(dossier_id=dossier.pk).latest("pk").payload
    assert snapshot["intake_agency_code"] == "HNI.STP"
    assert snapshot["decision_agency_code"] == "HNI.XA01"
    assert dt.datetime.fromisoformat(snapshot["intake_at"]) == local(2026, 10, 5)
    assert dt.datetime.fromisoformat(snapshot["received_at"]) == local(2026, 10, 7)
    assert snapshot["agency"]["province_code"] == "HNI"


def test_deliveries_are_queued_for_subscribers_that_want_the_type(
    world, version, department, subscriber
):
    only_returns = Subscriber.objects.create(
        name="cong-dvc",
        url="http://127.0.0.1:9/",
        secret="x" * 20,
        kind=Subscriber.Kind.PORTAL_SYNC,
        event_types=[EventType.RETURNED],
    )
    Subscriber.objects.create(name="tat", url="http://127.0.0.1:9/", secret="y" * 20, active=False)
    dossier = world.counter(version, department, local(2026, 10, 5))
    world.settle(dossier, local(2026, 10, 6))
    events = OutboxEvent.objects.filter(dossier_id=dossier.pk)
    assert Delivery.objects.filter(subscriber=subscriber).count() == events.count()
    assert list(
        Delivery.objects.filter(subscriber=only_returns).values_list("event__type", flat=True)
    ) == [EventType.RETURNED]
    assert Delivery.objects.count() == events.count() + 1


def test_publish_snapshots_sends_dossiers_that_never_sent_an_event(
    version, department, event_settings
):
    import io

    from django.core.management import call_command

    from tests.factories import ApplicantFactory, dossier_in_status

    loaded = dossier_in_status(
        "received",
        applicant=ApplicantFactory(),
        procedure_version=version,
        agency=department,
        received_at=local(2026, 10, 5),
    )
    dossier_in_status(
        "draft", applicant=loaded.applicant, procedure_version=version, agency=department
    )
    assert not OutboxEvent.objects.exists()
    out = io.StringIO()
    call_command("publish_snapshots", "--agency", "HNI.STP", stdout=out)
    assert "Đã ghi 1 sự kiện" in out.getvalue()
    event = OutboxEvent.objects.get()
    assert (event.type, event.action, event.dossier_code) == (
        EventType.SNAPSHOT,
        "resync",
        loaded.code,
    )
    assert event.payload["status"] == "received"


def test_the_admin_lists_the_outbox(admin_client, world, version, department, event_settings):
    dossier = world.counter(version, department, local(2026, 10, 5))
    page = admin_client.get(reverse("admin:events_outboxevent_changelist"))
    assert page.status_code == 200
    assert dossier.code in page.content.decode()
    assert admin_client.get(reverse("admin:events_subscriber_add")).status_code == 200
