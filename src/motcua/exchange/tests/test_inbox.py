"""Receiving over the real endpoint: signatures, dedupe, order, gaps, errors, 404 when off."""

import time
import uuid

import pytest

from motcua.exchange.messages import InvalidMessage
from motcua.exchange.models import InMessage, Link

from .conftest import envelope, post_signed

pytestmark = pytest.mark.django_db


def test_a_signed_message_is_applied_and_its_link_made(client, peer, recorder):
    sender = uuid.uuid4()
    response = post_signed(client, envelope("test.open", 1, sender))
    assert response.status_code == 200, response.content
    answer = response.json()
    assert answer["status"] == "applied"
    link = Link.objects.get(peer=peer, remote_id=sender)
    assert link.side == Link.Side.FRONT  # the peer is a province: this side is the front
    assert link.last_in_seq == 1
    assert answer["ack"]["receiver_id"] == str(link.dossier.public_id)
    assert answer["ack"]["code"] == "X-1"
    message = InMessage.objects.get()
    assert message.applied_at and message.link == link and message.sender_id == sender
    assert message.created_at.isoformat() == "2026-10-05T01:00:00+00:00"
    assert recorder.calls == [("test.open", 1, str(sender))]


def test_a_bad_or_stale_signature_or_an_unknown_peer_is_401_and_nothing_is_stored(
    client, peer, recorder
):
    data = envelope("test.open", 1, uuid.uuid4())
    wrong = post_signed(client, data, secret="khoa-khac-hoan-toan-987654321")
    assert (wrong.status_code, wrong.json()["error"]) == (401, "signature")
    stale = post_signed(client, data, timestamp=str(int(time.time()) - 301))
    assert (stale.status_code, stale.json()["error"]) == (401, "timestamp")
    unknown = post_signed(client, data, peer="XYZ")
    assert (unknown.status_code, unknown.json()["error"]) == (401, "peer")
    peer.active = False
    peer.save()
    assert post_signed(client, data).status_code == 401
    assert not InMessage.objects.exists() and recorder.calls == []


def test_the_same_message_twice_is_applied_once_and_acknowledged_again(client, peer, recorder):
    data = envelope("test.open", 1, uuid.uuid4())
    first = post_signed(client, data).json()
    again = post_signed(client, data).json()
    assert first["status"] == "applied"
    assert again == {"status": "duplicate", "ack": first["ack"]}
    assert len(recorder.calls) == 1
    assert InMessage.objects.count() == 1


def test_a_message_id_reused_for_another_message_is_a_conflict(client, peer, recorder):
    data = envelope("test.open", 1, uuid.uuid4())
    post_signed(client, data)
    response = post_signed(client, {**data, "seq": 2})
    assert (response.status_code, response.json()["error"]) == (409, "conflict")


def test_seq_2_before_seq_1_waits_and_is_applied_when_the_gap_fills(client, peer, recorder):
    sender = uuid.uuid4()
    second = post_signed(client, envelope("test.status", 2, sender)).json()
    assert second["status"] == "queued"
    assert second["ack"] == {"waiting_for": 1}
    assert recorder.calls == []
    third = post_signed(client, envelope("test.status", 3, sender)).json()
    assert third["status"] == "queued"
    first = post_signed(client, envelope("test.open", 1, sender)).json()
    assert first["status"] == "applied"
    assert [call[:2] for call in recorder.calls] == [
        ("test.open", 1),
        ("test.status", 2),
        ("test.status", 3),
    ]
    assert Link.objects.get(remote_id=sender).last_in_seq == 3
    assert not InMessage.objects.filter(applied_at=None).exists()


def test_a_failing_handler_keeps_the_error_answers_503_and_applies_on_the_next_try(
    client, peer, recorder
):
    sender = uuid.uuid4()
    post_signed(client, envelope("test.open", 1, sender))
    data = envelope("test.status", 2, sender)
    recorder.fail = [RuntimeError("cơ sở dữ liệu bận"), RuntimeError("vẫn bận")]
    failed = post_signed(client, data)
    assert (failed.status_code, failed.json()["error"]) == (503, "apply_failed")
    message = InMessage.objects.get(seq=2)
    assert message.applied_at is None and "cơ sở dữ liệu bận" in message.error
    # a later message of the dossier tries it again (still failing) and waits behind it
    assert post_signed(client, envelope("test.status", 3, sender)).json()["status"] == "queued"
    retried = post_signed(client, data)  # the sender tries again: same message id
    assert retried.json()["status"] == "applied"
    assert [call[1] for call in recorder.calls] == [1, 2, 3]
    message.refresh_from_db()
    assert message.error == "" and message.attempts == 3


def test_a_message_the_handler_refuses_is_422_with_its_code(client, peer, recorder):
    recorder.fail = [InvalidMessage("Thủ tục không có ở tỉnh này", "unknown_procedure")]
    response = post_signed(client, envelope("test.open", 1, uuid.uuid4()))
    assert (response.status_code, response.json()["error"]) == (422, "unknown_procedure")


@pytest.mark.parametrize(
    "change, code",
    [
        ({"protocol": "motcua-exchange/2"}, "protocol"),
        ({"protocol": "other/1"}, "protocol"),
        ({"message_id": "x"}, "envelope"),
        ({"from": "DNG"}, "from"),
        ({"seq": -1}, "envelope"),
        ({"link": None}, "envelope"),  # an ordered message needs its sender id
        ({"created_at": "2026-10-05T08:00:00"}, "envelope"),  # no time zone
    ],
)
def test_an_invalid_envelope_is_422(client, peer, recorder, change, code):
    response = post_signed(client, {**envelope("test.open", 1, uuid.uuid4()), **change})
    assert (response.status_code, response.json()["error"]) == (422, code)
    assert recorder.calls == []


