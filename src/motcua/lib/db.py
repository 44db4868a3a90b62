"""Telling a database outage (try again later) from a wrong query (a bug)."""

from __future__ import annotations

from django.db import InterfaceError, OperationalError

# SQLSTATE classes of errors that pass: connection exception, insufficient resources
# (too many connections, disk full), operator intervention (shutdown, restart) and
# transaction rollback (serialization failure, deadlock).
TRANSIENT_SQLSTATE_CLASSES = ("08", "53", "57", "40")
# SQLite's words for the same.
TRANSIENT_SQLITE = ("database is locked", "disk i/o error", "unable to open", "database or disk")


def is_transient(exception: BaseException | None) -> bool:
    """Whether ``exception`` says the database is out of reach for now, not that the
    query is wrong (a wrong query stays a server error, logged as one)."""
    if isinstance(exception, InterfaceError):
        return True
    if not isinstance(exception, OperationalError):
        return False
    cause = exception.__cause__
    sqlstate = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    if sqlstate:
        return sqlstate[:2] in TRANSIENT_SQLSTATE_CLASSES
    if cause is not None and type(cause).__module__.startswith("sqlite3"):
        return any(words in str(cause).lower() for words in TRANSIENT_SQLITE)
    # No SQLSTATE from a server driver: the connection itself failed or was cut.
    return True
