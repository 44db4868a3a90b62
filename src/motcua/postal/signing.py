"""MotCua's side of the postal signatures: HMAC-SHA256 with the shared
``MOTCUA_POSTAL_KEY`` over ``<timestamp>.<raw body>``, hex, in
``X-Postal-Signature: sha256=<hex>`` with ``X-Postal-Timestamp`` (Unix seconds).

Requests, the service's answers and the delivery events are all signed this way; a
message older than ``MOTCUA_POSTAL_MAX_SKEW_S`` is refused (a replay), and the event id
makes a replay inside that window harmless.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time

from django.conf import settings

TIMESTAMP_HEADER = "X-Postal-Timestamp"
SIGNATURE_HEADER = "X-Postal-Signature"


def signature(timestamp: str, body: bytes, key: str | None = None) -> str:
    key = settings.MOTCUA_POSTAL_KEY if key is None else key
    digest = hmac.new(key.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def dumps(payload) -> bytes:
    return json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()


def signed_headers(body: bytes, key: str | None = None) -> dict[str, str]:
    timestamp = str(int(time.time()))
    return {
        "Content-Type": "application/json",
        "Accept": "application/json",
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: signature(timestamp, body, key),
    }


def verify(headers, body: bytes) -> bool:
    """True when ``headers`` carry a recent, valid signature of ``body``."""
    timestamp = headers.get(TIMESTAMP_HEADER) or ""
    given = headers.get(SIGNATURE_HEADER) or ""
    if not timestamp.isdigit() or not given:
        return False
    if abs(time.time() - int(timestamp)) > settings.MOTCUA_POSTAL_MAX_SKEW_S:
        return False
    return hmac.compare_digest(signature(timestamp, body).encode(), given.encode())
