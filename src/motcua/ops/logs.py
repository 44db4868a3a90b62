"""Logging helpers: every record carries the request id; personal identification numbers
are masked in every record; gunicorn's access lines become structured records (status,
duration, path) in the JSON format."""

from __future__ import annotations

import logging
import re

from .context import current_request_id

# A personal identification number (số định danh cá nhân, 12 digits) or an old identity
# card number (CMND, 9 digits) standing alone: not inside a longer run of letters and
# digits (so hexadecimal ids and hashes stay readable). A rare 9- or 12-digit amount or
# reference is masked too: the safe side.
PERSONAL_NUMBER_RE = re.compile(r"(?<![0-9A-Za-z])(?:\d{12}|\d{9})(?![0-9A-Za-z])")
# The attributes every LogRecord has; any other one was passed with ``extra=`` (the
# request id is ours and never personal).
_UNMASKED_ATTRIBUTES = frozenset(vars(logging.makeLogRecord({}))) | {
    "message",
    "asctime",
    "request_id",
}


def mask_personal_numbers(text: str) -> str:
    """``text`` with every 12- or 9-digit number reduced to its last 4 digits."""
    return PERSONAL_NUMBER_RE.sub(lambda m: "*" * (len(m.group()) - 4) + m.group()[-4:], text)


class RequestIdFilter(logging.Filter):
    """Add ``request_id`` (the current request's or task's, "-" outside one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = current_request_id() or "-"
        return True


class PersonalIdMaskFilter(logging.Filter):
    """Mask personal identification numbers in a record: its message (arguments merged),
    its traceback, its stack and the string fields passed with ``extra=``.

    Wired on the console handler in ``settings.LOGGING``. A traceback that needed masking
    is kept as text only (``exc_text``): formatters would print the exception object again.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to the formatter's own error path
            return True
        masked = mask_personal_numbers(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info:
            text = record.exc_text or logging.Formatter().formatException(record.exc_info)
            masked = mask_personal_numbers(text)
            if masked != text:
                record.exc_info, record.exc_text = None, masked
        elif record.exc_text:
            record.exc_text = mask_personal_numbers(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal_numbers(record.stack_info)
        for name, value in list(vars(record).items()):
            if name not in _UNMASKED_ATTRIBUTES and isinstance(value, str):
                setattr(record, name, mask_personal_numbers(value))
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
    """Copy gunicorn's access atoms (the record's args) onto the record as fields, then
    mask personal identification numbers (a query string may carry one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        atoms = record.args
        if hasattr(atoms, "get"):
            for atom, field in ACCESS_FIELDS.items():
                value = atoms.get(atom)
                if value not in (None, "-"):
                    setattr(record, field, value)
        if not getattr(record, "request_id", None):
            record.request_id = "-"
        return PersonalIdMaskFilter().filter(record)
