"""Project-wide pytest configuration."""

import pytest
from django.db import connection


@pytest.fixture
def on_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (run with DATABASE_URL=postgres://…)")


@pytest.fixture(autouse=True)
def _clear_calendar_cache():
    from motcua.workdays import calendar

    calendar.clear_cache()
    yield
    calendar.clear_cache()
