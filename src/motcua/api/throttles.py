"""Rate limits (429 beyond them), read from settings on every request so they can change."""

from __future__ import annotations

import hashlib

from django.conf import settings
from ninja.throttling import SimpleRateThrottle


class _FromSettings(SimpleRateThrottle):
    setting = ""

    def __init__(self):
        super().__init__(getattr(settings, self.setting))

    def allow_request(self, request) -> bool:
        rate = getattr(settings, self.setting)
        if rate != self.rate:
            self.rate = rate
            self.num_requests, self.duration = self.parse_rate(rate)
        return super().allow_request(request)


class CallerThrottle(_FromSettings):
    """Per signed-in person or system (``MOTCUA_API_RATE_AUTHENTICATED``)."""

    setting = "MOTCUA_API_RATE_AUTHENTICATED"
    scope = "motcua-api-caller"

    def get_cache_key(self, request) -> str:
        who = getattr(request, "auth", None)
        ident = hashlib.sha256(str(who).encode()).hexdigest() if who else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class PublicThrottle(_FromSettings):
    """Per client address, for the calls anyone may make (``MOTCUA_API_RATE_PUBLIC``)."""

    setting = "MOTCUA_API_RATE_PUBLIC"
    scope = "motcua-api-public"

    def get_cache_key(self, request) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
