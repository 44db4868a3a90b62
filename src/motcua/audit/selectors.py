"""Reading the audit trail."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from .keys import record_mac_is_valid
from .models import GENESIS_HASH, PLATFORM_CHAIN, AuditRecord

CHUNK_SIZE = 2000


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of walking the chains.

    ``checked`` counts the records looked at, the broken one included; ``reason`` is
    Vietnamese, for the operator; ``last_id``/``last_hash`` name the newest intact
    record of the chain walked last; ``heads`` maps each chain walked to the (id, hash)
    of its newest intact record (what ``audit_checkpoint`` signs); ``legacy`` counts the
    unkeyed records written before ``MOTCUA_AUDIT_KEY`` existed.
    """

    ok: bool
    checked: int
    first_broken_id: int | None = None
    reason: str = ""
    last_hash: str = GENESIS_HASH
    last_id: int | None = None
    legacy: int = 0
    heads: dict[str, tuple[int, str]] = field(default_factory=dict, compare=False)
    broken_chain: str | None = field(default=None, compare=False)


Since = dict[str, tuple[int, str]] | tuple[int, str] | None


def verify_chain(*, since: Since = None, checkpoints: dict[int, str] | None = None) -> VerifyResult:
    """Recompute every record's hash and MAC, chain by chain in id order, and check each link.

    Streams the table in chunks (ordered by chain and id), so it runs in constant
    memory on millions of rows. Reports the first broken record: one whose content no
    longer matches its hash (edited, or moved to another chain), whose ``prev_hash`` is
    not the hash of the previous record of its chain (a record before it was deleted,
    inserted or moved), whose MAC is not the one ``MOTCUA_AUDIT_KEY`` gives (the chain
    was recomputed outside the application), which has no MAC after a keyed record of
    its chain, or whose hash differs from a checkpoint kept outside the database
    (``checkpoints``: record id → hash). A checkpointed record that is gone (the newest
    records cut off) breaks too. ``since`` = {chain: (id, hash)} of the last checkpoints
    (a bare (id, hash) means the platform chain) starts each of those chains' walk after
    that record, which must still carry that hash. Raises nothing; database errors
    propagate.
    """
    checkpoints = dict(checkpoints or {})
    if isinstance(since, tuple):
        since = {PLATFORM_CHAIN: since}
    since = dict(since or {})
    starts: dict[str, tuple[str, int | None, bool]] = {}
    for name, (since_id, since_hash) in since.items():
        anchor = AuditRecord.objects.filter(pk=since_id).first()
        if anchor is None or anchor.hash != since_hash or anchor.chain != name:
            return VerifyResult(False, 0, since_id, _gone_or_changed(), broken_chain=name)
        starts[name] = (anchor.hash, anchor.pk, bool(anchor.mac))
    records = AuditRecord.objects.order_by("chain", "id")
    if starts:
        skip = Q()
        for name, (_hash, anchor_id, _keyed) in starts.items():
            skip |= Q(chain=name, pk__lte=anchor_id)
        records = records.exclude(skip)
    checked = legacy = 0
    heads: dict[str, tuple[int, str]] = {
        name: (anchor_id, anchor_hash) for name, (anchor_hash, anchor_id, _k) in starts.items()
    }
    current, expected_prev, last_id, keyed_seen = None, GENESIS_HASH, None, False
    for entry in records.iterator(chunk_size=CHUNK_SIZE):
        if entry.chain != current:
            current = entry.chain
            expected_prev, last_id, keyed_seen = starts.get(current, (GENESIS_HASH, None, False))
        checked += 1
        reason = _problem(entry, expected_prev, keyed_seen, checkpoints.pop(entry.pk, None))
        if reason:
            return VerifyResult(
                False, checked, entry.pk, reason, expected_prev, last_id, legacy, heads, current
            )
        keyed_seen = keyed_seen or bool(entry.mac)
        legacy += not entry.mac
        expected_prev, last_id = entry.hash, entry.pk
        heads[current] = (last_id, expected_prev)
    floor = max((anchor_id for _h, anchor_id, _k in starts.values()), default=None)
    missing = [pk for pk in checkpoints if floor is None or pk > floor]
    if missing:
        return VerifyResult(
            False, checked, min(missing), _gone_or_changed(), expected_prev, last_id, legacy, heads
        )
    return VerifyResult(True, checked, None, "", expected_prev, last_id, legacy, heads)


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
