"""Reading payments: what a dossier owes, what was paid, what is being refunded."""

from __future__ import annotations

from django.db.models import QuerySet

from motcua.accounts.models import Applicant
from motcua.dossiers.models import Dossier

from .models import Payment, PaymentNotice, Refund


def payments_of(dossier: Dossier) -> QuerySet[Payment]:
    """Every payment of ``dossier`` (newest first) with its refund, for the back office."""
    return (
        Payment.objects.filter(dossier=dossier)
        .select_related("refund", "created_by")
        .order_by("-created_at", "-id")
    )


def paid_payments_of(dossier: Dossier) -> QuerySet[Payment]:
    """The paid payments of ``dossier`` (the ones with a receipt), oldest first."""
    return (
        Payment.objects.filter(dossier=dossier, status=Payment.Status.PAID)
        .select_related("refund")
        .order_by("paid_at", "id")
    )


def receipt_payment(applicant: Applicant | None, public_id) -> Payment | None:
    """The paid payment ``public_id`` of a dossier of ``applicant``, or None."""
    if applicant is None:
        return None
    return (
        Payment.objects.filter(
            public_id=public_id,
            status=Payment.Status.PAID,
            dossier__in=Dossier.objects.filter(applicant=applicant),
        )
        .select_related("dossier__agency", "dossier__applicant", "dossier__procedure_version")
        .first()
    )


def notices_of(payment: Payment) -> QuerySet[PaymentNotice]:
    """Every exchange with the gateway about ``payment``, oldest first."""
    return payment.notices.order_by("received_at", "id")


def pending_counter_refunds(agency_ids=None) -> QuerySet[Refund]:
    """Cash refunds the desk still has to pay back (optionally of some agencies)."""
    refunds = Refund.objects.filter(status=Refund.Status.PENDING, at_counter=True)
    if agency_ids is not None:
        refunds = refunds.filter(payment__dossier__agency_id__in=agency_ids)
    return refunds.select_related("payment__dossier").order_by("created_at")
