"""Request limits for public pages and calls, counted in Django's cache.

django-ratelimit refuses the per-process memory cache of the zero-setup mode, so this
is a fixed-window counter: each request is one atomic increment (with Redis, ``SET NX
EX`` + ``INCR`` in a Lua script: a single round trip for all the counters of a request;
in the memory cache ``add`` + ``incr``), so a concurrent burst cannot slip past the
limit as a read-then-write count would. With ``REDIS_URL`` every process shares
the count (production must use it: without it each process counts its own). When the
cache cannot be reached the request goes through (the look-up must not fail because
Redis is down) and a warning is logged.

Public API: :func:`client_ip` (also django-axes' ``AXES_CLIENT_IP_CALLABLE``),
:func:`rate_limited` (a view decorator), :func:`hit`, :func:`hit_many`, :func:`lookup_wait` (the one
limit of the dossier look-up, shared by the portal and the API, with :func:`lookup_hits`),
:func:`count_and_read` (the counters and cache entries of a request in one round trip:
the WSGI hot path, ``motcua.portal.hotpath``) and :func:`too_many_requests`.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
import weakref
from dataclasses import dataclass
from functools import lru_cache, wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from redis.exceptions import NoScriptError, ResponseError

from motcua.lib.net import client_ip

log = logging.getLogger(__name__)

RATE_RE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\w*\s*$")
PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@lru_cache(maxsize=64)
def parse_rate(rate: str) -> tuple[int, int]:
    """``"20/m"`` → (20, 60); ``"100/5m"`` → (100, 300). Raises ValueError when malformed."""
    match = RATE_RE.match(rate or "")
    if not match:
        raise ValueError(f"not a rate: {rate!r} (expected <n>/<s|m|h|d>)")
    count, multiple, unit = match.groups()
    return int(count), int(multiple or 1) * PERIODS[unit]


# Counts one request in each window counter (KEYS) in turn: the counter is created
# with its expiry (SET NX EX) and incremented (INCR), atomically on the server; it stops
# at the first counter over its limit, so a refused request does not use up the next
# counters. ARGV: expiry and limit of each key. Returns the counts so far.
_COUNT_SCRIPT = """
local counts = {}
for i = 1, #KEYS do
  redis.call('SET', KEYS[i], 0, 'EX', ARGV[2 * i - 1], 'NX')
  local n = redis.call('INCR', KEYS[i])
  counts[i] = n
  if n > tonumber(ARGV[2 * i]) then return counts end
end
return counts
"""
# Counts as above, then reads the cache entries that follow the counters in KEYS (MGET)
# and whether the last key exists. ARGV: the number of counters, expiry and limit of
# each, the number of entries to read. Returns {counts, values, exists}; nothing is
# read when a counter is over its limit.
_COUNT_AND_READ_SCRIPT = """
local n = tonumber(ARGV[1])
local counts = {}
for i = 1, n do
  redis.call('SET', KEYS[i], 0, 'EX', ARGV[2 * i], 'NX')
  local c = redis.call('INCR', KEYS[i])
  counts[i] = c
  if c > tonumber(ARGV[2 * i + 1]) then return {counts, {}, 0} end
