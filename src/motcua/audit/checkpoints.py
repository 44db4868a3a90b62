"""Signed checkpoints of the audit chain, kept outside the database.

``audit_checkpoint`` (scheduled by beat) appends one JSON line per run to
``MOTCUA_AUDIT_CHECKPOINT_DIR/checkpoints.jsonl`` for each chain (one per agency, and
the platform's) that grew since its last checkpoint: the chain, its newest record's id
and hash, when, and an HMAC-SHA256 of all that with ``MOTCUA_AUDIT_KEY``. Lines
without a chain (written before chains were per agency) are the platform chain's.
The file is written by the application, never by the database, and is meant to be
shipped to storage the database's administrators cannot write. ``verify_audit``
checks each line's MAC and that the chain still holds that hash at that id, so a
chain recomputed in the database or cut short no longer verifies, even for records
written before the key existed.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from .keys import checkpoint_mac, checkpoint_mac_is_valid
from .models import PLATFORM_CHAIN, canonical_json
from .selectors import VerifyResult, verify_chain

FILE_NAME = "checkpoints.jsonl"


class CheckpointError(Exception):
    """A checkpoint line is malformed or its MAC is wrong, or the chain is broken."""


@dataclass(frozen=True)
class Checkpoint:
    record_id: int
    hash: str
    at: str
    chain: str = PLATFORM_CHAIN


def _body(record_id: int, hash_: str, at: str, chain: str) -> dict:
    body = {"record_id": record_id, "hash": hash_, "at": at}
    if chain != PLATFORM_CHAIN:  # lines of the platform chain keep their older form
        body["chain"] = chain
    return body


def checkpoint_file() -> Path:
    return Path(settings.MOTCUA_AUDIT_CHECKPOINT_DIR) / FILE_NAME


def read_checkpoints() -> list[Checkpoint]:
    """Every checkpoint of the file, oldest first; [] when there is none yet.

    Raises CheckpointError naming the line when one is malformed or its MAC does not
    verify with ``MOTCUA_AUDIT_KEY`` or a fallback (the file was edited).
    """
    path = checkpoint_file()
    if not path.exists():
        return []
    found = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
                mac = entry.pop("mac")
                body = _body(
                    int(entry["record_id"]),
                    str(entry["hash"]),
                    str(entry["at"]),
                    str(entry.get("chain", PLATFORM_CHAIN)),
                )
            except (ValueError, KeyError, TypeError, AttributeError):
                raise CheckpointError(
                    _("Dòng %(n)d của %(path)s không phải điểm kiểm tra hợp lệ.")
                    % {"n": number, "path": path}
                ) from None
            if not isinstance(mac, str) or not checkpoint_mac_is_valid(canonical_json(body), mac):
                raise CheckpointError(
                    _("Chữ ký của điểm kiểm tra dòng %(n)d trong %(path)s không hợp lệ.")
                    % {"n": number, "path": path}
                )
            found.append(Checkpoint(**{"chain": PLATFORM_CHAIN, **body}))
    return found


def write_checkpoint() -> tuple[Checkpoint | None, VerifyResult]:
    """Verify the records written since the last checkpoints, then sign and append the heads.

    One line per chain whose head moved since its last checkpoint. Returns (the newest
    of the new checkpoints, or None when nothing was written since the last ones or the
    trail is empty; the verification). Raises CheckpointError when the file or a chain
    is broken: a broken chain is never signed.
    """
    last: dict[str, Checkpoint] = {}
    for checkpoint in read_checkpoints():
        last[checkpoint.chain] = checkpoint
    result = verify_chain(since={name: (c.record_id, c.hash) for name, c in last.items()})
    if not result.ok:
        raise CheckpointError(
            _("Không ghi điểm kiểm tra: phát hiện sai lệch tại bản ghi #%(id)s: %(reason)s")
            % {"id": result.first_broken_id, "reason": result.reason}
        )
    at = timezone.now().isoformat(timespec="seconds")
    lines, written = [], []
    for name, (record_id, hash_) in sorted(result.heads.items(), key=lambda item: item[1][0]):
        if name in last and last[name].record_id == record_id:
            continue
        body = _body(record_id, hash_, at, name)
        text = canonical_json(body)
        lines.append(canonical_json({**body, "mac": checkpoint_mac(text)}) + "\n")
        written.append(Checkpoint(record_id, hash_, at, name))
    if not lines:
        return None, result
    path = checkpoint_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    # Append-only: O_APPEND writes whole lines at the end, even with two writers.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o640)
    try:
        os.write(descriptor, "".join(lines).encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    return written[-1], result
