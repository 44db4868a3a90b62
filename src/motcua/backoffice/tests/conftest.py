"""Fixtures shared by the back-office tests (``agency`` and ``officer_of`` come from
tests/fixtures.py)."""

import pytest

from motcua.agencies.models import Agency
from motcua.dossiers.models import Status
from tests.factories import AgencyFactory, ApplicantFactory, dossier_maker, procedure_version


@pytest.fixture
def other_agency():
    return AgencyFactory(code="STC", name="Sở Tài chính", kind=Agency.Kind.DEPARTMENT)


@pytest.fixture
def version():
    return procedure_version("HT.01", processing_days=3)


@pytest.fixture
def make_dossier(version, agency):
    """A dossier put directly in ``status`` (as if it had got there through the workflow),
    of a new applicant unless ``applicant`` is given."""
    return dossier_maker(
        Status.SUBMITTED, applicant=ApplicantFactory, procedure_version=version, agency=agency
    )
