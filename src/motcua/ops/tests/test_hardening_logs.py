"""Personal identification numbers never reach a log line: the configured console
handler masks 12-digit numbers (and old 9-digit ones) in messages, arguments,
tracebacks and extra fields, in the plain and the JSON formats."""

from __future__ import annotations

import io
import json
import logging

import pytest
from pythonjsonlogger.json import JsonFormatter

from motcua.ops.logs import (
    GunicornAccessFilter,
    PersonalIdMaskFilter,
    RequestIdFilter,
    mask_personal_numbers,
)

PID = "001090006666"


@pytest.fixture
def console():
    """The console handler configured by settings.LOGGING, writing to a buffer."""
    handler = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RequestIdFilter) for f in h.filters)
    )
    buffer = io.StringIO()
    old_stream = handler.setStream(buffer)
    yield handler, buffer
    handler.setStream(old_stream)


def test_the_console_handler_masks_numbers_in_messages_and_arguments(console):
    _handler, buffer = console
    log = logging.getLogger("motcua.test")
    log.warning("Tra cứu CSDL dân cư cho số %s thất bại", PID)
    log.warning(f"Công dân {PID} đăng nhập; CMND cũ 123456789")
    text = buffer.getvalue()
    assert PID not in text and "123456789" not in text
    assert "cho số ********6666 thất bại" in text
    assert "CMND cũ *****6789" in text


def test_tracebacks_and_extra_fields_are_masked(console):
    handler, buffer = console
    old_formatter = handler.formatter
    handler.setFormatter(JsonFormatter("%(message)s %(personal_id)s %(request_id)s"))
    try:
        try:
            raise ValueError(f"Key (personal_id)=({PID}) already exists.")
        except ValueError:
            logging.getLogger("motcua.test").exception(
                "Không lưu được hồ sơ", extra={"personal_id": PID}
            )
    finally:
        handler.setFormatter(old_formatter)
    record = json.loads(buffer.getvalue().splitlines()[-1])
    assert record["personal_id"] == "********6666"
    assert "(********6666) already exists" in record["exc_info"]
    assert PID not in buffer.getvalue()


def test_other_numbers_are_left_alone():
    text = (
        "Hồ sơ BN-261015-0001, phí 150000 đồng, điện thoại 0912345678, mã số thuế 0101234567, "
        "mã yêu cầu 9f3c1234567890abcdef1234567890ab, thời điểm 20261015093000"
    )
    assert mask_personal_numbers(text) == text


def test_the_request_id_is_never_masked():
    record = logging.makeLogRecord({"msg": "xong", "request_id": "lb-123456789012"})
    PersonalIdMaskFilter().filter(record)
    assert record.request_id == "lb-123456789012"


def test_gunicorn_access_lines_are_masked_too():
    atoms = {"h": "203.0.113.5", "r": f"GET /tra-cuu/?so={PID} HTTP/1.1", "s": "200"}
    record = logging.LogRecord(
        "gunicorn.access", logging.INFO, "", 0, '%(h)s "%(r)s" %(s)s', (atoms,), None
    )
    assert GunicornAccessFilter().filter(record)
    assert record.getMessage() == '203.0.113.5 "GET /tra-cuu/?so=********6666 HTTP/1.1" 200'
    assert record.status == "200" and record.remote_addr == "203.0.113.5"