end
local m = tonumber(ARGV[2 * n + 2])
local reads = {}
for j = 1, m do reads[j] = KEYS[n + j] end
local values = {}
if m > 0 then values = redis.call('MGET', unpack(reads)) end
local exists = 0
if #KEYS > n + m then exists = redis.call('EXISTS', KEYS[#KEYS]) end
return {counts, values, exists}
"""


@dataclass(frozen=True)
class _Redis:
    pool: object
    count: object  # the counting script (redis-py's Script), bound to a client of the pool
    count_and_read: object
    serializer: object  # the cache's (pickle, integers as they are)

    def run(self, script, keys: list[str], args: list) -> object:
        """``script`` on one connection of the pool: EVALSHA (EVAL when the server does
        not know it yet), without the client's per-command wrappers, which cost more
        than the script (this is the WSGI hot path's one round trip). A broken
        connection is dropped; the error is raised."""
        conn = self.pool.get_connection()
        try:
            try:
                conn.send_command("EVALSHA", script.sha, len(keys), *keys, *args)
                return conn.read_response()
            except NoScriptError:
                conn.send_command("EVAL", script.script, len(keys), *keys, *args)
                return conn.read_response()
        except ResponseError:
            raise
        except BaseException:
            conn.disconnect()
            raise
        finally:
            self.pool.release(conn)


# One client per connection pool and process (Django builds a new client object on
# every call, which costs more than the count); a pool is dropped with its cache.
_clients: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _redis():
    """The scripts bound to a client of the cache's Redis pool, or None when the cache
    is not Django's RedisCache."""
    backend = getattr(cache, "_cache", None)
    if not hasattr(backend, "_get_connection_pool") or not hasattr(backend, "_client"):
        return None
    pool = backend._get_connection_pool(0)
    found = _clients.get(pool)
    if found is None:
        client = backend._client(connection_pool=pool)
        found = _Redis(
            pool=pool,
            count=client.register_script(_COUNT_SCRIPT),
            count_and_read=client.register_script(_COUNT_AND_READ_SCRIPT),
            serializer=backend._serializer,
        )
        _clients[pool] = found
    return found


def _counts(keys: list[tuple[str, int, int]]) -> list[int]:
    """Count one request in each (key, period, limit), stopping at the first over its
    limit; the counts. With Redis one round trip (a Lua script, atomic on the server);
    with another cache (the memory cache of the zero-setup mode) ``add`` + ``incr``,
    each atomic."""
    redis = _redis()
    if redis is not None:
        full = [cache.make_and_validate_key(key) for key, _period, _limit in keys]
        args = []
        for _key, period, limit in keys:
            args += [period + 1, limit]
        return [int(n) for n in redis.count(keys=full, args=args)]
    counts = []
    for key, period, limit in keys:
        cache.add(key, 0, timeout=period + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # the key expired between add and incr
            cache.add(key, 1, timeout=period + 1)
            count = 1
        counts.append(count)
        if count > limit:
            break
    return counts


def _window_keys(hits: list[tuple[str, str, str]], now: float):
    """(key, period, limit) of each (scope, ident, rate) in the current window, and the
    (window, period) pairs."""
    keys, windows = [], []
    for scope, ident, rate in hits:
        limit, period = parse_rate(rate)
        window = int(now // period)
        digest = hashlib.sha256(ident.encode()).hexdigest()[:32]
        keys.append((f"motcua:limit:{scope}:{digest}:{period}:{window}", period, limit))
        windows.append((window, period))
    return keys, windows


def _refusal(counts, keys, windows, now) -> tuple[int, int] | None:
    for index, count in enumerate(counts):
        if count > keys[index][2]:
            window, period = windows[index]
            return index, max(1, int((window + 1) * period - now) + 1)
    return None


def hit_many(hits: list[tuple[str, str, str]]) -> tuple[int, int] | None:
    """Count one request against each (scope, ident, rate), in order, in one round trip;
    (index of the first limit reached, seconds to wait), or None when all allow it. The
    counters after a refused one are not counted."""
    now = time.time()
    keys, windows = _window_keys(hits, now)
    try:
        counts = _counts(keys)
    except Exception as failure:  # an unreachable cache must not stop the page
        scopes = ",".join(scope for scope, _ident, _rate in hits)
        log.warning("rate limit %s not counted: %s", scopes, type(failure).__name__)
        return None
    return _refusal(counts, keys, windows, now)


@dataclass(frozen=True)
class Reading:
    """What :func:`count_and_read` found: the refusal as :func:`hit_many` gives it (then
    nothing was read), the values of the keys (None when absent) and whether the
    ``exists`` key is in the cache."""

    refused: tuple[int, int] | None
    values: tuple
    exists: bool


def count_and_read(
    hits: list[tuple[str, str, str]], keys: list[str], exists: str | None = None
) -> Reading:
    """Count one request against each (scope, ident, rate) as :func:`hit_many` does,
    then read ``keys`` and whether ``exists`` is cached: one round trip with Redis (one
    Lua script), ``add`` + ``incr`` and ``get_many`` with another cache. Raises what the
    cache raises (the caller chooses what an unreachable cache means)."""
    now = time.time()
    counters, windows = _window_keys(hits, now)
    redis = _redis()
    if redis is None:
        counts = _counts(counters) if counters else []
        refused = _refusal(counts, counters, windows, now)
        if refused is not None:
            return Reading(refused, (), False)
        found = cache.get_many([*keys, *([exists] if exists else [])])
        return Reading(None, tuple(found.get(key) for key in keys), exists in found)
    names = [key for key, _period, _limit in counters] + list(keys)
    names += [exists] if exists else []
    args = [len(counters)]
    for _key, period, limit in counters:
        args += [period + 1, limit]
    args.append(len(keys))
    # Keys of our own making (scopes, digests, codes of [A-Za-z0-9._-]): no validation.
    make_key = cache.make_key
    counts, raw, present = redis.run(redis.count_and_read, [make_key(name) for name in names], args)
    refused = _refusal([int(n) for n in counts], counters, windows, now)
    if refused is not None:
        return Reading(refused, (), False)
    loads = redis.serializer.loads
    values = tuple(None if value is None else loads(value) for value in raw)
    return Reading(None, values, bool(present))


def hit(scope: str, ident: str, rate: str) -> int | None:
    """Count one request of ``ident`` in ``scope``; the seconds to wait when it is over
    ``rate``, else None."""
    refused = hit_many([(scope, ident, rate)])
    return refused[1] if refused else None


# The WSGI hot path (motcua.portal.hotpath) counts a look-up before Django sees it and
# leaves (code, refusal) here in the request's environ, so that the look-up it hands
# over is not counted twice. Clients cannot set it: their headers arrive as HTTP_*.
LOOKUP_COUNTED = "motcua.lookup.counted"


def lookup_hits(address: str, code: str) -> list[tuple[str, str, str]]:
    """The (scope, ident, rate) counters of one look-up attempt of ``code`` from
    ``address``: ``MOTCUA_LOOKUP_RATE`` per address, then ``MOTCUA_LOOKUP_CODE_RATE``
    per dossier code (as printed: stripped, in capitals). Empty rates are left out."""
    hits = []
    rate = settings.MOTCUA_LOOKUP_RATE
    if rate:
        hits.append(("lookup", address, rate))
    code_rate = settings.MOTCUA_LOOKUP_CODE_RATE
    code = (code or "").strip().upper()
    if code_rate and code:
        hits.append(("lookup-code", code, code_rate))
    return hits


def log_lookup_refusal(hits: list[tuple[str, str, str]], index: int) -> None:
    log.warning("rate limit reached: lookup per %s", hits[index][0].replace("lookup-", ""))


def lookup_wait(request, code: str) -> int | None:
    """Count one attempt at the public dossier look-up; the seconds to wait, or None.

    The same counters serve the portal's ``/tra-cuu/`` and the API's
    ``/public/lookup``: ``MOTCUA_LOOKUP_RATE`` per client address and
    ``MOTCUA_LOOKUP_CODE_RATE`` per dossier code (whatever the address, so many
    addresses together cannot try more secrets of one dossier). A refused address
    does not use up the code's count. Empty rates turn the limits off. An attempt the
    WSGI hot path counted already (``LOOKUP_COUNTED``) is not counted again.
    """
    counted = request.META.get(LOOKUP_COUNTED)
    if counted is not None and counted[0] == (code or "").strip().upper():
        return counted[1][1] if counted[1] else None
    hits = lookup_hits(client_ip(request), code)
    # Both counters in one round trip; the code's is not counted when the address's
    # limit is reached.
    refused = hit_many(hits) if hits else None
    if refused is None:
        return None
    log_lookup_refusal(hits, refused[0])
    return refused[1]


def too_many_requests(request, retry_after: int):
    """The "thử lại sau" page (429) with ``Retry-After``."""
    response = render(
        request,
        "accounts/too_many_requests.html",
        {"minutes": max(1, (retry_after + 59) // 60), "seconds": retry_after},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    add_never_cache_headers(response)
    return response


def rate_limited(scope: str, methods: tuple[str, ...] = ("POST",)):
    """Decorator: at most ``MOTCUA_LOOKUP_RATE`` requests (of ``methods``) per client
    address in ``scope``; beyond it :func:`too_many_requests`. The rate is read on every
    request, so a test or an operator can change it; empty turns the limit off."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            rate = settings.MOTCUA_LOOKUP_RATE
            if rate and request.method in methods:
                wait = hit(scope, client_ip(request), rate)
                if wait is not None:
                    log.warning("rate limit reached: %s", scope)
                    return too_many_requests(request, wait)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
