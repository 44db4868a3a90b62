"""Fixtures for the monitoring tests: small hand-built worlds driven through the services
(``world`` comes from tests/fixtures.py; ``World`` from tests/factories.py)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from motcua.agencies.models import Agency
from tests.factories import AgencyFactory, World, procedure_version

# Tests of other packages import World from here.
__all__ = ["World", "local"]

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def local(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> dt.datetime:
    """An aware datetime in Vietnamese local time."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=VN)


@pytest.fixture
def province():
    return AgencyFactory(code="TINH", name="Tỉnh Thử Nghiệm", kind=Agency.Kind.PROVINCE)


@pytest.fixture
def department(province):
    return AgencyFactory(
        code="TINH.STP", name="Sở Tư pháp", kind=Agency.Kind.DEPARTMENT, parent=province
    )


@pytest.fixture
def commune(province):
    return AgencyFactory(
        code="TINH.XA", name="Xã Thử Nghiệm", kind=Agency.Kind.COMMUNE, parent=province
    )


@pytest.fixture
def version():
    """A 3-working-day, 10,000 đ fully-online procedure."""
    return procedure_version("KT.01", processing_days=3, fee_vnd=10000)
