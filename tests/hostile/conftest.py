"""Fixtures of the hostile-input tests: a small province with a commune, its officers, a
procedure filed online, a citizen with a dossier (``citizen`` comes from
tests/fixtures.py)."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from motcua.agencies.models import Agency, Role
from motcua.dossiers.models import Channel, Status
from tests.factories import AgencyFactory, dossier_in_status, offered_version, officer_user
from tests.fixtures import PID

__all__ = ["PID"]
MEDIA = "media"


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / MEDIA
    settings.MOTCUA_REGISTRY_DEFAULT_CONNECTOR = "disabled"
    settings.MOTCUA_LOOKUP_RATE = ""
    settings.MOTCUA_LOOKUP_CODE_RATE = ""
    settings.MOTCUA_API_RATE_AUTHENTICATED = "100000/m"
    settings.MOTCUA_API_RATE_PUBLIC = "100000/m"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def province():
    return AgencyFactory(code="HT", name="Tỉnh Hà Tĩnh", kind=Agency.Kind.PROVINCE)


@pytest.fixture
def commune(province):
    return AgencyFactory(
        code="HT.TL", name="Phường Thành Sen", kind=Agency.Kind.COMMUNE, parent=province
    )


@pytest.fixture
def version(commune):
    return offered_version("HT.KS", [commune], processing_days=3, fee_vnd=10000)


@pytest.fixture
def desk(commune):
    return officer_user(commune, Role.DESK_OFFICER, "motcua.tl", full_name="Lê Thị Cán")


@pytest.fixture
def supervisor(province):
    return officer_user(province, Role.SUPERVISOR, "giamsat.ht", full_name="Phạm Văn Giám")


@pytest.fixture
def dossier(citizen, version, commune):
    return dossier_in_status(
        Status.RECEIVED,
        applicant=citizen.applicants.get(kind="person"),
        procedure_version=version,
        agency=commune,
        channel=Channel.ONLINE,
    )
