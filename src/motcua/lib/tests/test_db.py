import sqlite3

import psycopg
import pytest
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError

from motcua.lib.db import is_transient


def wrapped(cause, error_class=OperationalError):
    error = error_class(str(cause))
    error.__cause__ = cause
    return error


@pytest.mark.parametrize(
    "cause",
    [
        psycopg.errors.AdminShutdown("terminating connection"),
        psycopg.errors.TooManyConnections("too many clients"),
        psycopg.errors.DeadlockDetected("deadlock detected"),
        psycopg.errors.SerializationFailure("could not serialize access"),
        psycopg.errors.DiskFull("could not extend file"),
        sqlite3.OperationalError("database is locked"),
        sqlite3.OperationalError("disk I/O error"),
        sqlite3.OperationalError("unable to open database file"),
    ],
)
def test_an_outage_is_transient(cause):
    assert is_transient(wrapped(cause))


def test_a_lost_connection_without_sqlstate_is_transient():
    assert is_transient(OperationalError("server closed the connection unexpectedly"))
    assert is_transient(InterfaceError("connection already closed"))


@pytest.mark.parametrize(
    "cause",
    [
        psycopg.errors.UndefinedTable("no such table"),
        psycopg.errors.SyntaxError("syntax error at or near"),
        sqlite3.OperationalError("Expression tree is too large"),
        sqlite3.OperationalError("no such column: x"),
    ],
)
def test_a_wrong_query_is_not_transient(cause):
    assert not is_transient(wrapped(cause))


def test_other_errors_are_not_transient():
    assert not is_transient(ValueError("not a database error"))
    assert not is_transient(IntegrityError("duplicate key"))
    assert not is_transient(DatabaseError("generic"))
    assert not is_transient(None)
