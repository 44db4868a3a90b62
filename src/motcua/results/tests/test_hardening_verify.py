"""The public verification pages take at most MOTCUA_LOOKUP_RATE files per client
address; beyond it a "thử lại sau" page (429)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _two_a_minute(settings):
    settings.MOTCUA_LOOKUP_RATE = "2/m"
    cache.clear()
    yield
    cache.clear()


def upload(client, path="/ket-qua/xac-minh/"):
    file = SimpleUploadedFile("ket-qua.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")
    return client.post(path, {"file": file})


def test_the_third_verification_in_a_minute_is_refused(client):
    assert upload(client).status_code != 429
    assert upload(client).status_code != 429
    refused = upload(client)
    assert refused.status_code == 429
    assert "Vui lòng thử lại sau" in refused.content.decode()


def test_the_qr_page_shares_the_limit_and_its_get_is_free(client):
    upload(client)
    upload(client)
    assert client.get("/ket-qua/xac-minh/khong-co-ma-nay/").status_code == 404
    assert upload(client, "/ket-qua/xac-minh/khong-co-ma-nay/").status_code == 429
