"""Telling a database outage (try again later) from a wrong query (a bug), and the one
answer to an outage (503, ``service_unavailable``) that the pages and the API share."""

from __future__ import annotations

import logging
from contextlib import contextmanager

from django.conf import settings
from django.db import InterfaceError, OperationalError, connections, transaction
from django.utils.translation import gettext as _

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


# --- The one answer to an outage, in the pages and in the API ------------------------------

# The API's error code of a database outage (503), whoever answers it: the API's own
# error handler or ``DatabaseUnavailableMiddleware``.
OUTAGE_CODE = "service_unavailable"


def outage_message() -> str:
    """The Vietnamese "try again in a few minutes" of a database outage."""
    return _(
        "Hệ thống đang tạm thời gián đoạn nên chưa hoàn tất được yêu cầu của bạn. Vui lòng "
        "thử lại sau ít phút."
    )


def retry_after() -> str:
    """The ``Retry-After`` of the outage answer, in seconds (``MOTCUA_RETRY_AFTER_S``)."""
    return str(int(getattr(settings, "MOTCUA_RETRY_AFTER_S", 30)))


def log_outage(logger: logging.Logger, request, exception: BaseException | None) -> None:
    """Log the outage met by ``request`` once, with the request id and, given the
    ``exception``, its stack trace (where the cut struck)."""
    logger.error(
        "database unavailable on %s %s (request %s): %s",
        request.method,
        request.path,
        getattr(request, "request_id", "") or "-",
        type(exception).__name__ if exception is not None else "after the view",
        exc_info=exception,
    )


def close_broken_connections() -> None:
    """Close the connections the outage broke, so the next request opens fresh ones."""
    for connection in connections.all(initialized_only=True):
        try:
            if connection.connection is not None and not connection.is_usable():
                connection.close()
        except Exception:
            logging.getLogger(__name__).debug("closing a broken connection failed", exc_info=True)


# --- Nested service blocks without a savepoint ----------------------------------------------


@contextmanager
def atomic_refusable(*refusals: type[BaseException], using: str | None = None):
    """An atomic block that takes no savepoint inside a caller's transaction (two
    statements fewer: SAVEPOINT and RELEASE), for a service whose ``refusals`` (its
    domain errors, e.g. DossierError) are raised only before its first write.

    A refusal leaves the block cleanly — there is nothing to undo — and is raised after
    it, so the caller's transaction goes on as it would after a rolled-back savepoint
    (the API stores the 4xx answer of its idempotency key, a lookup log written before
    stays). Any other exception inside the block spoils the caller's whole transaction
    (Django's ``atomic(savepoint=False)``): use it only where such a failure ends the
    caller's work anyway. Outside any transaction it is an ordinary ``atomic`` block.
    """
    refused: list[BaseException] = []
    with transaction.atomic(using=using, savepoint=False):
        try:
            yield
        except refusals as exc:
            refused.append(exc)
    if refused:
        raise refused[0]


def lock_held(obj, flag: str = "row_locked") -> bool:
    """Whether ``obj`` was read with its row lock (its ``flag`` attribute set by the
    reader, e.g. ``portal.services.lock_own_dossier``) and a transaction is still open,
    so a service may use it without reading and locking it again."""
    return bool(getattr(obj, flag, False)) and transaction.get_connection().in_atomic_block
