"""Fixtures of the exchange's domain tests: each side tested in its own database (one
side per test), the outbox and the file transport replaced by thin in-test fakes when
the transport layer is not there (``outbox.enqueue`` and ``fetch_file`` per the
contract in docs/EXCHANGE.md)."""

from __future__ import annotations

import hashlib
import importlib
import sys
import types

import pytest
from django.db import transaction
from django.utils import timezone

from motcua import exchange as exchange_package
from motcua.agencies.models import Agency
from motcua.exchange import attachments
from motcua.exchange.models import Link, OutMessage, Peer
from tests.factories import AgencyFactory, procedure_version

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def fake_enqueue(peer, type, body, *, link=None, at=None):  # noqa: A002 - the contract's name
    """``outbox.enqueue`` as the contract says: the link's next seq, under its row lock."""
    now = timezone.now()
    seq = 0
    with transaction.atomic():
        if link is not None:
            locked = Link.objects.select_for_update().get(pk=link.pk)
            seq = locked.next_out_seq
            Link.objects.filter(pk=link.pk).update(next_out_seq=seq + 1)
        return OutMessage.objects.create(
            peer=peer,
            link=link,
            type=type,
            seq=seq,
            body=body,
            created_at=at or now,
            next_attempt_at=now,
        )


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MOTCUA_PORTAL_PUBLIC_URL = ""
    settings.MOTCUA_EXCHANGE_INLINE = False


@pytest.fixture(autouse=True)
def outbox(monkeypatch):
    """The transport's outbox when it exists (nothing delivered: no commit in the tests),
    else the fake."""
    try:
        module = importlib.import_module("motcua.exchange.outbox")
    except ImportError:
        module = types.ModuleType("motcua.exchange.outbox")
        module.enqueue = fake_enqueue
        monkeypatch.setitem(sys.modules, "motcua.exchange.outbox", module)
        monkeypatch.setattr(exchange_package, "outbox", module, raising=False)
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
