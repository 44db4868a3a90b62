"""The client's network address, read the same way everywhere (limits, lockout, probes).

With ``MOTCUA_TRUSTED_PROXY_COUNT`` = 0 (default) the address is the connection's
(``REMOTE_ADDR``) and ``X-Forwarded-For`` is ignored, since a client can write anything
there. With n trusted proxies in front it is the n-th address from the right of
``X-Forwarded-For``: the one the outermost trusted proxy saw.
"""

from __future__ import annotations

from django.conf import settings


def client_ip(request) -> str:
    """The client's address: ``REMOTE_ADDR``, or with ``MOTCUA_TRUSTED_PROXY_COUNT`` = n
    proxies in front, the n-th address from the right of ``X-Forwarded-For`` (the one
    the outermost trusted proxy saw; what a client writes there itself is further left)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    proxies = getattr(settings, "MOTCUA_TRUSTED_PROXY_COUNT", 0)
    if proxies <= 0:
        return remote
    forwarded = [
        address.strip()
        for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if address.strip()
    ]
    if not forwarded:
        return remote
    return forwarded[-min(proxies, len(forwarded))]


def is_proxied(request) -> bool:
    """Whether the request came through a trusted proxy (it carries ``X-Forwarded-For``
    and proxies are trusted): its connection address is then the proxy's, not the client's."""
    return getattr(settings, "MOTCUA_TRUSTED_PROXY_COUNT", 0) > 0 and bool(
        request.META.get("HTTP_X_FORWARDED_FOR", "").strip()
    )
