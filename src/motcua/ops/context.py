"""What the current request (or Celery task) carries through the code: its id, and
whether its reads may go to the read replica. Context variables, so threads of a
gunicorn gthread worker never see each other's values."""

from __future__ import annotations

import re
import uuid
from contextlib import contextmanager
from contextvars import ContextVar

_request_id: ContextVar[str] = ContextVar("motcua_request_id", default="")
_replica_reads: ContextVar[bool] = ContextVar("motcua_replica_reads", default=False)

# Ids from load balancers and tracers: UUIDs, hex strings, "Root=1-…" (no spaces,
# quotes or control characters, which would let a client forge log lines).
SANE_ID = re.compile(r"^[A-Za-z0-9._:=+/-]{1,128}$")


def new_request_id() -> str:
    return uuid.uuid4().hex


def sane_request_id(value: str | None) -> str | None:
    """``value`` if it is fit to be logged as a request id, else None."""
    if value and SANE_ID.match(value):
        return value
    return None


def current_request_id() -> str:
    """The id of the request or task being served ("" outside of one)."""
    return _request_id.get()


def set_request_id(value: str) -> None:
    """Tag what follows with ``value`` (a Celery task, from its start to its end)."""
    _request_id.set(value)


@contextmanager
def bound_request_id(value: str):
    token = _request_id.set(value)
    try:
        yield value
    finally:
        _request_id.reset(token)


def replica_reads_allowed() -> bool:
    return _replica_reads.get()


def allow_replica_reads() -> None:
    """From now until the enclosing ``replica_reads`` block ends, reads may use the replica."""
    _replica_reads.set(True)


@contextmanager
def replica_reads(allowed: bool = True):
    """Let the reads inside the block go to the read replica (see routers.py)."""
    token = _replica_reads.set(allowed)
    try:
        yield
    finally:
        _replica_reads.reset(token)
