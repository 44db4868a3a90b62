"""Fixtures shared by the dossier tests."""

import pytest

from motcua.agencies.models import Agency
from motcua.dossiers.models import Dossier, Status
from tests.factories import (
    AgencyFactory,
    ApplicantFactory,
    UserFactory,
    dossier_in_status,
    procedure_version,
)


@pytest.fixture
def agency():
    return AgencyFactory(code="STP", name="Sở Tư pháp", kind=Agency.Kind.DEPARTMENT)


@pytest.fixture
def other_agency():
    return AgencyFactory(code="UBXA", name="UBND xã", kind=Agency.Kind.COMMUNE)


@pytest.fixture
def applicant():
    return ApplicantFactory()


@pytest.fixture
def officer():
    return UserFactory(username="canbo")


@pytest.fixture
def version():
    return procedure_version(
        "HT.01", processing_days=3, fee_vnd=50000, online_fee_policy="percent", online_fee_value=20
    )


@pytest.fixture
def make_dossier(applicant, version, agency):
    """A dossier put directly in ``status`` (as if it had got there through the workflow)."""

    def make(status: str = Status.DRAFT, **fields) -> Dossier:
        defaults = {"applicant": applicant, "procedure_version": version, "agency": agency}
        return dossier_in_status(status, **{**defaults, **fields})

    return make
