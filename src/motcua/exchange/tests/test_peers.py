"""Declared peers: parsed, written by sync_peers (and after migrate), deactivated when
no longer listed; deliver_exchange sends and applies what waits."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from motcua.exchange.models import OutMessage, Peer
from motcua.exchange.outbox import enqueue
from motcua.exchange.sync import parse_declared, sync_peers

pytestmark = pytest.mark.django_db
KEY = "khoa-dung-chung-0123456789"


def test_declared_peers_are_written_updated_and_deactivated(settings):
    settings.MOTCUA_EXCHANGE_PEERS = (
        f"HNI|province|https://hni.example.vn|{KEY}|HNI HNI.STP, "
        f"DNG|province|https://dng.example.vn/|{KEY}"
    )
    assert sync_peers() == (2, 0)
    hni = Peer.objects.get(code="HNI")
    assert (hni.kind, hni.agency_codes, hni.managed, hni.adapter) == (
        "province",
        "HNI HNI.STP",
        True,
        "motcua-http",
    )
    assert sync_peers() == (0, 0)
    settings.MOTCUA_EXCHANGE_PEERS = f"HNI|province|https://hni2.example.vn|{KEY}"
    assert sync_peers() == (1, 1)
    assert not Peer.objects.get(code="DNG").active
    assert Peer.objects.get(code="HNI").base_url == "https://hni2.example.vn"


@pytest.mark.parametrize(
    "text",
    [
        "HNI|province|https://x.vn",
        f"HNI|tinh|https://x.vn|{KEY}",
        f"HNI|province|ftp://x.vn|{KEY}",
        "HNI|province|https://x.vn|ngan",
    ],
)
def test_a_wrong_declaration_is_refused_in_vietnamese(text):
    with pytest.raises(ValueError):
        parse_declared(text)


def test_the_commands_sync_and_deliver(settings, exchange_settings, fake_peer):
    settings.MOTCUA_EXCHANGE_PEERS = f"HNI|province|{fake_peer.url}|{KEY}"
    fake_peer.secret = KEY
    out = io.StringIO()
    call_command("sync_peers", stdout=out)
    assert "Đã cập nhật 1 hệ thống liên kết" in out.getvalue()
    peer = Peer.objects.get(code="HNI")
    enqueue(peer, "dossier.notice", {})
    out = io.StringIO()
    call_command("deliver_exchange", "--once", "--peer", "HNI", stdout=out)
    assert "Đã gửi 1" in out.getvalue()
    assert OutMessage.objects.get().state == "delivered"
    with pytest.raises(CommandError):
        call_command("deliver_exchange", "--peer", "XYZ")
    settings.MOTCUA_EXCHANGE_PEERS = "sai"
    with pytest.raises(CommandError):
        call_command("sync_peers")
