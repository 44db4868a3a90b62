"""Audit records written at the end of the service's transaction, just before it commits.

``queue`` keeps a prepared record on the database connection (connections are per
thread) when a service's atomic block is open; ``install`` wraps Django's
``Atomic.__exit__`` so that:

* when the outermost atomic block that is not a test case's ends without error, the
  queued records are written (``services.write_entries``: chain lock, head, insert)
  before the block commits — or, under a test case's transaction, before it releases
  its savepoint. A failure there rolls the whole block back and is raised;
* when any block rolls back (an exception, or ``set_rollback``), the records queued
  inside it are dropped with its work;
* when an inner block ends without error, its records now belong to the block around it.

Outside any service block (autocommit, or only a test case's transaction) ``queue``
returns False and the caller writes the record at once.
"""

from __future__ import annotations

from django.db import transaction
from django.db.transaction import Atomic

_ATTR = "_motcua_audit_queue"
_installed = False


def _service_blocks(connection) -> list:
    return [block for block in connection.atomic_blocks if not block._from_testcase]


def queue(using: str, entry) -> bool:
    """Queue ``entry`` until the service's outermost block ends; False when none is open."""
    connection = transaction.get_connection(using)
    if not connection.in_atomic_block or not _service_blocks(connection):
        return False
    pending = getattr(connection, _ATTR, None)
    if pending is None:
        pending = []
        setattr(connection, _ATTR, pending)
    pending.append([len(connection.atomic_blocks), entry])
    return True


def pending_count(using: str = "default") -> int:
    return len(getattr(transaction.get_connection(using), _ATTR, None) or [])


def _exit(original):
    def __exit__(self, exc_type, exc_value, traceback):  # noqa: N807 - Django's name
        connection = transaction.get_connection(self.using)
        pending = getattr(connection, _ATTR, None)
        if not pending or not connection.in_atomic_block:
            return original(self, exc_type, exc_value, traceback)
        depth = len(connection.atomic_blocks)  # this block is still on the stack
        failed = exc_type is not None or connection.needs_rollback
        if failed:
            pending[:] = [item for item in pending if item[0] < depth]
            return original(self, exc_type, exc_value, traceback)
        services = _service_blocks(connection)
        if services and services[0] is self:
            entries = [entry for _depth, entry in pending]
            pending.clear()
            from .services import write_entries

            try:
                write_entries(connection.alias, entries)
            except BaseException as exc:
                original(self, type(exc), exc, exc.__traceback__)
                raise
            return original(self, None, None, None)
        for item in pending:
            if item[0] >= depth:
                item[0] = depth - 1
        return original(self, exc_type, exc_value, traceback)

    return __exit__


def install() -> None:
    """Wrap ``Atomic.__exit__`` once (from ``AuditConfig.ready``)."""
    global _installed
    if _installed:
        return
    Atomic.__exit__ = _exit(Atomic.__exit__)
    _installed = True
