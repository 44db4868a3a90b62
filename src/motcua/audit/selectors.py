"""Reading the audit trail."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import GENESIS_HASH, AuditRecord

CHUNK_SIZE = 2000


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of walking the chain.

    ``checked`` counts the records looked at, the broken one included; ``reason`` is
    Vietnamese, for the operator; ``last_hash`` is the newest intact record's hash, to
    be kept outside the database (the chain alone cannot show a cut-off tail).
    """

    ok: bool
    checked: int
    first_broken_id: int | None = None
    reason: str = ""
    last_hash: str = GENESIS_HASH


def verify_chain() -> VerifyResult:
    """Recompute every record's hash in id order and check that each points at the one before.

    Streams the table in chunks, so it runs in constant memory on millions of rows.
    Reports the first broken record: one whose content no longer matches its hash
    (edited), or whose ``prev_hash`` is not the previous record's hash (a record before
    it was deleted, inserted or moved). Raises nothing; database errors propagate.
    """
    expected_prev = GENESIS_HASH
    checked = 0
    records = AuditRecord.objects.order_by("id").iterator(chunk_size=CHUNK_SIZE)
    for entry in records:
        checked += 1
        if entry.compute_hash() != entry.hash:
            return VerifyResult(
                False,
                checked,
                entry.pk,
                _("nội dung bản ghi đã bị sửa (mã băm không khớp với nội dung)"),
                expected_prev,
            )
        if entry.prev_hash != expected_prev:
            return VerifyResult(
                False,
                checked,
                entry.pk,
                _(
                    "liên kết với bản ghi liền trước bị đứt (có bản ghi trước nó "
                    "đã bị xoá, chèn thêm hoặc đổi thứ tự)"
                ),
                expected_prev,
            )
        expected_prev = entry.hash
    return VerifyResult(True, checked, None, "", expected_prev)
