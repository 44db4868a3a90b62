"""Rate limits (429 beyond them), read from settings on every request so they can change.

Each request is one atomic increment of a counter in Django's cache
(:func:`motcua.accounts.ratelimit.hit`, ``cache.add`` + ``cache.incr``), not ninja's
read-the-history-then-write-it-back, which lets a concurrent burst through: with a
shared cache (Redis) the limit holds across every process.
"""

from __future__ import annotations

import hashlib
import threading

from django.conf import settings
from ninja.throttling import BaseThrottle

from motcua.accounts.ratelimit import client_ip, hit


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
        self._local.wait = hit(self.scope, self.ident(request), rate) if rate else None
        return self._local.wait is None

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
