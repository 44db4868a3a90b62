"""Delivery over real HTTP: signed, retried with backoff, dead-lettered, replayed, ordered."""

import datetime as dt
import json
import threading

import pytest
from django.urls import reverse
from django.utils import timezone

from motcua.audit.models import AuditRecord
from motcua.dossiers import services
from motcua.events.delivery import deliver_due
from motcua.events.models import Delivery, OutboxEvent, Subscriber
from motcua.events.services import sync_subscribers
from motcua.monitoring.tests.conftest import local
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def make_due(**filters):
    Delivery.objects.filter(**filters).update(next_attempt_at=timezone.now())


def test_an_event_reaches_the_receiver_signed_and_verifiable(
    world, version, department, subscriber, receiver
):
    dossier = world.counter(version, department, local(2026, 10, 5))
    outcome = deliver_due()

    assert outcome.delivered == 1
    assert receiver.rejected == []
    (request,) = receiver.requests
    event = OutboxEvent.objects.get(dossier_id=dossier.pk)
    assert request["headers"]["X-MotCua-Event-Id"] == str(event.event_id)
    assert request["headers"]["X-MotCua-Instance"] == "HNI"
    assert request["body"] == event.body()
    sent = json.loads(request["body"])
    assert sent["type"] == "dossier.received"
    assert sent["sequence"] == event.pk
    assert sent["dossier"]["code"] == dossier.code
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.DELIVERED
    assert delivery.attempts == 1
    assert delivery.last_status_code == 200


def test_a_receiver_with_another_secret_refuses_and_the_delivery_is_retried(
    world, version, department, subscriber, receiver
):
    Subscriber.objects.filter(pk=subscriber.pk).update(secret="khoa-khac-hoan-toan-0000")
    world.counter(version, department, local(2026, 10, 5))
    outcome = deliver_due()
    assert outcome.failed == 1
    assert receiver.rejected == ["signature"]
    assert receiver.applied == {}
    assert Delivery.objects.get().last_status_code == 401


def test_failures_back_off_exponentially_then_the_delivery_is_dead(
    world, version, department, subscriber, receiver
):
    receiver.statuses = [500, 503, 500]
    world.counter(version, department, local(2026, 10, 5))

    before = timezone.now()
    assert deliver_due().failed == 1
    delivery = Delivery.objects.get()
    # base 10 s × 2^0, with jitter in [0.5, 1]
    assert before + dt.timedelta(seconds=5) <= delivery.next_attempt_at
    assert delivery.next_attempt_at <= timezone.now() + dt.timedelta(seconds=10)
    assert deliver_due().attempted == 0, "not due yet"

    make_due()
    before = timezone.now()
    assert deliver_due().failed == 1
    delivery.refresh_from_db()
    assert before + dt.timedelta(seconds=10) <= delivery.next_attempt_at  # 10 × 2^1 × ≥0.5
    assert delivery.next_attempt_at <= timezone.now() + dt.timedelta(seconds=20)
    assert delivery.last_error.startswith("HTTP 503")

    make_due()
    assert deliver_due().dead == 1
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DEAD
    assert delivery.attempts == 3
    assert len(receiver.requests) == 3
    assert receiver.applied == {}


def test_unreachable_receiver_is_a_failed_try(world, version, department, event_settings):
    Subscriber.objects.create(name="khong-mo", url="http://127.0.0.1:9/", secret="z" * 20)
    world.counter(version, department, local(2026, 10, 5))
    assert deliver_due().failed == 1
    assert "ConnectionError" in Delivery.objects.get().last_error


def test_replay_from_the_dead_letter_list_sends_again_and_is_audited(
    client, world, version, department, subscriber, receiver
):
    receiver.statuses = [500, 500, 500]
    world.counter(version, department, local(2026, 10, 5))
    for _ in range(3):
        make_due()
        deliver_due()
    dead = Delivery.objects.get(status=Delivery.Status.DEAD)

    admin = UserFactory(username="quantri", is_staff=True, is_superuser=True)
    client.force_login(admin)
    changelist = reverse("admin:events_delivery_changelist")
    page = client.get(changelist, {"hang": "loi"})
    assert page.status_code == 200
    assert "Gửi không thành công" in page.content.decode()
    response = client.post(
        changelist, {"action": "replay", "_selected_action": [dead.pk]}, follow=True
    )
    assert "Đã đưa 1 lượt gửi trở lại hàng chờ." in response.content.decode()

    dead.refresh_from_db()
    assert (dead.status, dead.attempts) == (Delivery.Status.PENDING, 0)
    audit = AuditRecord.objects.get(action="events.delivery_replayed")
    assert audit.actor == admin
    assert audit.data["ids"] == [dead.pk]
    assert deliver_due().delivered == 1
    assert len(receiver.applied) == 1


