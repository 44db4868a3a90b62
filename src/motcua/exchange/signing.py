"""Signing and checking the exchange's requests (docs/EXCHANGE.md, "Signatures").

Every request between two instances carries ``X-MotCua-Peer`` (the sender's
``MOTCUA_INSTANCE_CODE``), ``X-MotCua-Timestamp`` (Unix seconds) and
``X-MotCua-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<signed bytes>">`` with
the secret shared by the two peers — the scheme of the events' webhooks
(``motcua.lib.signing``). The signed bytes are the raw body of a POST, and for a GET
the request target relative to the peer's base address: ``GET /lien-thong/tep/<sha256>/?link=<id>``.
"""

from __future__ import annotations

from django.conf import settings

from motcua.lib import signing

SCHEME = "sha256"
PEER_HEADER = "X-MotCua-Peer"
TIMESTAMP_HEADER = "X-MotCua-Timestamp"
SIGNATURE_HEADER = "X-MotCua-Signature"


def get_target(path: str, query: str = "") -> bytes:
    """The signed bytes of a GET: ``GET <path>[?<query>]`` (path from the base address)."""
    return f"GET {path}{'?' + query if query else ''}".encode()


def headers(secret: str, signed: bytes, *, timestamp: str | None = None) -> dict[str, str]:
    """The three exchange headers for ``signed`` bytes, sent as this instance."""
    timestamp = timestamp or signing.now_timestamp()
    return {
        PEER_HEADER: settings.MOTCUA_INSTANCE_CODE,
        TIMESTAMP_HEADER: timestamp,
        SIGNATURE_HEADER: signing.signature_header(secret, timestamp, signed, scheme=SCHEME),
    }


def check(secret: str, request_headers, signed: bytes) -> str:
    """Empty when the request is authentic and fresh; else ``timestamp`` or ``signature``."""
    return signing.check(
        secret,
        request_headers.get(TIMESTAMP_HEADER, ""),
        signed,
        request_headers.get(SIGNATURE_HEADER, ""),
        window_s=settings.MOTCUA_EXCHANGE_WINDOW_S,
        scheme=SCHEME,
    )
