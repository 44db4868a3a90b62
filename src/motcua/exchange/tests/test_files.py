"""Files by content hash and the catalogue, fetched over real HTTP from a live server
(this instance declared as its own peer, so both ends run the real code)."""

import hashlib
import sys
import types

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from motcua.dossiers.models import Attachment
from motcua.exchange.models import Link, Peer
from motcua.exchange.transport import TransportError, get_transport

from .conftest import SECRET, signed_get

pytestmark = pytest.mark.django_db(transaction=True)
CONTENT = b"%PDF-1.4 giay khai sinh"
SHA = hashlib.sha256(CONTENT).hexdigest()


@pytest.fixture
def loopback(exchange_settings, live_server, tmp_path):
    exchange_settings.MEDIA_ROOT = tmp_path / "media"
    exchange_settings.MOTCUA_EXCHANGE_TIMEOUT_S = 30  # the first request loads the URLconf
    return Peer.objects.create(
        code="NAT",
        name="Chính mình",
        kind=Peer.Kind.PROVINCE,
        base_url=live_server.url,
        secret=SECRET,
    )


def attach(dossier, content=CONTENT, sha=SHA):
    return Attachment.objects.create(
        dossier=dossier,
        kind=Attachment.Kind.COMPONENT,
        file=SimpleUploadedFile("khai-sinh.pdf", content),
        original_name="khai-sinh.pdf",
        content_type="application/pdf",
        size=len(content),
        sha256=sha,
        uploaded_at=timezone.now(),
    )


def test_a_file_of_a_linked_dossier_is_fetched_by_hash_and_checked(loopback, make_dossier):
    dossier = make_dossier()
    Link.objects.create(dossier=dossier, peer=loopback, side=Link.Side.FRONT)
    attach(dossier)
    data = get_transport(loopback).fetch_file(loopback, SHA, dossier.public_id)
    assert data == CONTENT


def test_a_file_of_a_dossier_not_linked_to_the_peer_is_refused(loopback, make_dossier):
    dossier = make_dossier()
    attach(dossier)  # the file exists, but this dossier was never exchanged
    with pytest.raises(TransportError) as refused:
        get_transport(loopback).fetch_file(loopback, SHA, dossier.public_id)
    assert (refused.value.status, refused.value.code) == (404, "not_found")
    other = make_dossier()
    Link.objects.create(dossier=other, peer=loopback, side=Link.Side.FRONT)
    with pytest.raises(TransportError):  # another linked dossier does not open it either
        get_transport(loopback).fetch_file(loopback, SHA, other.public_id)


def test_a_file_whose_content_does_not_match_its_hash_is_refused_by_the_fetcher(
    loopback, make_dossier
):
    dossier = make_dossier()
    Link.objects.create(dossier=dossier, peer=loopback, side=Link.Side.FRONT)
    attach(dossier, content=b"something else", sha=SHA)
    with pytest.raises(TransportError) as refused:
        get_transport(loopback).fetch_file(loopback, SHA, dossier.public_id)
    assert refused.value.code == "hash"


def test_file_and_catalogue_requests_must_be_signed(loopback, make_dossier, client):
    dossier = make_dossier()
    Link.objects.create(dossier=dossier, peer=loopback, side=Link.Side.FRONT)
    attach(dossier)
    path = f"/lien-thong/tep/{SHA}/"
    assert client.get(path, {"link": str(dossier.public_id)}).status_code == 401
    wrong = signed_get(client, path, f"link={dossier.public_id}", secret="khoa-khac-0123456789")
    assert (wrong.status_code, wrong.json()["error"]) == (401, "signature")
    # a signature for another dossier's request does not open this one
    signed = signed_get(client, path, f"link={dossier.public_id}")
    assert signed.status_code == 200
    assert b"".join(signed.streaming_content) == CONTENT
    assert signed["X-MotCua-Sha256"] == SHA
    assert client.get("/lien-thong/danh-muc/").status_code == 401


def test_the_catalogue_is_served_to_a_signed_peer(loopback, monkeypatch):
    module = types.ModuleType("motcua.exchange.catalogue")
    module.export_catalogue = lambda: {"agencies": [{"code": "HNI.STP", "name": "Sở Tư pháp"}]}
    monkeypatch.setitem(sys.modules, "motcua.exchange.catalogue", module)
    catalogue = get_transport(loopback).fetch_catalogue(loopback)
    assert catalogue == {"agencies": [{"code": "HNI.STP", "name": "Sở Tư pháp"}]}
