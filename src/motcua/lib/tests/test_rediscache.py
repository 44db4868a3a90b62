"""The Redis cache backend that keeps one client per connection pool (lib.rediscache)."""

from __future__ import annotations

import threading

from django.core.cache import caches
from django.test import override_settings

from tests.redis_cache import redis_caches


def test_one_client_per_pool_and_the_cache_still_works():
    with override_settings(CACHES=redis_caches("rediscache-test")):
        cache = caches["default"]
        try:
            backend = cache._cache
            first = backend.get_client("a")
            assert backend.get_client("b") is first
            assert backend.get_client("c", write=True) is first  # one server: one pool
            cache.set("key", {"value": 1}, 30)
            assert cache.get("key") == {"value": 1}
            assert cache.get_many(["key", "missing"]) == {"key": {"value": 1}}
            assert cache.add("n", 0, 30)
            assert cache.incr("n") == 1
            cache.delete("key")
            assert cache.get("key") is None
        finally:
            cache.clear()
            cache.close()


def test_the_shared_client_serves_threads_at_once():
    with override_settings(CACHES=redis_caches("rediscache-threads")):
        cache = caches["default"]
        errors = []

        def work(n: int) -> None:
            try:
                for i in range(50):
                    cache.set(f"t{n}:{i}", i, 30)
                    assert cache.get(f"t{n}:{i}") == i
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
        try:
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            assert errors == []
            assert cache.get("t7:49") == 49
        finally:
            cache.clear()
            cache.close()
