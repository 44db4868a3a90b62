"""Fixtures of the ops tests: real Redis, RabbitMQ, an S3 server and subprocesses.

A test that needs Redis or RabbitMQ is skipped, saying so, when the service does not
answer (``MOTCUA_TEST_REDIS_URL``, default redis://127.0.0.1:6379/15;
``MOTCUA_TEST_AMQP_URL``, default amqp://guest:guest@127.0.0.1:5672//).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
import requests

from tests.redis_cache import REDIS_URL

VENV_BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parents[4]
AMQP_URL = os.environ.get("MOTCUA_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672//")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check: Callable[[], bool], timeout: float, what: str, process=None) -> None:
    """Poll ``check`` until it is true; fail with ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            pytest.fail(f"{what}: the process exited with status {process.returncode}")
        try:
            if check():
                return
        except (OSError, requests.RequestException):
            pass
        time.sleep(0.1)
    pytest.fail(f"{what}: not ready after {timeout:.0f} s")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def subprocess_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a MotCua subprocess: this checkout, its own var/ folder,
    SQLite, and nothing inherited that would point it at other services."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(
            ("MOTCUA_", "DATABASE_", "CELERY_", "REDIS_", "GUNICORN_", "AWS_", "DJANGO_")
        )
        and key != "PROMETHEUS_MULTIPROC_DIR"
    }
    env.update(
        DJANGO_SETTINGS_MODULE="motcua.settings",
        PYTHONPATH=str(REPO / "src"),
        MOTCUA_VAR_DIR=str(tmp_path / "var"),
        PYTHONDONTWRITEBYTECODE="1",
        **extra,
    )
    return env


def drop_keys(url: str, pattern: str) -> None:
    """Delete this test's keys only (the Redis database may be shared: never FLUSHDB)."""
    import redis

    client = redis.Redis.from_url(url)
    for key in client.scan_iter(match=pattern, count=500):
        client.delete(key)


@pytest.fixture
def redis_url() -> str:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        pytest.skip(f"needs Redis at {REDIS_URL} ({type(error).__name__}); start redis-server")
    return REDIS_URL


@pytest.fixture
def amqp_url() -> str:
    from kombu import Connection

    try:
        with Connection(AMQP_URL, connect_timeout=1) as connection:
            connection.ensure_connection(max_retries=0)
    except Exception as error:  # kombu raises the transport's own errors
        pytest.skip(f"needs RabbitMQ at {AMQP_URL} ({type(error).__name__})")
    return AMQP_URL


@pytest.fixture
def redis_cache(settings, redis_url):
    """Django's default cache on the real Redis, under a prefix of this test's own."""
    prefix = f"motcua-test-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "motcua.lib.rediscache.RedisCache",
            "LOCATION": redis_url,
            "KEY_PREFIX": prefix,
        }
    }
    from django.core.cache import cache

    yield cache
    drop_keys(redis_url, f"{prefix}*")


@pytest.fixture(scope="module")
def s3_server(tmp_path_factory):
    """moto's S3 server on a free port (``moto_server`` from the virtualenv)."""
    port = free_port()
    log = (tmp_path_factory.mktemp("moto") / "moto.log").open("w")
    process = subprocess.Popen(
        [str(VENV_BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: requests.get(url, timeout=1).ok, 30, "moto_server", process)
        yield url
    finally:
        stop(process)
        log.close()
