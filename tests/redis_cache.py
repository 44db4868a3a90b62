"""The suite's Redis database, for tests that need a real Redis cache.

``MOTCUA_TEST_REDIS_URL`` (default redis://127.0.0.1:6379/15): ``.ci/run`` gives each of
its concurrent runs a database of its own, since a cache's ``clear()`` empties the whole
database. A test that needs Redis is skipped, saying so, when it does not answer.
"""

from __future__ import annotations

import os
import socket
from urllib.parse import urlsplit

import pytest

REDIS_URL = os.environ.get("MOTCUA_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def redis_answers() -> bool:
    address = urlsplit(REDIS_URL)
    try:
        with socket.create_connection((address.hostname, address.port or 6379), timeout=0.5):
            return True
    except OSError:
        return False


def redis_caches(key_prefix: str) -> dict:
    """``CACHES`` with the default cache on the suite's Redis database (or skip)."""
    if not redis_answers():
        pytest.skip(f"needs Redis at {REDIS_URL}")
    return {
        "default": {
            "BACKEND": "motcua.lib.rediscache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": key_prefix,
        }
    }
