"""Every response carries a request id, and every log line of the request names it."""

import io
import json
import logging
import subprocess
import sys

import pytest
from pythonjsonlogger.json import JsonFormatter

from motcua.ops.logs import RequestIdFilter

from .conftest import REPO, subprocess_env


def test_a_request_without_an_id_gets_a_new_one(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert len(first) == 32 and first != second


def test_a_sane_incoming_id_is_kept(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a9c:42")
    assert response["X-Request-ID"] == "lb-7f3a9c:42"


@pytest.mark.parametrize("forged", ["a b", "x\nFAKE LOG LINE", "x" * 129, '"quoted"', "xin-chào"])
def test_an_unsafe_incoming_id_is_replaced(client, forged):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=forged)
    assert response["X-Request-ID"] != forged
    assert len(response["X-Request-ID"]) == 32


def test_an_incoming_id_is_ignored_when_not_trusted(client, settings):
    settings.MOTCUA_REQUEST_ID_TRUST = False
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-1234")["X-Request-ID"] != "lb-1234"


@pytest.fixture
def console_json(settings):
    """The configured console handler, writing JSON (settings' formatter) to a buffer."""
    handler = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RequestIdFilter) for f in h.filters)
    )
    options = {k: v for k, v in settings.LOGGING["formatters"]["json"].items() if k != "()"}
    buffer = io.StringIO()
    old_stream, old_formatter = handler.setStream(buffer), handler.formatter
    handler.setFormatter(JsonFormatter(**options))
    yield buffer
    handler.setStream(old_stream)
    handler.setFormatter(old_formatter)


def test_log_lines_of_a_request_carry_its_id(client, console_json):
    # A refused /metrics call is logged by django.request ("Forbidden: /metrics").
    client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_X_REQUEST_ID="req-4242")
    records = [json.loads(line) for line in console_json.getvalue().splitlines()]
    forbidden = [r for r in records if r["message"] == "Forbidden: /metrics"]
    assert forbidden and forbidden[0]["request_id"] == "req-4242"
    assert forbidden[0]["level"] == "WARNING" and forbidden[0]["logger"] == "django.request"

    logging.getLogger("motcua.test").warning("sau yêu cầu")
    after = json.loads(console_json.getvalue().splitlines()[-1])
    assert after["request_id"] == "-"  # the id ends with its request


def test_json_log_format_from_the_environment(tmp_path):
    script = (
        "import django, logging; django.setup(); "
        "logging.getLogger('motcua.test').warning('Hồ sơ %s đã nộp', 'BN-01')"
    )
    run = subprocess.run(
        [sys.executable, "-c", script],
        env=subprocess_env(tmp_path, MOTCUA_LOG_FORMAT="json"),
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    line = json.loads(run.stderr.strip().splitlines()[-1])
    assert line["message"] == "Hồ sơ BN-01 đã nộp"
    assert line["level"] == "WARNING" and line["logger"] == "motcua.test"
    assert line["request_id"] == "-" and "time" in line
    assert "Hồ sơ" in run.stderr  # Vietnamese stays readable, not \u-escaped
