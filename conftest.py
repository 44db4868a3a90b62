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
    """Let Django's flush (TRUNCATE) empty the append-only audit table between tests, and
    on PostgreSQL empty only the tables that hold rows (``_emptying_flush``)."""
    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            name = connection.ops.quote_name(connection.settings_dict["NAME"])
            with connection.cursor() as cursor:
                cursor.execute(f"ALTER DATABASE {name} SET motcua.audit_allow_truncate = 'on'")
                cursor.execute("SET motcua.audit_allow_truncate = 'on'")
                cursor.execute("SELECT current_setting('is_superuser')")
                superuser = cursor.fetchone()[0] == "on"
            if superuser:
                _use_emptying_flush(connection)


# Between transactional tests Django's flush empties every table with one TRUNCATE of all
# of them (108 tables): on PostgreSQL that costs 0.7–0.9 s, as each table gets new files,
# although a test leaves rows in a handful. This DO block deletes the rows of the tables
# that have any instead (about 10 ms). Triggers and foreign-key checks are off for the
# block (session_replication_role, a superuser's setting: without it Django's TRUNCATE
# stays), so the order of the deletes does not matter and the audit table's append-only
# trigger does not refuse them; every table ends empty, as after TRUNCATE, but two.
_EMPTYING_FLUSH = """
DO $flush$
DECLARE
    name text;
    has_rows boolean;
BEGIN
    SET LOCAL session_replication_role = replica;
    FOREACH name IN ARRAY ARRAY[{tables}]::text[] LOOP
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I)', name) INTO has_rows;
        IF has_rows THEN
            EXECUTE format('DELETE FROM %I', name);
        END IF;
    END LOOP;
END
$flush$
"""


# Content types and permissions are kept (the migrations made them all): Django's own
# post_migrate receivers, which the flush runs to make them again (0.2–0.6 s each time),
# are disconnected for the session; the project's own receivers still run.
_KEPT = {"django_content_type", "auth_permission"}


def _use_emptying_flush(conn):
    from django.contrib.contenttypes.management import create_contenttypes
    from django.db.models.signals import post_migrate

    truncate = conn.ops.sql_flush

    def sql_flush(style, tables, *, reset_sequences=False, allow_cascade=False):
        emptied = [table for table in tables if table not in _KEPT]
        if reset_sequences or not emptied:  # sequences restart only with TRUNCATE
            return truncate(
                style, emptied, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        names = ", ".join("'" + table.replace("'", "''") + "'" for table in emptied)
        return [_EMPTYING_FLUSH.format(tables=names)]

    conn.ops.sql_flush = sql_flush
    post_migrate.disconnect(create_contenttypes)
    # django.contrib.auth's create_permissions, by the uid it is connected with.
    post_migrate.disconnect(dispatch_uid="django.contrib.auth.management.create_permissions")
