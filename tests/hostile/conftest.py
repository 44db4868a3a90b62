"""Fixtures of the hostile-input tests: a small province with a commune, its officers, a
procedure filed online, a citizen with a dossier."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from motcua.agencies.models import Agency, Role
from motcua.dossiers.models import Channel, Status
from tests.factories import (
    AgencyFactory,
    ApplicantFactory,
    MembershipFactory,
    UserFactory,
    dossier_in_status,
    procedure_version,
)

PID = "001090001111"
MEDIA = "media"


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / MEDIA
    settings.MOTCUA_REGISTRY_DEFAULT_CONNECTOR = "disabled"
    settings.MOTCUA_LOOKUP_RATE = ""
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
    v = procedure_version("HT.KS", processing_days=3, fee_vnd=10000)
    v.agencies.add(commune)
    return v


@pytest.fixture
def citizen():
    user = UserFactory(username="congdan", full_name="Nguyễn Văn An", personal_id=PID)
    ApplicantFactory(user=user, personal_id=PID, name="Nguyễn Văn An")
    return user


@pytest.fixture
def desk(commune):
    user = UserFactory(username="motcua.tl", full_name="Lê Thị Cán")
    MembershipFactory(user=user, agency=commune, role=Role.DESK_OFFICER)
    return user


@pytest.fixture
def supervisor(province):
    user = UserFactory(username="giamsat.ht", full_name="Phạm Văn Giám")
    MembershipFactory(user=user, agency=province, role=Role.SUPERVISOR)
    return user


@pytest.fixture
def dossier(citizen, version, commune):
    return dossier_in_status(
        Status.RECEIVED,
        applicant=citizen.applicants.get(kind="person"),
        procedure_version=version,
        agency=commune,
        channel=Channel.ONLINE,
    )
