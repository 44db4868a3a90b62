"""Logging helpers: every record carries the request id; gunicorn's access lines become
structured records (status, duration, path) in the JSON format."""

from __future__ import annotations

import logging

from .context import current_request_id


class RequestIdFilter(logging.Filter):
    """Add ``request_id`` (the current request's or task's, "-" outside one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = current_request_id() or "-"
        return True


# gunicorn's access atoms worth a field of their own in a JSON line.
ACCESS_FIELDS = {
    "h": "remote_addr",
    "m": "method",
    "U": "path",
    "s": "status",
    "B": "bytes",
    "M": "duration_ms",
    "{x-request-id}o": "request_id",
}


class GunicornAccessFilter(logging.Filter):
    """Copy gunicorn's access atoms (the record's args) onto the record as fields."""

    def filter(self, record: logging.LogRecord) -> bool:
        atoms = record.args
        if hasattr(atoms, "get"):
            for atom, field in ACCESS_FIELDS.items():
                value = atoms.get(atom)
                if value not in (None, "-"):
                    setattr(record, field, value)
        if not getattr(record, "request_id", None):
            record.request_id = "-"
        return True
