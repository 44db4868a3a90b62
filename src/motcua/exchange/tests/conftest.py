"""Fixtures of the exchange tests: the transport's (signed requests, a fake peer over
real HTTP, a recorder in place of the handlers) and the domain's (each side tested in its
own database, the peer's files by hash)."""

from __future__ import annotations

import hashlib
import json
import uuid

import pytest
from django.urls import reverse

from motcua.agencies.models import Agency
from motcua.exchange import attachments, signing
from motcua.exchange.models import Link, Peer
from motcua.exchange.tests.peer import FakePeer
from motcua.lib.signing import signature_header
from tests.factories import AgencyFactory, ApplicantFactory, dossier_in_status, procedure_version

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SECRET = "khoa-trao-doi-thu-nghiem-0123456789"


@pytest.fixture
def exchange_settings(settings):
    settings.MOTCUA_INSTANCE_CODE = "NAT"
    settings.MOTCUA_EXCHANGE_ROLE = "national"
    settings.MOTCUA_EXCHANGE_INLINE = False
    settings.MOTCUA_EXCHANGE_MAX_ATTEMPTS = 3
    settings.MOTCUA_EXCHANGE_BACKOFF_S = 10
    settings.MOTCUA_EXCHANGE_BACKOFF_MAX_S = 3600
    settings.MOTCUA_EXCHANGE_TIMEOUT_S = 2
    settings.MOTCUA_EXCHANGE_LEASE_S = 30
    settings.MOTCUA_EXCHANGE_WINDOW_S = 300
    return settings


@pytest.fixture
def agency():
    return AgencyFactory(code="HNI.STP", name="Sở Tư pháp Hà Nội")


@pytest.fixture
def make_dossier(agency):
    version = procedure_version("TD.01")

    def make(status="submitted", **fields):
        fields.setdefault("agency", agency)
        return dossier_in_status(
            status, applicant=ApplicantFactory(), procedure_version=version, **fields
        )

    return make


@pytest.fixture
def fake_peer():
    server = FakePeer(SECRET).start()
    yield server
    server.stop()


@pytest.fixture
def peer(exchange_settings, fake_peer):
    return Peer.objects.create(
        code="HNI", name="Hà Nội", kind=Peer.Kind.PROVINCE, base_url=fake_peer.url, secret=SECRET
    )


@pytest.fixture
def link_of(peer, make_dossier):
    def make(dossier=None, side=Link.Side.FRONT):
        return Link.objects.create(dossier=dossier or make_dossier(), peer=peer, side=side)

    return make


class Recorder:
    """``handlers.apply`` for the tests: records each application; ``test.open`` creates
    the dossier on this side and answers its id; ``fail`` makes the next calls raise."""

    def __init__(self, make_dossier):
        self.make_dossier = make_dossier
        self.calls: list[tuple[str, int, str]] = []
        self.fail: list[Exception] = []  # raised by the next calls, one each

    def __call__(self, message):
        if self.fail:
            raise self.fail.pop(0)
        self.calls.append((message.type, message.seq, str(message.sender_id)))
        if message.type == "test.open" and message.link is None:
            return {"receiver_id": str(self.make_dossier().public_id), "code": "X-1"}
        return {"seen": message.seq}


@pytest.fixture
def recorder(monkeypatch, make_dossier):
    from motcua.exchange import handlers

    found = Recorder(make_dossier)
    monkeypatch.setattr(handlers, "apply", found)
    return found


def envelope(type="test.open", seq=1, sender_id=None, receiver_id=None, **extra) -> dict:
    data = {
        "protocol": "motcua-exchange/1",
        "message_id": str(uuid.uuid4()),
        "type": type,
        "from": "HNI",
        "link": {"sender_id": str(sender_id), "receiver_id": receiver_id} if sender_id else None,
        "seq": seq,
        "created_at": "2026-10-05T08:00:00+07:00",
        "sent_at": "2026-10-05T08:00:01+07:00",
        "body": {},
    }
    data.update(extra)
    return data


def post_signed(client, data, *, secret=SECRET, peer="HNI", timestamp=None):
    body = json.dumps(data).encode()
    headers = signing.headers(secret, body, timestamp=timestamp)
    headers[signing.PEER_HEADER] = peer
    return client.post(
        reverse("exchange:receive"),
        data=body,
        content_type="application/json",
        headers=headers,
    )


def signed_get(client, path: str, query: str = "", *, secret=SECRET, peer="NAT"):
    target = signing.get_target(path, query)
    headers = signing.headers(secret, target)
    headers[signing.PEER_HEADER] = peer
    return client.get(path + (f"?{query}" if query else ""), headers=headers)


__all__ = ["SECRET", "envelope", "post_signed", "signed_get", "signature_header"]


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MOTCUA_PORTAL_PUBLIC_URL = ""
    settings.MOTCUA_EXCHANGE_INLINE = False


@pytest.fixture
def outbox():
    """The transport's outbox (nothing is delivered: no commit in these tests)."""
    from motcua.exchange import outbox as module

    return module


@pytest.fixture
def files(monkeypatch):
    """The peer's files by hash: ``files[sha] = bytes``; fetches are counted."""
    store: dict[str, bytes] = {}
    fetched: list[str] = []

    def fetch(peer, sha256, sender_id):
        fetched.append(sha256)
        return store[sha256]

    monkeypatch.setattr(attachments, "fetch_bytes", fetch)

    class Files(dict):
        def add(self, data: bytes) -> str:
            digest = hashlib.sha256(data).hexdigest()
            store[digest] = data
            return digest

    holder = Files()
    holder.fetched = fetched
    holder.store = store
    return holder


@pytest.fixture
def province_agency():
    """The settling department as the province knows it."""
    province = AgencyFactory(code="BN", name="Tỉnh Bắc Ninh", kind=Agency.Kind.PROVINCE)
    return AgencyFactory(
        code="BN.STP",
        name="Sở Tư pháp tỉnh Bắc Ninh",
        kind=Agency.Kind.DEPARTMENT,
        parent=province,
        identifier="000.00.12.H05",
    )


@pytest.fixture
def version(province_agency):
    version = procedure_version("1.001193", result_name="Giấy khai sinh")
    version.agencies.add(province_agency)
    return version


@pytest.fixture
def national_peer():
    return Peer.objects.create(
        code="DVCQG",
        name="Cổng Dịch vụ công quốc gia",
        kind=Peer.Kind.NATIONAL,
        base_url="http://127.0.0.1:8101",
        secret="bi-mat-chung-01",
    )


@pytest.fixture
def province_peer():
    return Peer.objects.create(
        code="BN",
        name="Hệ thống giải quyết TTHC tỉnh Bắc Ninh",
        kind=Peer.Kind.PROVINCE,
        base_url="http://127.0.0.1:8102",
        secret="bi-mat-chung-01",
        agency_codes="BN BN.STP",
    )
