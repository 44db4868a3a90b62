"""Fixtures of the catalogue's tests."""

from __future__ import annotations

import datetime as dt

import pytest

from motcua.agencies.models import Agency


@pytest.fixture
def provinces(db):
    """Two current provinces and one that no longer exists."""
    Agency.objects.create(code="BN", name="Tỉnh Bắc Ninh", kind=Agency.Kind.PROVINCE)
    Agency.objects.create(code="HN", name="Thành phố Hà Nội", kind=Agency.Kind.CITY)
    Agency.objects.create(
        code="HT", name="Tỉnh Hà Tây", kind=Agency.Kind.PROVINCE, valid_until=dt.date(2008, 7, 31)
    )
