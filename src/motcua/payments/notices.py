"""The log of every exchange with a gateway, receipt numbers and the payment audit records."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from motcua.audit.services import record

from .models import Payment, PaymentNotice, ReceiptCounter, RejectedNotice

Verdict = PaymentNotice.Verdict
log = logging.getLogger(__name__)


def _safe_params(params: Mapping[str, Any] | None) -> dict[str, str]:
    """What is stored of a message: its parameters as text, nothing named like a secret."""
    if not params:
        return {}
    return {
        str(key)[:100]: str(value)[:500]
        for key, value in list(params.items())[:60]
        if "secret" not in str(key).lower() and "password" not in str(key).lower()
    }


def log_notice(
    channel: str,
    verdict: str,
    *,
    gateway: str,
    payment: Payment | None = None,
    txn_ref: str = "",
    params: Mapping[str, Any] | None = None,
    reason: str = "",
    code: str = "",
) -> PaymentNotice:
    return PaymentNotice.objects.create(
        payment=payment,
        gateway=gateway,
        channel=channel,
        txn_ref=(txn_ref or (payment.txn_ref if payment else ""))[:100],
        received_at=timezone.now(),
        params=_safe_params(params),
        verdict=verdict,
        reason=str(reason)[:500],
        response_code=code[:10],
    )


@transaction.atomic
def reject_notice(
    channel: str,
    verdict: str,
    *,
    gateway: str,
    payment: Payment | None,
    txn_ref: str,
    params: Mapping[str, Any] | None,
    reason: str,
) -> PaymentNotice:
    """Log a notice that must not change anything; forged and wrong amounts are audited."""
    notice = log_notice(
        channel,
        verdict,
        gateway=gateway,
        payment=payment,
        txn_ref=txn_ref,
        params=params,
        reason=reason,
    )
    if verdict in {Verdict.FORGED, Verdict.WRONG_AMOUNT}:
        record(
            "payment.notice_rejected",
            obj=notice,
            agency_id=payment.dossier.agency_id if payment else None,
            data={"channel": channel, "verdict": verdict, "txn_ref": notice.txn_ref},
        )
    return notice


def note_rejected(
    channel: str, verdict: str, *, gateway: str, source: str, txn_ref: str = ""
) -> None:
    """Count a notice nobody vouches for (a wrong signature) in the day's row of its
    source, channel and verdict: no notice row, no audit record, so a flood of forged
    notices costs one row a day per source (``RejectedNotice``, pruned after
    ``MOTCUA_PAYMENT_REJECTED_KEEP_DAYS``). The increment is one UPDATE, so concurrent
    notices are all counted."""
    now = timezone.now()
    key = {
        "day": timezone.localdate(now),
        "source": (source or "")[:45],
        "gateway": gateway[:20],
        "channel": channel,
        "verdict": verdict,
    }
    bump = {"count": F("count") + 1, "last_seen": now, "last_txn_ref": (txn_ref or "")[:100]}
    if RejectedNotice.objects.filter(**key).update(**bump):
        return
    try:
        with transaction.atomic():
            RejectedNotice.objects.create(
                **key, count=1, first_seen=now, last_seen=now, last_txn_ref=bump["last_txn_ref"]
            )
    except IntegrityError:  # another notice of the same source created the row first
        RejectedNotice.objects.filter(**key).update(**bump)
        return
    log.warning("payment notice rejected (%s, %s) from %s", channel, verdict, key["source"])


def prune_rejected(now: dt.datetime | None = None) -> int:
    """Delete the rejected-notice counts older than ``MOTCUA_PAYMENT_REJECTED_KEEP_DAYS``;
    returns how many rows went."""
    keep = settings.MOTCUA_PAYMENT_REJECTED_KEEP_DAYS
    cutoff = timezone.localdate(now or timezone.now()) - dt.timedelta(days=keep)
    deleted, _ = RejectedNotice.objects.filter(day__lt=cutoff).delete()
    return deleted


def next_receipt_number(moment: dt.datetime) -> str:
    """Allocate the next receipt number of ``moment``'s year (call inside a transaction).

    The counter row is locked by the UPDATE, so concurrent payments get distinct numbers
    on PostgreSQL; SQLite serialises writers anyway.
    """
    year = timezone.localtime(moment).year
    ReceiptCounter.objects.get_or_create(year=year)
    ReceiptCounter.objects.filter(year=year).update(value=F("value") + 1)
    value = ReceiptCounter.objects.get(year=year).value
    return f"{settings.MOTCUA_PAYMENT_RECEIPT_PREFIX}{year}-{value:06d}"


def audit_paid(payment: Payment, by, channel: str) -> None:
    record(
        "payment.applied",
        actor=by,
        obj=payment,
        agency_id=payment.dossier.agency_id,
        data={
            "code": payment.dossier.code,
            "txn_ref": payment.txn_ref,
            "gateway": payment.gateway,
            "channel": channel,
            "amount_vnd": payment.amount_vnd,
            "receipt_number": payment.receipt_number,
            "gateway_transaction_no": payment.gateway_transaction_no,
        },
    )
