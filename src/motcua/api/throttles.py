"""Rate limits (429 beyond them), read from settings on every request so they can change.

Each request is one atomic increment of a counter in Django's cache
(:func:`motcua.accounts.ratelimit.hit`, ``cache.add`` + ``cache.incr``), not ninja's
read-the-history-then-write-it-back, which lets a concurrent burst through: with a
shared cache (Redis) the limit holds across every process. With Redis the same round
trip reads the reference data's generation for the request (``lib.refcache``), which
would otherwise cost one of its own.
"""

from __future__ import annotations

import hashlib
import threading

from django.conf import settings
from ninja.throttling import BaseThrottle

from motcua.accounts.ratelimit import client_ip, count_and_read, hit
from motcua.lib import refcache


class _AtomicThrottle(BaseThrottle):
    setting = ""
    scope = ""

    def __init__(self):
        # One instance serves every thread: the wait of the last refusal is per thread.
        self._local = threading.local()

    def ident(self, request) -> str:
        return client_ip(request)

    def allow_request(self, request) -> bool:
        rate = getattr(settings, self.setting)
        self._local.wait = self._count(request, rate) if rate else None
        return self._local.wait is None

    def _count(self, request, rate: str) -> int | None:
        """The seconds to wait, or None; the reference data's generation is read in the
        same round trip when the request has not read it yet (``lib.refcache``)."""
        if not refcache.wanted():
            return hit(self.scope, self.ident(request), rate)
        try:
            reading = count_and_read([(self.scope, self.ident(request), rate)], [refcache.KEY])
        except Exception:  # noqa: BLE001 - what hit() makes of an unreachable cache
            return hit(self.scope, self.ident(request), rate)
        if reading.refused is not None:
            return reading.refused[1]
        refcache.prime(reading.values[0])
        return None

    def wait(self) -> float | None:
        return getattr(self._local, "wait", None)


class CallerThrottle(_AtomicThrottle):
    """Per signed-in person or system (``MOTCUA_API_RATE_AUTHENTICATED``)."""

    setting = "MOTCUA_API_RATE_AUTHENTICATED"
    scope = "api-caller"

    def ident(self, request) -> str:
        who = getattr(request, "auth", None)
        return (
            "caller:" + hashlib.sha256(str(who).encode()).hexdigest() if who else client_ip(request)
        )


class PublicThrottle(_AtomicThrottle):
    """Per client address, for the calls anyone may make (``MOTCUA_API_RATE_PUBLIC``)."""

    setting = "MOTCUA_API_RATE_PUBLIC"
    scope = "api-public"
