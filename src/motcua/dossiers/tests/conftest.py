"""Fixtures shared by the dossier tests (``agency``, ``officer`` and ``make_dossier``
come from tests/fixtures.py)."""

import pytest

from motcua.agencies.models import Agency
from tests.factories import AgencyFactory, ApplicantFactory, procedure_version


@pytest.fixture
def other_agency():
    return AgencyFactory(code="UBXA", name="UBND xã", kind=Agency.Kind.COMMUNE)


@pytest.fixture
def applicant():
    return ApplicantFactory()


@pytest.fixture
def version():
    return procedure_version(
        "HT.01", processing_days=3, fee_vnd=50000, online_fee_policy="percent", online_fee_value=20
    )
