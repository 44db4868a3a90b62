"""The log of every exchange with a gateway, receipt numbers and the payment audit records."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from motcua.audit.services import record

from .models import Payment, PaymentNotice, ReceiptCounter

Verdict = PaymentNotice.Verdict


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
