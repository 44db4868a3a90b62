"""Project-wide pytest configuration."""

import pytest
from django.db import connection
from django.test import override_settings

# Fixtures that several test packages share (agencies, officers, citizens, dossiers).
pytest_plugins = ["tests.fixtures"]


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hasher():
    # UserFactory, seed_demo and the identity provider hash passwords; the production
    # hasher is deliberately slow (PBKDF2: about 0.3 s a hash or a check). For the whole
    # session, so that module- and session-scoped fixtures (seed_demo's 300 citizens, each
    # checked by a test) hash fast too. PBKDF2 stays listed so that hashes made outside the
    # tests still verify.
    with override_settings(
        PASSWORD_HASHERS=[
            "django.contrib.auth.hashers.MD5PasswordHasher",
            "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        ]
    ):
        yield


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


@pytest.fixture(autouse=True)
def _fresh_reference_memo():
    """Each test starts with nothing memoised (``motcua.lib.refcache``): a flushed
    database (transactional tests) sends no signal that would invalidate it."""
    from motcua.lib import refcache

    refcache.invalidate()
    yield


@pytest.fixture(autouse=True)
def _close_registry_sessions():
    """The registry connector and the exchange's transports keep their HTTP sessions per
    thread (kept-alive connections): closed after each test, so that the live server's
    request threads end with the test rather than at the interpreter's exit, after the
    live server is gone (where closing their shared SQLite connection fails)."""
    yield
    from motcua.exchange.transport import close_transports
    from motcua.registries.http_connector import close_sessions

    close_sessions()
    close_transports()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Let Django's flush (TRUNCATE) empty the append-only audit table between tests."""
    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            name = connection.ops.quote_name(connection.settings_dict["NAME"])
            with connection.cursor() as cursor:
                cursor.execute(f"ALTER DATABASE {name} SET motcua.audit_allow_truncate = 'on'")
                cursor.execute("SET motcua.audit_allow_truncate = 'on'")
