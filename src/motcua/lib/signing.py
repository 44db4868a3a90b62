"""HMAC-SHA256 request signatures between servers (webhooks, the dossier exchange).

The signed bytes are ``<timestamp>.<body>``: the Unix time of the request in seconds,
a dot, then the raw body (for a GET, the request target: see docs/EXCHANGE.md). The
hex digest travels as ``<scheme>=<hex>`` (``v1=`` for the events' webhooks,
``sha256=`` for the exchange); several comma-separated values may be offered during
a change of secret. The timestamp must be within a window of the receiver's clock, so
a captured request cannot be replayed later.
"""

from __future__ import annotations

import hashlib
import hmac
import time

TIMESTAMP, SIGNATURE = "timestamp", "signature"


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """hex HMAC-SHA256 of ``{timestamp}.{body}`` with ``secret``."""
    message = timestamp.encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: str, body: bytes, *, scheme: str = "sha256") -> str:
    return f"{scheme}={sign(secret, timestamp, body)}"


def now_timestamp() -> str:
    return str(int(time.time()))


def check(
    secret: str,
    timestamp: str,
    body: bytes,
    header: str,
    *,
    window_s: float,
    scheme: str = "sha256",
    now: float | None = None,
) -> str:
    """Empty when ``header`` signs ``body`` at ``timestamp`` with ``secret`` and the
    timestamp is within ``window_s`` seconds of ``now``; else the reason
    (``timestamp`` or ``signature``)."""
    if not timestamp or not (timestamp.isascii() and timestamp.isdigit()):
        return TIMESTAMP
    now = time.time() if now is None else now
    if abs(now - int(timestamp)) > window_s:
        return TIMESTAMP
    expected = sign(secret, timestamp, body)
    prefix = f"{scheme}="
    offered = [
        part.strip()[len(prefix) :]
        for part in (header or "").split(",")
        if part.strip().startswith(prefix)
    ]
    if not any(hmac.compare_digest(expected, value) for value in offered):
        return SIGNATURE
    return ""
