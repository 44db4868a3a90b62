"""The desk's side of fees: cash paid at the counter, receipts, cash refunds.

Online payments arrive through the payments app; here an officer records the fee a
citizen pays in cash (so the monitoring counts the online share honestly), prints any
payment's electronic receipt and pays back a refused dossier's cash fee.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.lib.formatting import format_number
from motcua.payments import services as payment_services
from motcua.payments.exceptions import PaymentError
from motcua.payments.models import Payment, Refund
from motcua.payments.receipt_pdf import render_receipt_pdf

from . import scope
from .views import forbidden, officer_required


@require_POST
@officer_required
def collect_fee(request, public_id):
    dossier = scope.get_dossier_for(request.user, public_id)
    if not scope.can(request.user, "collect_fee", dossier):
        return forbidden(request, _("Chỉ cán bộ Bộ phận một cửa được thu phí, lệ phí tại quầy."))
    try:
        payment = payment_services.record_counter_payment(dossier, by=request.user)
    except PaymentError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Đã thu %(amount)s đồng tiền mặt; biên lai số %(number)s.")
            % {
                "amount": format_number(payment.amount_vnd),
                "number": payment.receipt_number,
            },
        )
    return redirect("backoffice:dossier", public_id=dossier.public_id)


@officer_required
def payment_receipt(request, public_id):
    """The electronic receipt (PDF) of a paid payment of a dossier the officer may see."""
    payment = Payment.objects.filter(public_id=public_id, status=Payment.Status.PAID).first()
    if payment is None:
        raise Http404
    scope.get_dossier_for(request.user, payment.dossier.public_id)  # 404 outside the scope
    response = HttpResponse(render_receipt_pdf(payment), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bien-lai-{payment.receipt_number}.pdf"'
    return response


@require_POST
@officer_required
def refund_at_desk(request, public_id):
    refund = (
        Refund.objects.select_related("payment__dossier")
        .filter(pk=request.POST.get("refund"))
        .first()
    )
    dossier = scope.get_dossier_for(request.user, public_id)
    if refund is None or refund.payment.dossier_id != dossier.pk:
        raise Http404
    if not scope.can(request.user, "refund_at_desk", dossier):
        return forbidden(request, _("Chỉ cán bộ Bộ phận một cửa được hoàn trả tiền mặt."))
    try:
        payment_services.complete_counter_refund(refund, by=request.user)
    except PaymentError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Đã ghi nhận hoàn trả tiền mặt cho người nộp."))
    return redirect("backoffice:dossier", public_id=dossier.public_id)
