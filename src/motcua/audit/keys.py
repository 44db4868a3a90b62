"""The audit trail's anchor outside the database: HMAC-SHA256 with ``MOTCUA_AUDIT_KEY``.

The hash chain shows an edit only to someone who cannot recompute it; whoever can write
the table (a DBA with the append-only trigger disabled) can. The key lives in the
application's environment and never in the database, so the database's administrators
cannot make the MAC of a record they edited or invented. Each MAC covers the record's
hash, which covers its content and, through ``prev_hash``, every record before it.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

# Domain separation: a record's MAC can never pass for a checkpoint's, or the reverse.
_RECORD = b"motcua-audit-record:"
_CHECKPOINT = b"motcua-audit-checkpoint:"


def current_key() -> bytes:
    """The key new records and checkpoints are signed with."""
    return settings.MOTCUA_AUDIT_KEY.encode()


def accepted_keys() -> list[bytes]:
    """The current key, then the former ones still accepted when verifying."""
    fallbacks = getattr(settings, "MOTCUA_AUDIT_KEY_FALLBACKS", []) or []
    return [current_key(), *(key.encode() for key in fallbacks if key)]


def _mac(key: bytes, domain: bytes, message: str) -> str:
    return hmac.new(key, domain + message.encode(), hashlib.sha256).hexdigest()


def record_mac(record_hash: str, key: bytes | None = None) -> str:
    """The MAC stored with a record: one HMAC over its 64-character hash (cheap)."""
    return _mac(key or current_key(), _RECORD, record_hash)


def checkpoint_mac(text: str, key: bytes | None = None) -> str:
    """The MAC of a checkpoint's canonical JSON text."""
    return _mac(key or current_key(), _CHECKPOINT, text)


def record_mac_is_valid(record_hash: str, mac: str) -> bool:
    return any(hmac.compare_digest(record_mac(record_hash, key), mac) for key in accepted_keys())


def checkpoint_mac_is_valid(text: str, mac: str) -> bool:
    return any(hmac.compare_digest(checkpoint_mac(text, key), mac) for key in accepted_keys())
