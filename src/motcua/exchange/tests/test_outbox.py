"""Sending over real HTTP to a stand-in peer: signed envelope, order per dossier, backoff,
dead letters and replay, a peer down then up, the inline try, an hour's catch-up."""

import datetime as dt
import json
import uuid

import pytest
from django.utils import timezone

from motcua.audit.models import AuditRecord
from motcua.exchange import outbox
from motcua.exchange.models import OutMessage
from motcua.exchange.outbox import deliver, enqueue

pytestmark = pytest.mark.django_db


def make_due(**filters):
    OutMessage.objects.filter(**filters).update(next_attempt_at=timezone.now())


def order_of(fake_peer, link) -> list[int]:
    sender = str(link.dossier.public_id)
    return [seq for sender_id, seq in fake_peer.order if sender_id == sender]


def test_enqueue_numbers_each_dossier_s_messages_without_gaps(peer, link_of):
    a, b = link_of(), link_of()
    at = timezone.now() - dt.timedelta(minutes=5)
    seqs = [enqueue(peer, "t", {}, link=a, at=at).seq for _ in range(3)]
    assert seqs == [1, 2, 3]
    assert enqueue(peer, "t", {}, link=b).seq == 1
    assert enqueue(peer, "t.notice", {}).seq == 0
    a.refresh_from_db()
    assert a.next_out_seq == 4
    assert OutMessage.objects.filter(link=a).first().created_at == at
    assert not OutMessage.objects.exclude(state="pending").exists()


def test_a_message_reaches_the_peer_signed_and_the_link_learns_the_remote_id(
    peer, fake_peer, link_of
):
    link = link_of()
    message = enqueue(peer, "dossier.filed", {"ten": "Hồ sơ đăng ký khai sinh"}, link=link)
    outcome = deliver()
    assert (outcome.delivered, outcome.failed, outcome.dead) == (1, 0, 0)
    assert fake_peer.rejected == []
    (request,) = fake_peer.requests
    assert request["headers"]["X-MotCua-Peer"] == "NAT"
    sent = json.loads(request["body"])
    assert sent["protocol"] == "motcua-exchange/1"
    assert sent["message_id"] == str(message.message_id)
    assert sent["type"] == "dossier.filed"
    assert sent["from"] == "NAT"
    assert sent["link"] == {"sender_id": str(link.dossier.public_id), "receiver_id": None}
    assert sent["seq"] == 1
    assert sent["body"] == {"ten": "Hồ sơ đăng ký khai sinh"}
    assert dt.datetime.fromisoformat(sent["created_at"]) == message.created_at
    message.refresh_from_db()
    assert message.state == "delivered" and message.attempts == 1
    assert message.last_status_code == 200 and message.delivered_at is not None
    link.refresh_from_db()
    assert str(link.remote_id) == message.ack["receiver_id"]
    assert link.handed_over_at is not None
    # the next message names the peer's dossier
    enqueue(peer, "dossier.paid", {}, link=link)
    deliver()
    assert json.loads(fake_peer.requests[-1]["body"])["link"]["receiver_id"] == str(link.remote_id)


def test_a_later_message_of_a_dossier_is_not_sent_while_an_earlier_one_waits(
    peer, fake_peer, link_of
):
    a, b = link_of(), link_of()
    for _ in range(3):
        enqueue(peer, "t", {}, link=a)
    enqueue(peer, "t", {}, link=b)
    fake_peer.statuses = [503]  # a's first message fails
    outcome = deliver()
    assert (outcome.delivered, outcome.failed) == (1, 1)
    assert len(fake_peer.requests) == 2  # a#1 (failed) and b#1: not a#2, a#3
    make_due()
    assert deliver().delivered == 3
    assert order_of(fake_peer, a) == [1, 2, 3]
    assert order_of(fake_peer, b) == [1]


def test_failures_back_off_then_the_message_is_dead_holds_the_rest_and_is_replayed(
    peer, fake_peer, link_of, admin_user
):
    link = link_of()
    first = enqueue(peer, "t", {}, link=link)
    enqueue(peer, "t", {}, link=link)
    fake_peer.statuses = [500, 503, 500]

    before = timezone.now()
    assert deliver().failed == 1
    first.refresh_from_db()
    # base 10 s × 2^0, with jitter in [0.5, 1]
    assert before + dt.timedelta(seconds=5) <= first.next_attempt_at
    assert first.next_attempt_at <= timezone.now() + dt.timedelta(seconds=10)
    assert first.last_status_code == 500 and "test-500" in first.last_error
    assert deliver().attempted == 0, "not due yet"

    make_due()
    before = timezone.now()
    assert deliver().failed == 1
    first.refresh_from_db()
    assert before + dt.timedelta(seconds=10) <= first.next_attempt_at  # 10 × 2^1 × ≥0.5
    assert first.next_attempt_at <= timezone.now() + dt.timedelta(seconds=20)

    make_due()
    assert deliver().dead == 1
    first.refresh_from_db()
    assert (first.state, first.attempts) == ("dead", 3)
    make_due()
    assert deliver().attempted == 0, "the dossier's next message waits behind the dead one"
    assert fake_peer.applied == {}

    assert outbox.replay(OutMessage.objects.filter(state="dead"), by=admin_user) == 1
    assert AuditRecord.objects.filter(action="exchange.message_replayed").count() == 1
    assert deliver().delivered == 2
    assert order_of(fake_peer, link) == [1, 2]


