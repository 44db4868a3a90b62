"""Fees: the citizen pays online through the gateway; the desk records cash payments.

Only the gateway's own word (its signed notice, or the answer to a query) marks an
online payment paid (``motcua.payments.services``); the API never does.
"""

from __future__ import annotations

import uuid

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.decorators import decorate_view

from motcua.payments import selectors as payment_selectors
from motcua.payments import services as payment_services
from motcua.payments.models import Payment

from ..auth import AUTH
from ..errors import READ_ERRORS, WRITE_ERRORS, ApiError, not_found
from ..idempotency import idempotent
from ..reach import officer_reach
from ..schemas import PaymentList, PaymentOut, PaymentStarted
from ..scopes import PAYMENTS, READ
from ..throttles import CallerThrottle
from .citizen import own_dossier
from .common import KEY_REQUIRED, binary

router = Router(tags=["Thanh toán phí, lệ phí"], auth=AUTH, throttle=[CallerThrottle()])


def payment_out(payment: Payment) -> dict:
    return {
        "id": payment.public_id,
        "status": payment.status,
        "status_label": str(payment.get_status_display()),
        "online": payment.online,
        "gateway": payment.gateway,
        "amount_vnd": payment.amount_vnd,
        "created_at": payment.created_at,
        "paid_at": payment.paid_at,
        "receipt_number": payment.receipt_number,
    }


@router.post(
    "/dossiers/{public_id}/payments",
    response={201: PaymentStarted, **WRITE_ERRORS},
    summary="Start paying the fee online (answers the gateway URL)",
)
@decorate_view(idempotent(required=True))
def start_payment(request, public_id: uuid.UUID, idempotency_key: str = KEY_REQUIRED):
    """Send the payer's browser to `redirect_url`. The gateway brings them back to the
    portal's payment page; follow the outcome with `GET …/payments`. Refused with 409
    `already_paid`, `not_payable` or `nothing_due`."""
    who, dossier = own_dossier(request, public_id, PAYMENTS)
    payment, url = payment_services.start_online_payment(
        dossier,
        by=who.user,
        return_url=request.build_absolute_uri(reverse("payments:return")),
        client_ip=request.META.get("REMOTE_ADDR", "") or "127.0.0.1",
    )
    return Status(201, {**payment_out(payment), "redirect_url": url})


@router.get(
    "/dossiers/{public_id}/payments",
    response={200: PaymentList, **READ_ERRORS},
    summary="Payments of my dossier, newest first",
)
def list_payments(request, public_id: uuid.UUID):
    _who, dossier = own_dossier(request, public_id, READ)
    return {"items": [payment_out(p) for p in payment_selectors.payments_of(dossier)]}


@router.get(
    "/dossiers/{public_id}/payments/{payment_id}/receipt",
    response=READ_ERRORS,
    openapi_extra=binary("application/pdf", "the electronic receipt (biên lai điện tử)"),
    summary="Receipt of a paid payment (PDF)",
)
def payment_receipt(request, public_id: uuid.UUID, payment_id: uuid.UUID):
    _who, dossier = own_dossier(request, public_id, READ)
    payment = (
        payment_selectors.paid_payments_of(dossier)
        .filter(public_id=payment_id)
        .select_related("dossier__agency", "dossier__applicant", "dossier__procedure_version")
        .first()
    )
    if payment is None or not payment.receipt_number:
        raise not_found()
    # WeasyPrint is imported only when a PDF is asked for (it is slow to import).
    from motcua.payments.receipt_pdf import render_receipt_pdf

    response = HttpResponse(render_receipt_pdf(payment), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bien-lai-{payment.receipt_number}.pdf"'
    return response


@router.post(
    "/officer/dossiers/{public_id}/payments/counter",
    response={201: PaymentOut, **WRITE_ERRORS},
    summary="Record the fee paid in cash at the desk",
)
@decorate_view(idempotent(required=True))
def counter_payment(request, public_id: uuid.UUID, idempotency_key: str = KEY_REQUIRED):
    """For the one-stop desk (the role that receives dossiers) or a system of the
    agency; the receipt gets its number."""
    reach = officer_reach(request, PAYMENTS)
    dossier = reach.get(public_id)
    if not reach.can_collect_fee(dossier):
        raise ApiError(
            403,
            "action_not_permitted",
            _("Chỉ cán bộ một cửa của cơ quan mới ghi nhận thu phí, lệ phí tại quầy."),
        )
    payment = payment_services.record_counter_payment(dossier, by=reach.actor)
    return Status(201, payment_out(payment))
