"""Giving fees back: through the gateway after the commit (retried by ``reconcile``), or in
cash at the desk, completed by an officer."""

from __future__ import annotations

import logging
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.audit.services import record
from motcua.dossiers.models import Dossier

from .exceptions import PaymentError
from .gateways import GatewayError, get_gateway
from .models import Payment, PaymentNotice, Refund
from .notices import log_notice

log = logging.getLogger(__name__)

Verdict = PaymentNotice.Verdict
Channel = PaymentNotice.Channel


def open_refund(payment: Payment, reason: str, by) -> Refund:
    """Create the refund of ``payment`` (once) inside the caller's transaction; a gateway
    refund is sent after the commit, never inside the transaction."""
    refund, created = Refund.objects.get_or_create(
        payment=payment,
        defaults={
            "amount_vnd": payment.amount_vnd,
            "reason": reason,
            "at_counter": not payment.online,
            "created_at": timezone.now(),
            "created_by": by,
        },
    )
    if not created:
        return refund
    record(
        "payment.refund_requested",
        actor=by,
        obj=refund,
        agency_id=payment.dossier.agency_id,
        data={
            "code": payment.dossier.code,
            "receipt_number": payment.receipt_number,
            "amount_vnd": refund.amount_vnd,
            "reason": reason,
            "at_counter": refund.at_counter,
        },
    )
    if not refund.at_counter:
        transaction.on_commit(partial(_refund_quietly, refund.pk), robust=True)
    return refund


def _refund_quietly(refund_id: int) -> None:
    try:
        run_refund(refund_id)
    except Exception:  # after the commit nobody can act on it; reconcile retries
        log.exception("refund %s could not be sent", refund_id)


def refund_refused_dossier(dossier: Dossier, *, by=None) -> list[Refund]:
    """Open a refund of every paid, not yet refunded payment of a refused dossier.

    Called by the ``dossier_event`` receiver inside the refusal's transaction.
    """
    payments = Payment.objects.filter(
        dossier=dossier, status=Payment.Status.PAID, refund__isnull=True
    ).select_related("dossier")
    return [open_refund(payment, Refund.Reason.REFUSED, by) for payment in payments]


def run_refund(refund_id: int) -> Refund:
    """Send a pending gateway refund once and record the answer.

    A failure stays pending (``reconcile`` retries) until
    ``MOTCUA_PAYMENT_REFUND_MAX_ATTEMPTS`` attempts, then the refund is failed.
    """
    refund = Refund.objects.select_related("payment__dossier").get(pk=refund_id)
    if refund.status != Refund.Status.PENDING or refund.at_counter:
        return refund
    gateway = get_gateway(refund.payment.gateway)
    try:
        answer, error, params = gateway.refund(refund), "", {}
    except GatewayError as failure:
        answer, error, params = None, failure.message, failure.params
    if answer is not None:
        params = answer.params
        if not answer.ok:
            error = f"{answer.code} {answer.message}".strip()
    with transaction.atomic():
        locked = (
            Refund.objects.select_for_update(of=("self",))
            .select_related("payment__dossier")
            .get(pk=refund_id)
        )
        if locked.status != Refund.Status.PENDING:
            return locked
        now = timezone.now()
        locked.attempts += 1
        locked.last_attempt_at = now
        action = ""
        if not error:
            locked.status, locked.done_at = Refund.Status.DONE, now
            locked.reference, locked.last_error = answer.reference[:40], ""
            verdict, reason, action = Verdict.REFUNDED, _("Đã hoàn tiền."), "payment.refunded"
        else:
            locked.last_error = error[:500]
            verdict, reason = Verdict.REFUND_FAILED, error
            if locked.attempts >= settings.MOTCUA_PAYMENT_REFUND_MAX_ATTEMPTS:
                locked.status = Refund.Status.FAILED
                action = "payment.refund_failed"
        locked.save()
        log_notice(
            Channel.REFUND,
            verdict,
            gateway=locked.payment.gateway,
            payment=locked.payment,
            params=params,
            reason=reason,
            code=answer.code if answer else "",
        )
        if action:
            audit_refund(locked, action, None)
    return locked


def audit_refund(refund: Refund, action: str, by) -> None:
    record(
        action,
        actor=by,
        obj=refund,
        agency_id=refund.payment.dossier.agency_id,
        data={
            "code": refund.payment.dossier.code,
            "receipt_number": refund.payment.receipt_number,
            "amount_vnd": refund.amount_vnd,
            "reference": refund.reference,
            "attempts": refund.attempts,
        },
    )


def complete_counter_refund(refund: Refund, by) -> Refund:
    """The desk paid a counter payment's fee back in cash. Raises PaymentError otherwise."""
    with transaction.atomic():
        locked = (
            Refund.objects.select_for_update(of=("self",))
            .select_related("payment__dossier")
            .get(pk=refund.pk)
        )
        if not locked.at_counter:
            raise PaymentError(
                _("Khoản này được hoàn qua cổng thanh toán, không hoàn tại bộ phận một cửa."),
                code="not_counter",
            )
        if locked.status != Refund.Status.PENDING:
            raise PaymentError(
                _("Khoản hoàn tiền này đã được xử lý (%(status)s).")
                % {"status": locked.get_status_display()},
                code="refund_closed",
            )
        locked.status, locked.done_at, locked.completed_by = Refund.Status.DONE, timezone.now(), by
        locked.attempts += 1
        locked.save()
        audit_refund(locked, "payment.refunded", by)
    refund.refresh_from_db()
    return refund
