"""The gateway's side of VNPay's signatures (HMAC-SHA512, hex).

The simulator imports nothing from MotCua, so it signs and checks on its own, the way
the real gateway does: query-string messages hash their sorted ``vnp_`` parameters
URL-encoded with ``quote_plus``; API messages hash their fields joined by ``|`` in the
order VNPay documents for each command.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from urllib.parse import quote_plus

HASH_KEYS = frozenset({"vnp_SecureHash", "vnp_SecureHashType"})

QUERYDR_REQUEST_FIELDS = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_TransactionDate",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
QUERYDR_RESPONSE_FIELDS = (
    "vnp_ResponseId",
    "vnp_Command",
    "vnp_ResponseCode",
    "vnp_Message",
    "vnp_TmnCode",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_BankCode",
    "vnp_PayDate",
    "vnp_TransactionNo",
    "vnp_TransactionType",
    "vnp_TransactionStatus",
    "vnp_OrderInfo",
    "vnp_PromotionCode",
    "vnp_PromotionAmount",
)
REFUND_REQUEST_FIELDS = (
    "vnp_RequestId",
    "vnp_Version",
    "vnp_Command",
    "vnp_TmnCode",
    "vnp_TransactionType",
    "vnp_TxnRef",
    "vnp_Amount",
    "vnp_TransactionNo",
    "vnp_TransactionDate",
    "vnp_CreateBy",
    "vnp_CreateDate",
    "vnp_IpAddr",
    "vnp_OrderInfo",
)
REFUND_RESPONSE_FIELDS = QUERYDR_RESPONSE_FIELDS[:13]


def hmac_sha512(secret: str, data: str) -> str:
    return hmac.new(secret.encode(), data.encode(), hashlib.sha512).hexdigest()


def query_hash_data(params: Mapping[str, str]) -> str:
    """``k1=v1&k2=v2`` over the sorted ``vnp_`` parameters, the hash fields left out."""
    return "&".join(
        f"{key}={quote_plus(str(params[key]))}"
        for key in sorted(params)
        if key.startswith("vnp_") and key not in HASH_KEYS
    )


def sign_query(secret: str, params: Mapping[str, str]) -> str:
    return hmac_sha512(secret, query_hash_data(params))


def pipe_hash_data(body: Mapping, fields: Iterable[str]) -> str:
    return "|".join("" if body.get(name) is None else str(body.get(name)) for name in fields)


def sign_fields(secret: str, body: Mapping, fields: Iterable[str]) -> str:
    return hmac_sha512(secret, pipe_hash_data(body, fields))


def matches(expected: str, given: str | None) -> bool:
    """Constant-time comparison of two hex digests (case-insensitive, as VNPay sends)."""
    return hmac.compare_digest(expected.lower().encode(), (given or "").lower().encode())