def test_a_minor_protocol_version_is_accepted_and_unknown_fields_ignored(client, peer, recorder):
    data = {**envelope("test.open", 1, uuid.uuid4()), "protocol": "motcua-exchange/1.1", "x": 1}
    assert post_signed(client, data).json()["status"] == "applied"


def test_an_unordered_message_is_applied_at_once(client, peer, recorder):
    assert post_signed(client, envelope("test.notice", 0)).json()["status"] == "applied"
    assert recorder.calls == [("test.notice", 0, "None")]


def test_the_first_answer_from_a_province_binds_our_link_by_receiver_id(
    client, peer, recorder, link_of
):
    ours = link_of()  # our dossier handed to the province; its ack was lost
    province_id = uuid.uuid4()
    data = envelope("test.status", 1, province_id, str(ours.dossier.public_id))
    assert post_signed(client, data).json()["status"] == "applied"
    ours.refresh_from_db()
    assert ours.remote_id == province_id and ours.last_in_seq == 1


def test_every_exchange_url_is_404_when_the_role_is_off(client, peer, recorder, settings):
    settings.MOTCUA_EXCHANGE_ROLE = "off"
    assert post_signed(client, envelope("test.open", 1, uuid.uuid4())).status_code == 404
    assert client.get("/lien-thong/tep/" + "0" * 64 + "/").status_code == 404
    assert client.get("/lien-thong/danh-muc/").status_code == 404
    assert client.get("/lien-thong/dong-bo/").status_code == 404


def test_get_is_not_allowed_on_the_message_endpoint(client, peer):
    assert client.get("/lien-thong/trao-doi/").status_code == 405


@pytest.fixture
def refusing(monkeypatch, recorder):
    """The recorder, refusing for good every ``test.bad`` message."""
    from motcua.exchange import handlers

    def apply(message):
        if message.type == "test.bad":
            raise InvalidMessage("Cơ quan không có ở tỉnh này", "unknown_agency")
        return recorder(message)

    monkeypatch.setattr(handlers, "apply", apply)
    return recorder


def test_a_queued_message_refused_when_its_turn_comes_is_dead_visible_and_resolvable(
    client, peer, refusing
):
    from io import StringIO

    from django.core.management import call_command

    from motcua.exchange import inbox

    sender = uuid.uuid4()
    post_signed(client, envelope("test.open", 1, sender))
    assert post_signed(client, envelope("test.bad", 3, sender)).json()["status"] == "queued"
    assert post_signed(client, envelope("test.status", 2, sender)).json()["status"] == "applied"
    bad = InMessage.objects.get(seq=3)
    assert bad.dead_at is not None and bad.error.startswith("unknown_agency:")
    attempts = bad.attempts
    # Not retried by the periodic job; the dossier's next message waits behind it.
    assert post_signed(client, envelope("test.status", 4, sender)).json()["status"] == "queued"
    assert inbox.retry_waiting() == 0
    bad.refresh_from_db()
    assert bad.attempts == attempts
    out = StringIO()
    call_command("exchange_status", "--json", stdout=out)
    (row,) = __import__("json").loads(out.getvalue())["peers"]
    assert (row["dead_in"], row["waiting_in"]) == (1, 1)
    # The sender replays a corrected message under a new id: it takes the dead one's turn.
    fixed = post_signed(client, envelope("test.status", 3, sender)).json()
    assert fixed["status"] == "applied"
    assert Link.objects.get(remote_id=sender).last_in_seq == 4
    assert [call[1] for call in refusing.calls] == [1, 2, 3, 4]


def test_the_operator_skips_a_dead_message_and_the_next_ones_apply(client, peer, refusing):
    from motcua.exchange import inbox

    sender = uuid.uuid4()
    post_signed(client, envelope("test.open", 1, sender))
    refused = post_signed(client, envelope("test.bad", 2, sender))
    assert (refused.status_code, refused.json()["error"]) == (422, "unknown_agency")
    assert post_signed(client, envelope("test.status", 3, sender)).json()["status"] == "queued"
    assert inbox.skip_dead(InMessage.objects.filter(seq=2)) == 1
    assert Link.objects.get(remote_id=sender).last_in_seq == 3
    assert inbox.dead_by_peer() == {}


def test_two_messages_of_the_same_seq_never_move_the_link_back(client, peer, recorder):
    from django.utils import timezone

    from motcua.exchange import inbox

    sender = uuid.uuid4()
    post_signed(client, envelope("test.open", 1, sender))
    link = Link.objects.get(remote_id=sender)

    def stored(seq):
        return InMessage.objects.create(
            message_id=uuid.uuid4(),
            peer=peer,
            type="test.status",
            seq=seq,
            sender_id=sender,
            received_at=timezone.now(),
        )

    first, twin, third = stored(2), stored(2), stored(3)
    assert inbox._apply(first, link) and inbox._apply(third, link)
    assert not inbox._apply(twin, link)  # chosen before the others were applied
    link.refresh_from_db()
    assert link.last_in_seq == 3
    twin.refresh_from_db()
    assert twin.applied_at is None and twin.dead_at is not None
    assert twin.error.startswith("seq_conflict")