def test_a_message_the_peer_refuses_is_dead_at_once(peer, fake_peer, link_of):
    enqueue(peer, "t", {}, link=link_of())
    fake_peer.statuses = [422]
    assert deliver().dead == 1
    message = OutMessage.objects.get()
    assert (message.state, message.attempts, message.last_status_code) == ("dead", 1, 422)


def test_a_peer_down_then_up_receives_everything_once_in_order(peer, fake_peer, link_of):
    link = link_of()
    enqueue(peer, "t", {}, link=link)
    fake_peer.stop()
    enqueue(peer, "t", {}, link=link)
    outcome = deliver()
    assert (outcome.delivered, outcome.failed) == (0, 1)
    head = OutMessage.objects.get(seq=1)
    assert head.last_status_code is None and "ConnectionError" in head.last_error
    assert outbox.peer_is_down(peer.pk)
    fake_peer.start()  # same port
    make_due()
    assert deliver().delivered == 2
    assert order_of(fake_peer, link) == [1, 2]
    assert len(fake_peer.applied) == 2
    assert not outbox.peer_is_down(peer.pk)


def test_the_inline_try_sends_after_commit_unless_the_peer_is_known_down(
    peer, fake_peer, link_of, settings, django_capture_on_commit_callbacks
):
    settings.MOTCUA_EXCHANGE_INLINE = True
    link = link_of()
    with django_capture_on_commit_callbacks(execute=True):
        enqueue(peer, "t", {}, link=link)
    assert OutMessage.objects.get().state == "delivered"
    fake_peer.statuses = [503]
    with django_capture_on_commit_callbacks(execute=True):
        enqueue(peer, "t", {}, link=link)
    assert OutMessage.objects.get(seq=2).state == "pending"
    requests = len(fake_peer.requests)
    with django_capture_on_commit_callbacks(execute=True):
        enqueue(peer, "t", {}, link=link_of())  # another dossier: the peer is known down
    assert len(fake_peer.requests) == requests


def test_a_peer_down_for_an_hour_catches_up_exactly_once_in_order(
    peer, fake_peer, link_of, settings, monkeypatch
):
    """A shortened clock: ``timezone.now`` is advanced a minute at a time while the
    ``deliver_exchange`` job runs every (simulated) minute."""
    settings.MOTCUA_EXCHANGE_MAX_ATTEMPTS = 72
    settings.MOTCUA_EXCHANGE_BACKOFF_S = 30
    settings.MOTCUA_EXCHANGE_BACKOFF_MAX_S = 3600
    clock = [timezone.now()]
    monkeypatch.setattr(timezone, "now", lambda: clock[0])
    links = [link_of() for _ in range(3)]
    fake_peer.stop()
    for minute in range(60):  # down for an hour; a change every 5 minutes
        if minute % 5 == 0:
            enqueue(peer, "t", {"minute": minute}, link=links[(minute // 5) % 3])
        outcome = deliver()
        assert outcome.delivered == 0
        clock[0] += dt.timedelta(minutes=1)
    assert OutMessage.objects.filter(state="pending").count() == 12
    tries_while_down = max(OutMessage.objects.values_list("attempts", flat=True))
    assert tries_while_down <= 8, "the backoff spares a peer that is down"

    fake_peer.start()
    for _minute in range(60):
        deliver()
        if not OutMessage.objects.filter(state="pending").exists():
            break
        clock[0] += dt.timedelta(minutes=1)
    assert OutMessage.objects.filter(state="delivered").count() == 12
    assert len(fake_peer.applied) == 12
    delivered_ids = [json.loads(r["body"])["message_id"] for r in fake_peer.requests]
    assert len(delivered_ids) == len(set(delivered_ids)) == 12, "each sent once after the outage"
    for link in links:
        assert order_of(fake_peer, link) == [1, 2, 3, 4]
    assert {str(m) for m in OutMessage.objects.values_list("message_id", flat=True)} == set(
        fake_peer.applied
    )
    assert all(uuid.UUID(m) for m in fake_peer.applied)
