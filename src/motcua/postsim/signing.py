"""The postal service's side of the signatures (HMAC-SHA256, hex).

The simulator imports nothing from MotCua, so it signs and checks on its own, as a
real postal operator would: ``X-Postal-Signature: sha256=<hex>`` over
``<X-Postal-Timestamp>.<raw body>`` with the key both sides hold.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time

TIMESTAMP_HEADER = "X-Postal-Timestamp"
SIGNATURE_HEADER = "X-Postal-Signature"
MAX_SKEW_S = 600


def signature(key: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(key.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def signed_headers(key: str, body: bytes) -> dict[str, str]:
    timestamp = str(int(time.time()))
    return {
        "Content-Type": "application/json",
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: signature(key, timestamp, body),
    }


def dumps(payload) -> bytes:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()


def verify(key: str, timestamp: str | None, given: str | None, body: bytes) -> bool:
    """True when ``given`` signs ``body`` at ``timestamp`` under ``key`` and is recent."""
    if not timestamp or not given or not timestamp.isdigit():
        return False
    if abs(time.time() - int(timestamp)) > MAX_SKEW_S:
        return False
    return hmac.compare_digest(signature(key, timestamp, body).encode(), given.encode())
