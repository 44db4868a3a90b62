"""Reading the audit trail."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .keys import record_mac_is_valid
from .models import GENESIS_HASH, AuditRecord

CHUNK_SIZE = 2000


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of walking the chain.

    ``checked`` counts the records looked at, the broken one included; ``reason`` is
    Vietnamese, for the operator; ``last_id``/``last_hash`` name the newest intact
    record (what ``audit_checkpoint`` signs); ``legacy`` counts the unkeyed records
    written before ``MOTCUA_AUDIT_KEY`` existed.
    """

    ok: bool
    checked: int
    first_broken_id: int | None = None
    reason: str = ""
    last_hash: str = GENESIS_HASH
    last_id: int | None = None
    legacy: int = 0


def verify_chain(
    *,
    since: tuple[int, str] | None = None,
    checkpoints: dict[int, str] | None = None,
) -> VerifyResult:
    """Recompute every record's hash and MAC in id order and check each link.

    Streams the table in chunks, so it runs in constant memory on millions of rows.
    Reports the first broken record: one whose content no longer matches its hash
    (edited), whose ``prev_hash`` is not the previous record's hash (a record before it
    was deleted, inserted or moved), whose MAC is not the one ``MOTCUA_AUDIT_KEY`` gives
    (the chain was recomputed outside the application), which has no MAC after a keyed
    record, or whose hash differs from a checkpoint kept outside the database
    (``checkpoints``: record id → hash). A checkpointed record that is gone (the newest
    records cut off) breaks too. ``since`` = (id, hash) of a checkpoint starts the walk
    after that record, which must still carry that hash. Raises nothing; database
    errors propagate.
    """
    checkpoints = dict(checkpoints or {})
    expected_prev, last_id, keyed_seen = GENESIS_HASH, None, False
    records = AuditRecord.objects.order_by("id")
    if since is not None:
        since_id, since_hash = since
        anchor = AuditRecord.objects.filter(pk=since_id).first()
        if anchor is None or anchor.hash != since_hash:
            return VerifyResult(False, 0, since_id, _gone_or_changed(), GENESIS_HASH)
        expected_prev, last_id, keyed_seen = anchor.hash, anchor.pk, bool(anchor.mac)
        records = records.filter(pk__gt=since_id)
    checked = legacy = 0
    for entry in records.iterator(chunk_size=CHUNK_SIZE):
        checked += 1
        reason = _problem(entry, expected_prev, keyed_seen, checkpoints.pop(entry.pk, None))
        if reason:
            return VerifyResult(False, checked, entry.pk, reason, expected_prev, last_id, legacy)
        keyed_seen = keyed_seen or bool(entry.mac)
        legacy += not entry.mac
        expected_prev, last_id = entry.hash, entry.pk
    missing = [pk for pk in checkpoints if since is None or pk > since[0]]
    if missing:
        return VerifyResult(
            False, checked, min(missing), _gone_or_changed(), expected_prev, last_id, legacy
        )
    return VerifyResult(True, checked, None, "", expected_prev, last_id, legacy)


def _gone_or_changed() -> str:
    return _(
        "bản ghi đã được ghi nhận ở điểm kiểm tra lưu ngoài cơ sở dữ liệu nhưng nay "
        "không còn hoặc đã khác (bị xoá, cắt bớt hoặc tạo lại)"
    )


def _problem(entry: AuditRecord, expected_prev: str, keyed_seen: bool, checkpoint) -> str:
    if entry.compute_hash() != entry.hash:
        return _("nội dung bản ghi đã bị sửa (mã băm không khớp với nội dung)")
    if entry.prev_hash != expected_prev:
        return _(
            "liên kết với bản ghi liền trước bị đứt (có bản ghi trước nó "
            "đã bị xoá, chèn thêm hoặc đổi thứ tự)"
        )
    if entry.mac and not record_mac_is_valid(entry.hash, entry.mac):
        return _(
            "mã xác thực (HMAC) không khớp: bản ghi đã bị sửa và chuỗi mã băm được tính "
            "lại bên ngoài ứng dụng"
        )
    if not entry.mac and keyed_seen:
        return _("bản ghi thiếu mã xác thực dù các bản ghi trước nó đã có (bị sửa hoặc chèn)")
    if checkpoint is not None and checkpoint != entry.hash:
        return _gone_or_changed()
    return ""
