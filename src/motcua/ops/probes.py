"""Readiness checks: each returns a ``Check`` and never raises.

Error details name the exception class only: messages may carry addresses or
credentials of the services, and ``/readyz`` may be reachable from a load balancer.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connections

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    ms: float
    error: str = ""

    def as_dict(self) -> dict:
        data = {"ok": self.ok, "ms": round(self.ms, 1)}
        if self.error:
            data["error"] = self.error
        return data


def _timed(name: str, probe: Callable[[], None]) -> Check:
    started = time.perf_counter()
    try:
        probe()
    except Exception as error:  # a probe reports every failure, whatever it is
        logger.warning("readiness check %s failed: %s", name, type(error).__name__)
        return Check(name, False, (time.perf_counter() - started) * 1000, type(error).__name__)
    return Check(name, True, (time.perf_counter() - started) * 1000)


def _database(alias: str) -> Callable[[], None]:
    def probe() -> None:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()

    return probe


def _cache() -> None:
    key = f"motcua:readyz:{uuid.uuid4().hex}"
    cache.set(key, "1", timeout=10)
    value = cache.get(key)
    cache.delete(key)
    if value != "1":
        raise RuntimeError("cache did not return what was stored")


def _broker() -> None:
    from motcua.celery import app

    with app.connection_for_write(settings.CELERY_BROKER_URL) as connection:
        connection.ensure_connection(max_retries=0, timeout=settings.MOTCUA_READYZ_TIMEOUT_S)


def _storage() -> None:
    payload = uuid.uuid4().hex.encode()
    name = default_storage.save(f"ops/readyz-{uuid.uuid4().hex}.txt", ContentFile(payload))
    try:
        with default_storage.open(name, "rb") as handle:
            if handle.read() != payload:
                raise RuntimeError("storage did not return what was stored")
    finally:
        default_storage.delete(name)


def readiness() -> list[Check]:
    """Check every service this node needs: databases, cache, broker, storage."""
    checks = [_timed("database", _database("default"))]
    if settings.MOTCUA_REPLICA_DATABASE:
        checks.append(_timed("database_replica", _database(settings.MOTCUA_REPLICA_DATABASE)))
    checks.append(_timed("cache", _cache))
    if settings.CELERY_BROKER_URL:
        checks.append(_timed("broker", _broker))
    if settings.MOTCUA_READYZ_STORAGE:
        checks.append(_timed("storage", _storage))
    return checks
