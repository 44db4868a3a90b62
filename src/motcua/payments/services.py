"""Use cases of fee payment. Each write runs in one transaction; gateway calls never do.

The rules that keep the money right:

- Only the gateway's own word applies a payment: a signed IPN, or the answer to a
  server-to-server query. The browser's return is signed too, but a success it reports
  is checked with a query before anything is applied.
- ``apply`` happens exactly once per payment: the dossier row, then the payment row,
  are locked and the status re-read; a second notice is logged as a duplicate.
- A genuine success is applied whatever the payment's state (expired, cancelled): the
  money was taken. If the fee was already paid, or the dossier has been refused, the
  new payment is refunded.
- Every message from or to the gateway is logged as a ``PaymentNotice`` with its verdict.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from motcua.dossiers.models import Dossier, Status
from motcua.dossiers.services import record_fee_payment

from .exceptions import NothingDue, PaymentError
from .gateways import GatewayError, GatewayResult, InvalidSignature, Outcome, get_gateway
from .models import COUNTER, Payment, PaymentNotice, Refund
from .notices import (
    audit_paid,
    log_notice,
    next_receipt_number,
    note_rejected,
    prune_rejected,
    reject_notice,
)
from .refunds import (  # noqa: F401  (part of this module's public API)
    complete_counter_refund,
    open_refund,
    refund_refused_dossier,
    run_refund,
)

log = logging.getLogger(__name__)

Verdict = PaymentNotice.Verdict
Channel = PaymentNotice.Channel

# A dossier's fee can be paid online from submission until the result is issued.
ONLINE_PAYABLE = frozenset(
    {
        Status.SUBMITTED,
        Status.RECEIVED,
        Status.IN_PROCESS,
        Status.WAITING_SUPPLEMENT,
        Status.APPROVED,
        Status.RESULT_ISSUED,
    }
)
# At the desk also when the result is handed over.
COUNTER_PAYABLE = ONLINE_PAYABLE | {Status.RETURNED}


# --- Starting a payment --------------------------------------------------------------------


def _check_payable(dossier: Dossier, statuses: frozenset[str]) -> None:
    if not dossier.fee_vnd:
        raise NothingDue()
    if dossier.fee_paid_at is not None:
        raise PaymentError(
            _("Phí, lệ phí của hồ sơ này đã được nộp ngày %(day)s.")
            % {"day": date_format(timezone.localtime(dossier.fee_paid_at), "d/m/Y")},
            code="already_paid",
        )
    if dossier.status not in statuses:
        raise PaymentError(
            _("Hồ sơ đang ở trạng thái “%(status)s” nên không thể nộp phí, lệ phí.")
            % {"status": dossier.get_status_display()},
            code="not_payable",
        )


def is_payable_online(dossier: Dossier) -> bool:
    """Whether the citizen may start an online payment of ``dossier`` now."""
    try:
        _check_payable(dossier, ONLINE_PAYABLE)
    except PaymentError:
        return False
    return True


def start_online_payment(
    dossier: Dossier, by, return_url: str, client_ip: str
) -> tuple[Payment, str]:
    """Open an online payment of the dossier's fee and return it with the gateway URL.

    ``return_url`` is where the gateway sends the browser back (``payments:return``).
    Raises PaymentError (Vietnamese message) when nothing is due, the fee is already
    paid or the dossier's status does not allow payment.
    """
    gateway = get_gateway()
    with transaction.atomic():
        locked = Dossier.objects.select_for_update(of=("self",)).get(pk=dossier.pk)
        _check_payable(locked, ONLINE_PAYABLE)
        now = timezone.now()
        payment = Payment.objects.create(
            dossier=locked,
            gateway=gateway.name,
            amount_vnd=locked.fee_vnd,
            online=True,
            created_at=now,
            expires_at=now + dt.timedelta(minutes=settings.MOTCUA_PAYMENT_EXPIRE_MINUTES),
            # VNPay asks for Vietnamese without diacritics here.
            order_info=f"Nop phi le phi ho so {locked.code or locked.public_id}",
            created_by=by,
        )
    return payment, gateway.redirect_url(payment, return_url=return_url, client_ip=client_ip)


# --- Applying what the gateway says ------------------------------------------------------


def apply(payment: Payment, result: GatewayResult, *, channel: str = Channel.QUERY, by=None) -> str:
    """Record a verified success of ``payment`` exactly once; returns the verdict.

    ``result`` must come from the gateway itself (a verified IPN or query answer);
    ``channel`` says which, for the log. Returns
    ``applied`` the first time (receipt number, ``record_fee_payment(online=True)``),
    ``duplicate`` afterwards, ``wrong_amount`` when the amount differs (nothing changes).
    """
    refund = None
    with transaction.atomic():
        # Dossier first, then payment: the order every writer of both rows follows.
        dossier = Dossier.objects.select_for_update(of=("self",)).get(pk=payment.dossier_id)
        locked = Payment.objects.select_for_update(of=("self",)).get(pk=payment.pk)
        locked.dossier = dossier
        if locked.status == Payment.Status.PAID:
            log_notice(
                channel,
                Verdict.DUPLICATE,
                gateway=locked.gateway,
                payment=locked,
                params=result.params,
                reason=_("Khoản thanh toán đã được ghi nhận trước đó; không ghi nhận lại."),
                code=result.code,
            )
            return Verdict.DUPLICATE
        if result.amount_vnd != locked.amount_vnd:
            verdict = Verdict.WRONG_AMOUNT
        else:
            now = timezone.now()
            fee_already_paid = dossier.fee_paid_at is not None
            locked.status = Payment.Status.PAID
            locked.paid_at = result.paid_at or now
            locked.closed_at = now
            locked.gateway_transaction_no = result.transaction_no[:40]
            locked.bank_code = result.bank_code[:20]
            locked.receipt_number = next_receipt_number(locked.paid_at)
            locked.save()
            record_fee_payment(dossier, online=locked.online, by=by, at=locked.paid_at)
            if fee_already_paid:
                refund = open_refund(locked, Refund.Reason.DUPLICATE, by)
            elif dossier.status == Status.REFUSED:
                refund = open_refund(locked, Refund.Reason.REFUSED, by)
            elif dossier.status in (Status.STOPPED, Status.WITHDRAWN):
                # Paid late, once the applicant withdrew or stopped: nothing to pay for.
                refund = open_refund(locked, Refund.Reason.ENDED, by)
            log_notice(
                channel,
                Verdict.APPLIED,
                gateway=locked.gateway,
                payment=locked,
                params=result.params,
                reason=_("Đã ghi nhận thanh toán, biên lai số %(number)s.")
                % {"number": locked.receipt_number},
                code=result.code,
            )
            audit_paid(locked, by, channel)
            verdict = Verdict.APPLIED
    if verdict == Verdict.WRONG_AMOUNT:
        _reject_amount(locked, result, channel)
    payment.refresh_from_db()
    if refund is not None:
        log.info("payment %s paid twice or after refusal: refund %s opened", payment.pk, refund.pk)
    return verdict


def _reject_amount(payment: Payment, result: GatewayResult, channel: str) -> str:
    reject_notice(
        channel,
        Verdict.WRONG_AMOUNT,
        gateway=payment.gateway,
        payment=payment,
        txn_ref=payment.txn_ref,
        params=result.params,
        reason=_("Số tiền %(given)s đồng không khớp số phải nộp %(due)s đồng.")
        % {"given": result.amount_vnd, "due": payment.amount_vnd},
    )
    return Verdict.WRONG_AMOUNT


def _close(payment: Payment, result: GatewayResult, channel: str) -> str:
    """A verified failure or cancellation: a pending payment ends; anything else is unchanged."""
    failed = result.outcome == Outcome.FAILED
    verdict = Verdict.FAILED if failed else Verdict.CANCELLED
    with transaction.atomic():
        locked = Payment.objects.select_for_update(of=("self",)).get(pk=payment.pk)
        if locked.status == Payment.Status.PENDING:
            locked.status = Payment.Status.FAILED if failed else Payment.Status.CANCELLED
            locked.closed_at = timezone.now()
            locked.save(update_fields=["status", "closed_at"])
            reason = result.message
        else:
            verdict = Verdict.DUPLICATE
            reason = _("Khoản thanh toán đã kết thúc (%(status)s); không thay đổi.") % {
                "status": locked.get_status_display()
            }
        log_notice(
            channel,
            verdict,
            gateway=locked.gateway,
            payment=locked,
            params=result.params,
            reason=reason,
            code=result.code,
        )
    payment.refresh_from_db()
    return verdict


def _settle(payment: Payment, result: GatewayResult, channel: str) -> str:
    """Act on a verified statement about ``payment``; returns the verdict."""
    if result.amount_vnd != payment.amount_vnd:
        return _reject_amount(payment, result, channel)
    if result.outcome == Outcome.PAID:
        return apply(payment, result, channel=channel)
    if result.outcome in {Outcome.FAILED, Outcome.CANCELLED}:
        return _close(payment, result, channel)
    log_notice(
        channel,
        Verdict.PENDING,
        gateway=payment.gateway,
        payment=payment,
        params=result.params,
        reason=result.message,
        code=result.code,
    )
    return Verdict.PENDING


def _verified(channel: str, params: Mapping[str, Any], gateway_name: str | None, source: str):
    """(gateway, result, payment) of a return/IPN message, or the verdict that rejected it.

    A wrong signature is only counted (``note_rejected``, per source and day): anyone
    can send one, so it is neither a notice of the payment nor an audited event.
    """
    gateway = get_gateway(gateway_name)
    txn_ref = gateway.txn_ref_of(params)
    try:
        result = gateway.parse_notice(params)
    except InvalidSignature:
        note_rejected(channel, Verdict.FORGED, gateway=gateway.name, source=source, txn_ref=txn_ref)
        return gateway, None, Verdict.FORGED
    known = Payment.objects.filter(txn_ref=txn_ref, gateway=gateway.name).first()
    if known is None:
        reject_notice(
            channel,
            Verdict.UNKNOWN_ORDER,
            gateway=gateway.name,
            payment=None,
            txn_ref=txn_ref,
            params=params,
            reason=_("Không có khoản thanh toán nào mang mã giao dịch này."),
        )
        return gateway, None, Verdict.UNKNOWN_ORDER
    return gateway, result, known


def handle_ipn(
    params: Mapping[str, Any], gateway_name: str | None = None, *, source: str = ""
) -> tuple[str, str]:
    """Act on the gateway's server-to-server notice from address ``source``; returns
    (code, message) to answer with.

    With VNPay: 00 confirmed, 02 already confirmed, 01 order not found, 04 invalid
    amount, 97 invalid signature, 99 unknown error. Never raises.
    """
    gateway = get_gateway(gateway_name)
    try:
        gateway, result, found = _verified(Channel.IPN, params, gateway_name, source)
        if result is None:
            return gateway.ipn_reply(found)
        return gateway.ipn_reply(_settle(found, result, Channel.IPN))
    except Exception:
        log.exception("IPN %s could not be handled", gateway.txn_ref_of(params))
        return gateway.ipn_reply("error")


def query_and_settle(payment: Payment) -> tuple[str, str]:
    """Ask the gateway about ``payment`` and act on the answer; returns (verdict, outcome).

    The outcome is ``unreachable`` when the gateway gave no usable answer.
    """
    gateway = get_gateway(payment.gateway)
    Payment.objects.filter(pk=payment.pk).update(last_checked_at=timezone.now())
    try:
        result = gateway.query(payment)
    except GatewayError as failure:
        verdict = Verdict.FORGED if isinstance(failure, InvalidSignature) else Verdict.ERROR
        reject_notice(
            Channel.QUERY,
            verdict,
            gateway=gateway.name,
            payment=payment,
            txn_ref=payment.txn_ref,
            params=failure.params,
            reason=failure.message,
        )
        return verdict, "unreachable"
    if result.outcome == Outcome.UNKNOWN:
        log_notice(
            Channel.QUERY,
            Verdict.PENDING,
            gateway=gateway.name,
            payment=payment,
            params=result.params,
            reason=result.message,
            code=result.code,
        )
        return Verdict.PENDING, result.outcome
    return _settle(payment, result, Channel.QUERY), result.outcome


def handle_return(
    params: Mapping[str, Any], gateway_name: str | None = None, *, source: str = ""
) -> Payment | None:
    """Read the result the browser brings back; returns the payment, or None when invalid.

    A success is applied only once the gateway confirms it to a server-to-server query
    (done here once when the payment is not yet paid); failures and cancellations,
    being signed, end a pending payment.
    """
    gateway, result, found = _verified(Channel.RETURN, params, gateway_name, source)
    if result is None:
        return None
    payment = found
    if result.amount_vnd != payment.amount_vnd:
        _reject_amount(payment, result, Channel.RETURN)
        return None
    if result.outcome != Outcome.PAID:
        _close(payment, result, Channel.RETURN)
        return payment
    if payment.status == Payment.Status.PAID:
        log_notice(
            Channel.RETURN,
            Verdict.DUPLICATE,
            gateway=gateway.name,
            payment=payment,
            params=result.params,
            reason=_("Khoản thanh toán đã được ghi nhận trước đó."),
            code=result.code,
        )
        return payment
    log_notice(
        Channel.RETURN,
        Verdict.UNCONFIRMED,
        gateway=gateway.name,
        payment=payment,
        params=result.params,
        reason=_("Trình duyệt báo thành công; đang tra cứu cổng thanh toán để xác nhận."),
        code=result.code,
    )
    query_and_settle(payment)
    payment.refresh_from_db()
    return payment


# --- Cash at the desk ------------------------------------------------------------------


def record_counter_payment(dossier: Dossier, by, at: dt.datetime | None = None) -> Payment:
    """Record the fee paid in cash at the desk, with its receipt number.

    Raises PaymentError when nothing is due, the fee is already paid or the dossier's
    status does not allow payment.
    """
    with transaction.atomic():
        locked = Dossier.objects.select_for_update(of=("self",)).get(pk=dossier.pk)
        _check_payable(locked, COUNTER_PAYABLE)
        now = timezone.now()
        paid_at = at or now
        payment = Payment.objects.create(
            dossier=locked,
            gateway=COUNTER,
            amount_vnd=locked.fee_vnd,
            online=False,
            status=Payment.Status.PAID,
            created_at=now,
            paid_at=paid_at,
            closed_at=now,
            order_info=f"Nop phi le phi ho so {locked.code}",
            receipt_number=next_receipt_number(paid_at),
            created_by=by,
        )
        record_fee_payment(locked, online=False, by=by, at=paid_at)
        audit_paid(payment, by, "counter")
    dossier.fee_paid_at, dossier.fee_paid_online = locked.fee_paid_at, False
    return payment


# --- Reconciliation ------------------------------------------------------------------------


@dataclass
class ReconcileReport:
    checked: int = 0
    applied: int = 0
    failed: int = 0
    expired: int = 0
    still_pending: int = 0
    unreachable: int = 0
    refunds_done: int = 0
    refunds_pending: int = 0
    refunds_failed: int = 0


def _expire(payment: Payment, reason: str | None = None, *, asked: bool = True) -> bool:
    """Pending → expired. ``asked``: the gateway was just asked (``reconcile``); an
    attempt expired without asking is asked about once later (``_unchecked_expired``)."""
    now = timezone.now()
    changes = {"status": Payment.Status.EXPIRED, "closed_at": now}
    if asked:
        changes["last_checked_at"] = now
    with transaction.atomic():
        updated = Payment.objects.filter(pk=payment.pk, status=Payment.Status.PENDING).update(
            **changes
        )
        if updated:
            log_notice(
                Channel.QUERY,
                Verdict.EXPIRED,
                gateway=payment.gateway,
                payment=payment,
                reason=reason
                or _("Quá hạn thanh toán mà cổng thanh toán không ghi nhận giao dịch."),
            )
    return bool(updated)


# An attempt expired without asking the gateway is asked about once within this time
# (``reconcile``): a success whose notice was lost is still applied.
EXPIRED_RECHECK = dt.timedelta(days=1)


def expire_abandoned(*, dossier: Dossier | None = None, now: dt.datetime | None = None) -> int:
    """Mark expired the online attempts still pending past their expiry (``expires_at``,
    ``MOTCUA_PAYMENT_EXPIRE_MINUTES`` after they started, the ``vnp_ExpireDate`` sent to
    the gateway, which refuses to take the money after it): the citizen left the
    gateway's page. Run on read (the citizen's dossier page and receipt, for one
    dossier) and by ``reconcile``. An expired attempt is not shown as pending, a new one
    can start, and a genuine success the gateway reports later is still applied
    (``apply``); ``reconcile`` asks the gateway once about attempts expired this way.
    Returns how many were marked."""
    now = now or timezone.now()
    stale = Payment.objects.filter(
        status=Payment.Status.PENDING, online=True, expires_at__lte=now
    ).order_by("created_at")
    if dossier is not None:
        stale = stale.filter(dossier=dossier)
    reason = _("Quá hạn thanh toán; người nộp chưa hoàn tất giao dịch tại cổng thanh toán.")
    return sum(_expire(payment, reason, asked=False) for payment in stale[:500])


def _unchecked_expired(now: dt.datetime):
    """Attempts expired without a question to the gateway since, within a day."""
    return Payment.objects.filter(
        status=Payment.Status.EXPIRED, online=True, closed_at__gte=now - EXPIRED_RECHECK
    ).filter(models.Q(last_checked_at__isnull=True) | models.Q(last_checked_at__lt=F("closed_at")))


def reconcile(now: dt.datetime | None = None, *, limit: int = 500) -> ReconcileReport:
    """Settle what the notices left open, asking the gateway server to server.

    Online payments pending for ``MOTCUA_PAYMENT_RECONCILE_AFTER_S`` are queried: paid →
    applied, failed → failed, unknown or unfinished past their expiry → expired (an
    unreachable gateway leaves them pending). Pending gateway refunds are retried.
    """
    now = now or timezone.now()
    report = ReconcileReport()
    cutoff = now - dt.timedelta(seconds=settings.MOTCUA_PAYMENT_RECONCILE_AFTER_S)
    pending = Payment.objects.filter(
        status=Payment.Status.PENDING, online=True, created_at__lte=cutoff
    ).select_related("dossier")
    for payment in pending.order_by("created_at")[:limit]:
        report.checked += 1
        verdict, outcome = query_and_settle(payment)
        if verdict == Verdict.APPLIED:
            report.applied += 1
        elif verdict in {Verdict.FAILED, Verdict.CANCELLED}:
            report.failed += 1
        elif outcome == "unreachable":
            report.unreachable += 1
        elif outcome in {Outcome.PENDING, Outcome.UNKNOWN} and (
            payment.expires_at is None or payment.expires_at <= now
        ):
            report.expired += _expire(payment)
        else:
            report.still_pending += 1
    # Abandoned attempts the gateway could not be asked about expire anyway; those
    # expired without asking (on read) are asked about once, to catch a lost notice.
    for payment in _unchecked_expired(now).order_by("closed_at")[:limit]:
        report.checked += 1
        if query_and_settle(payment)[0] == Verdict.APPLIED:
            report.applied += 1
    report.expired += expire_abandoned(now=now)
    refunds = Refund.objects.filter(status=Refund.Status.PENDING, at_counter=False)
    for refund_id in refunds.order_by("created_at").values_list("pk", flat=True)[:limit]:
        status = run_refund(refund_id).status
        if status == Refund.Status.DONE:
            report.refunds_done += 1
        elif status == Refund.Status.FAILED:
            report.refunds_failed += 1
        else:
            report.refunds_pending += 1
    return report


def prune_rejected_notices(now: dt.datetime | None = None) -> int:
    """Delete the daily counts of notices with a wrong signature older than
    ``MOTCUA_PAYMENT_REJECTED_KEEP_DAYS``; returns how many rows went."""
    return prune_rejected(now)
