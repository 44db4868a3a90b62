"""Fixtures of the assisted-filing tests: a province with a commune, another province,
a procedure filed online at the commune, an agent authorised by the commune, and the
registry simulator's data read through a connector that skips only the network (the
HTTP path itself is walked by the browser test and ``portal``'s integration test)."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from motcua.agencies.models import Agency, Role
from motcua.registries.breakers import reset_breakers
from motcua.registries.connectors import Connector, Fetched, SubjectNotFound
from motcua.registries.http_connector import normalize
from motcua.registrysim import selectors as sim_selectors
from motcua.registrysim import services as sim
from tests.factories import AgencyFactory, offered_version, officer_user

PID = "001090005555"
PHONE = "0912345678"
# A real (one blank page) PDF: uploads are read by qpdf and rebuilt.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


class SimulatorConnector(Connector):
    """The registry simulator's answer, as its HTTP view gives it, without the network."""

    name = "test-simulator"

    def fetch(self, subject: str) -> Fetched:
        body = sim_selectors.record_for(self.registry, subject)
        if body is None:
            raise SubjectNotFound("not found")
        return Fetched(normalize(self.registry, body))


@pytest.fixture(autouse=True)
def _registries(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MOTCUA_REGISTRY_DEFAULT_CONNECTOR = "motcua.assisted.tests.conftest.SimulatorConnector"
    settings.MOTCUA_REGISTRY_CONNECTORS = {}
    settings.MOTCUA_REGISTRY_CACHE_SECONDS = 0
    cache.clear()
    reset_breakers()
    yield
    cache.clear()
    reset_breakers()


@pytest.fixture
def province():
    return AgencyFactory(code="PA", name="Tỉnh Phú An", kind=Agency.Kind.PROVINCE)


@pytest.fixture
def commune(province):
    return AgencyFactory(
        code="PA.HB", name="Phường Hòa Bình", kind=Agency.Kind.COMMUNE, parent=province
    )


@pytest.fixture
def other_province():
    return AgencyFactory(code="QB", name="Tỉnh Quảng Bình Yên", kind=Agency.Kind.PROVINCE)


@pytest.fixture
def far_commune(other_province):
    return AgencyFactory(
        code="QB.AL", name="Xã An Lạc", kind=Agency.Kind.COMMUNE, parent=other_province
    )


@pytest.fixture
def version(commune, far_commune):
    return offered_version("NH.01", [commune, far_commune], processing_days=3, fee_vnd=0)


@pytest.fixture
def person():
    """The citizen in the national population database, with a registered phone."""
    return sim.upsert_person(
        personal_id=PID,
        full_name="Lê Thị Hoa",
        birth_date="1956-03-08",
        gender="nu",
        permanent_address="Thôn 3, phường Hòa Bình",
        phone=PHONE,
    )


@pytest.fixture
def agent(commune):
    """A post-office public-service agent authorised by the commune."""
    return officer_user(commune, Role.AGENT, "buudien.hoabinh", full_name="Phạm Văn Bưu")


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def form_data() -> dict:
    return {
        "full_name": "Lê Thị Hoa",
        "personal_id": PID,
        "birth_date": "1956-03-08",
        "permanent_address": "Thôn 3, phường Hòa Bình",
        "phone": PHONE,
    }
