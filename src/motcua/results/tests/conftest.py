"""Fixtures of the results tests: an approved dossier of a department of a province."""

import pytest

from motcua.agencies.models import Agency
from motcua.dossiers.models import Status
from tests.factories import (
    AgencyFactory,
    ApplicantFactory,
    UserFactory,
    dossier_in_status,
    procedure_version,
)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MOTCUA_PORTAL_PUBLIC_URL = ""


@pytest.fixture
def agency():
    province = AgencyFactory(code="BN", name="Tỉnh Bắc Ninh", kind=Agency.Kind.PROVINCE)
    return AgencyFactory(
        code="BN.STP", name="Sở Tư pháp", kind=Agency.Kind.DEPARTMENT, parent=province
    )


@pytest.fixture
def citizen():
    return UserFactory(username="congdan", full_name="Nguyễn Thị Hoa")


@pytest.fixture
def officer():
    return UserFactory(username="motcua.stp", full_name="Phạm Văn Quầy")


@pytest.fixture
def version():
    return procedure_version("HT.01", result_name="Giấy khai sinh")


@pytest.fixture
def approved(agency, citizen, version):
    applicant = ApplicantFactory(name="Nguyễn Thị Hoa", personal_id="001190000123", user=citizen)
    return dossier_in_status(
        Status.APPROVED,
        applicant=applicant,
        procedure_version=version,
        agency=agency,
        code="BN.STP-261123-0001",
        form_data={"full_name": "Nguyễn Thị Hoa", "birth_date": "1990-05-01"},
    )
