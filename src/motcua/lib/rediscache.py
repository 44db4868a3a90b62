"""Django's Redis cache with one client object per connection pool.

``django.core.cache.backends.redis.RedisCacheClient.get_client`` builds a new
``redis.Redis`` on every cache call; its constructor fills a table of some 200 response
callbacks each time, which cost more than a ``GET`` on the same machine (about 2 % of
an API filing's CPU, docs/DEPLOY.md §5). A ``redis.Redis`` over a connection pool is
safe to share between threads (each command takes a connection from the pool), so one
per pool is kept and reused. Everything else is Django's backend unchanged.

    CACHES = {"default": {"BACKEND": "motcua.lib.rediscache.RedisCache", ...}}
"""

from __future__ import annotations

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = self._get_connection_pool(write)
            client = self._clients.setdefault(index, self._client(connection_pool=pool))
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