def test_a_later_event_waits_while_an_earlier_one_of_the_dossier_is_pending(
    world, version, department, commune, subscriber, receiver
):
    receiver.statuses = [500]
    first = world.counter(version, department, local(2026, 10, 5))
    services.transition(first, "start_processing", at=local(2026, 10, 6))
    other = world.counter(version, commune, local(2026, 10, 5))

    outcome = deliver_due()
    # The first event of ``first`` failed; its second waits; ``other`` is independent.
    assert (outcome.failed, outcome.delivered) == (1, 1)
    assert [json.loads(r["body"])["dossier"]["code"] for r in receiver.requests] == [
        first.code,
        other.code,
    ]
    make_due(status=Delivery.Status.PENDING)
    assert deliver_due().delivered == 2
    sent = [receiver.applied[i] for i in receiver.order]
    of_first = [e for e in sent if e["dossier"]["code"] == first.code]
    assert [e["type"] for e in of_first] == ["dossier.received", "dossier.status_changed"]
    assert of_first[0]["sequence"] < of_first[1]["sequence"]


def test_declared_subscribers_are_synced_and_removed_ones_deactivated(event_settings):
    event_settings.MOTCUA_EVENTS_SUBSCRIBERS = (
        "cong-dvc|https://dvc.example/webhook|khoa-1234567890abcdef|portal_sync|"
        "dossier.received;dossier.returned, "
        "do-luong|https://dl.example/su-kien|khoa-abcdef1234567890|measurement"
    )
    assert sync_subscribers() == (2, 0)
    portal = Subscriber.objects.get(name="cong-dvc")
    assert portal.managed and portal.active
    assert portal.kind == Subscriber.Kind.PORTAL_SYNC
    assert portal.event_types == ["dossier.received", "dossier.returned"]
    assert sync_subscribers() == (0, 0), "nothing changes the second time"

    event_settings.MOTCUA_EVENTS_SUBSCRIBERS = "do-luong|https://dl.example/moi|khoa-moi-1234567890"
    assert sync_subscribers() == (1, 1)
    assert not Subscriber.objects.get(name="cong-dvc").active
    assert Subscriber.objects.get(name="do-luong").url == "https://dl.example/moi"

    with pytest.raises(ValueError, match="dossier.khong_co"):
        sync_subscribers("x|https://x.example/|khoa|other|dossier.khong_co")
    with pytest.raises(ValueError, match="tên\\|url\\|khóa"):
        sync_subscribers("chi-ten")


def test_deliver_events_command_syncs_subscribers_and_delivers(
    world, version, department, receiver, event_settings
):
    from django.core.management import call_command

    event_settings.MOTCUA_EVENTS_SUBSCRIBERS = (
        f"thu|{receiver.url}|khoa-bi-mat-thu-nghiem-0123456789"
    )
    sync_subscribers()
    world.counter(version, department, local(2026, 10, 5))
    call_command("deliver_events", "--once")
    assert len(receiver.applied) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_send_the_same_delivery_twice(
    on_postgres, world, version, department, subscriber, receiver
):
    for day in range(1, 13):
        world.counter(version, department, local(2026, 10, day))
    receiver.delay_s = 0.02
    outcomes = []

    def work():
        from django.db import connection

        try:
            outcomes.append(deliver_due(limit=2))
        finally:
            connection.close()

    workers = [threading.Thread(target=work) for _ in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(30)
    ids = [r["headers"]["X-MotCua-Event-Id"] for r in receiver.requests]
    assert len(ids) == 12
    assert len(set(ids)) == 12, "no event was sent twice"
    assert sum(o.delivered for o in outcomes) == 12
    assert Delivery.objects.filter(status=Delivery.Status.DELIVERED).count() == 12


def test_a_subscriber_added_in_the_admin_can_be_sent_the_history(
    client, world, version, department, receiver, event_settings
):
    dossier = world.counter(version, department, local(2026, 10, 5))
    world.settle(dossier, local(2026, 10, 6))
    admin = UserFactory(username="quantri", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.post(
        reverse("admin:events_subscriber_add"),
        {
            "name": "cong-dvc-quoc-gia",
            "kind": Subscriber.Kind.PORTAL_SYNC,
            "url": receiver.url,
            "secret": "khoa-bi-mat-thu-nghiem-0123456789",
            "event_types": ["dossier.received", "dossier.returned"],
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    subscriber = Subscriber.objects.get(name="cong-dvc-quoc-gia")
    assert subscriber.event_types == ["dossier.received", "dossier.returned"]
    assert not Delivery.objects.exists(), "it joined after the events"

    response = client.post(
        reverse("admin:events_subscriber_changelist"),
        {"action": "send_history", "_selected_action": [subscriber.pk]},
        follow=True,
    )
    assert "Đã đưa 2 sự kiện vào hàng chờ gửi." in response.content.decode()
    assert AuditRecord.objects.filter(action="events.subscriber_backfilled").exists()
    assert deliver_due().delivered == 2
    assert [receiver.applied[i]["type"] for i in receiver.order] == [
        "dossier.received",
        "dossier.returned",
    ]


def test_deliveries_to_an_inactive_subscriber_wait_until_it_is_active_again(
    world, version, department, subscriber, receiver
):
    world.counter(version, department, local(2026, 10, 5))
    Subscriber.objects.filter(pk=subscriber.pk).update(active=False)
    assert deliver_due().attempted == 0
    Subscriber.objects.filter(pk=subscriber.pk).update(active=True)
    assert deliver_due().delivered == 1
