"""Fixtures shared by the back-office tests."""

import pytest

from motcua.agencies.models import Agency, Role
from motcua.dossiers.models import Dossier, Status
from tests.factories import (
    AgencyFactory,
    ApplicantFactory,
    MembershipFactory,
    UserFactory,
    dossier_in_status,
    procedure_version,
)


@pytest.fixture
def agency():
    return AgencyFactory(code="STP", name="Sở Tư pháp", kind=Agency.Kind.DEPARTMENT)


@pytest.fixture
def other_agency():
    return AgencyFactory(code="STC", name="Sở Tài chính", kind=Agency.Kind.DEPARTMENT)


@pytest.fixture
def version():
    return procedure_version("HT.01", processing_days=3)


@pytest.fixture
def officer_of():
    """A user holding ``role`` at ``agency``."""

    def make(agency, role=Role.DESK_OFFICER, username=None):
        user = UserFactory(username=username or f"{role}-{agency.code}".lower())
        MembershipFactory(user=user, agency=agency, role=role)
        return user

    return make


@pytest.fixture
def make_dossier(version, agency):
    """A dossier put directly in ``status`` (as if it had got there through the workflow)."""

    def make(status: str = Status.SUBMITTED, **fields) -> Dossier:
        defaults = {"applicant": ApplicantFactory(), "procedure_version": version, "agency": agency}
        return dossier_in_status(status, **{**defaults, **fields})

    return make
