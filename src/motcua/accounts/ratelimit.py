"""Request limits for public pages and calls, counted in Django's cache.

django-ratelimit refuses the per-process memory cache of the zero-setup mode, so this
is a fixed-window counter: each request is one atomic increment (with Redis, ``SET NX
EX`` + ``INCR`` in one pipeline, a single round trip; in the memory cache ``add`` +
``incr``), so a concurrent burst cannot slip past the limit as a read-then-write count
would. With ``REDIS_URL`` every process shares
the count (production must use it: without it each process counts its own). When the
cache cannot be reached the request goes through (the look-up must not fail because
Redis is down) and a warning is logged.

Public API: :func:`client_ip` (also django-axes' ``AXES_CLIENT_IP_CALLABLE``),
:func:`rate_limited` (a view decorator), :func:`hit`, :func:`lookup_wait` (the one
limit of the dossier look-up, shared by the portal and the API) and
:func:`too_many_requests`.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from motcua.lib.net import client_ip

log = logging.getLogger(__name__)

RATE_RE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\w*\s*$")
PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"20/m"`` → (20, 60); ``"100/5m"`` → (100, 300). Raises ValueError when malformed."""
    match = RATE_RE.match(rate or "")
    if not match:
        raise ValueError(f"not a rate: {rate!r} (expected <n>/<s|m|h|d>)")
    count, multiple, unit = match.groups()
    return int(count), int(multiple or 1) * PERIODS[unit]


def _count(key: str, period: int) -> int:
    """Add one to the window's counter ``key``; its new value.

    With Redis (Django's ``RedisCache``): ``SET key 0 EX period NX`` and ``INCR key`` in
    one pipeline, one round trip, atomic on the server; the first request of a window
    creates the counter with its expiry, and no request can see it without one. With
    another cache (the per-process memory cache of the zero-setup mode): ``add`` then
    ``incr``, each atomic.
    """
    redis_cache = getattr(cache, "_cache", None)
    if hasattr(redis_cache, "get_client") and hasattr(cache, "make_and_validate_key"):
        full = cache.make_and_validate_key(key)
        pipe = redis_cache.get_client(full, write=True).pipeline(transaction=True)
        pipe.set(full, 0, ex=period + 1, nx=True)
        pipe.incr(full)
        return int(pipe.execute()[1])
    cache.add(key, 0, timeout=period + 1)
    try:
        return cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.add(key, 1, timeout=period + 1)
        return 1


def hit(scope: str, ident: str, rate: str) -> int | None:
    """Count one request of ``ident`` in ``scope``; the seconds to wait when it is over
    ``rate``, else None."""
    limit, period = parse_rate(rate)
    now = time.time()
    window = int(now // period)
    digest = hashlib.sha256(ident.encode()).hexdigest()[:32]
    key = f"motcua:limit:{scope}:{digest}:{period}:{window}"
    try:
        count = _count(key, period)
    except Exception as failure:  # an unreachable cache must not stop the page
        log.warning("rate limit %s not counted: %s", scope, type(failure).__name__)
        return None
    if count > limit:
        return max(1, int((window + 1) * period - now) + 1)
    return None


def lookup_wait(request, code: str) -> int | None:
    """Count one attempt at the public dossier look-up; the seconds to wait, or None.

    The same counters serve the portal's ``/tra-cuu/`` and the API's
    ``/public/lookup``: ``MOTCUA_LOOKUP_RATE`` per client address and
    ``MOTCUA_LOOKUP_CODE_RATE`` per dossier code (whatever the address, so many
    addresses together cannot try more secrets of one dossier). A refused address
    does not use up the code's count. Empty rates turn the limits off.
    """
    rate = settings.MOTCUA_LOOKUP_RATE
    if rate:
        wait = hit("lookup", client_ip(request), rate)
        if wait is not None:
            log.warning("rate limit reached: lookup per address")
            return wait
    code_rate = settings.MOTCUA_LOOKUP_CODE_RATE
    code = (code or "").strip().upper()
    if code_rate and code:
        wait = hit("lookup-code", code, code_rate)
        if wait is not None:
            log.warning("rate limit reached: lookup per dossier code")
            return wait
    return None


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
