"""Fixtures for the events tests: a province, a procedure, dossiers moved through the
real services, and a real HTTP receiver on loopback (``world`` and
``instance_databases`` come from tests/fixtures.py)."""

from __future__ import annotations

import pytest

from motcua.agencies.models import Agency
from motcua.events.models import Subscriber
from motcua.events.tests.receiver import Receiver
from tests.factories import AgencyFactory, procedure_version

SECRET = "khoa-bi-mat-thu-nghiem-0123456789"


@pytest.fixture
def province():
    return AgencyFactory(code="HNI", name="Thành phố Hà Nội", kind=Agency.Kind.CITY)


@pytest.fixture
def department(province):
    return AgencyFactory(
        code="HNI.STP", name="Sở Tư pháp", kind=Agency.Kind.DEPARTMENT, parent=province
    )


@pytest.fixture
def commune(province):
    return AgencyFactory(
        code="HNI.XA01", name="Phường Hoàn Kiếm", kind=Agency.Kind.COMMUNE, parent=province
    )


@pytest.fixture
def version():
    return procedure_version("SK.01", processing_days=3, fee_vnd=10000)


@pytest.fixture
def receiver():
    server = Receiver(SECRET).start()
    yield server
    server.stop()


@pytest.fixture
def event_settings(settings):
    settings.MOTCUA_INSTANCE_CODE = "HNI"
    settings.MOTCUA_EVENTS_MAX_ATTEMPTS = 3
    settings.MOTCUA_EVENTS_BACKOFF_S = 10
    settings.MOTCUA_EVENTS_BACKOFF_MAX_S = 3600
    settings.MOTCUA_EVENTS_TIMEOUT_S = 2
    settings.MOTCUA_EVENTS_LEASE_S = 30
    return settings


@pytest.fixture
def subscriber(receiver, event_settings):
    return Subscriber.objects.create(
        name="do-luong-quoc-gia",
        url=receiver.url,
        secret=SECRET,
        kind=Subscriber.Kind.MEASUREMENT,
    )
