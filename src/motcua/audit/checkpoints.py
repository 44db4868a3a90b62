"""Signed checkpoints of the audit chain, kept outside the database.

``audit_checkpoint`` (scheduled by beat) appends one JSON line per run to
``MOTCUA_AUDIT_CHECKPOINT_DIR/checkpoints.jsonl``: the newest record's id and hash,
when, and an HMAC-SHA256 of all that with ``MOTCUA_AUDIT_KEY``. The file is written by
the application, never by the database, and is meant to be shipped to storage the
database's administrators cannot write. ``verify_audit`` checks each line's MAC and
that the chain still holds that hash at that id, so a chain recomputed in the database
or cut short no longer verifies, even for records written before the key existed.
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
from .models import canonical_json
from .selectors import VerifyResult, verify_chain

FILE_NAME = "checkpoints.jsonl"


class CheckpointError(Exception):
    """A checkpoint line is malformed or its MAC is wrong, or the chain is broken."""


@dataclass(frozen=True)
class Checkpoint:
    record_id: int
    hash: str
    at: str


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
                body = {"record_id": int(entry["record_id"]), "hash": str(entry["hash"])}
                body["at"] = str(entry["at"])
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
            found.append(Checkpoint(**body))
    return found


def write_checkpoint() -> tuple[Checkpoint | None, VerifyResult]:
    """Verify the records written since the last checkpoint, then sign and append the head.

    Returns (the new checkpoint, or None when nothing was written since the last one or
    the trail is empty; the verification). Raises CheckpointError when the file or the
    chain is broken: a broken chain is never signed.
    """
    previous = read_checkpoints()
    last = previous[-1] if previous else None
    result = verify_chain(since=(last.record_id, last.hash) if last else None)
    if not result.ok:
        raise CheckpointError(
            _("Không ghi điểm kiểm tra: phát hiện sai lệch tại bản ghi #%(id)s: %(reason)s")
            % {"id": result.first_broken_id, "reason": result.reason}
        )
    if result.last_id is None or (last and result.last_id == last.record_id):
        return None, result
    body = {
        "record_id": result.last_id,
        "hash": result.last_hash,
        "at": timezone.now().isoformat(timespec="seconds"),
    }
    text = canonical_json(body)
    line = canonical_json({**body, "mac": checkpoint_mac(text)}) + "\n"
    path = checkpoint_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    # Append-only: O_APPEND writes a whole line at the end, even with two writers.
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o640)
    try:
        os.write(descriptor, line.encode())
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    return Checkpoint(**body), result
