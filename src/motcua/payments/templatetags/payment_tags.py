"""``{% payment_box dossier %}``: the fee of a dossier, what was paid, and the button to pay.

Include it in a page of the dossier's applicant (it posts to ``payments:start``).
"""

from django import template
from django.utils import timezone

from motcua.lib.formatting import format_vnd
from motcua.payments import selectors, services
from motcua.payments.models import Payment

register = template.Library()


@register.filter
def vnd_amount(amount) -> str:
    """100000 → '100.000 đồng' (Vietnamese groups thousands with dots)."""
    return format_vnd(amount)


@register.inclusion_tag("payments/_payment_box.html", takes_context=True)
def payment_box(context, dossier, primary=False):
    """``primary``: the box leads the page (the receipt): a larger "Thanh toán ngay"."""
    # Abandoned attempts expire on read: never shown as pending, a new one can start.
    services.expire_abandoned(dossier=dossier)
    payable = services.is_payable_online(dossier)
    waiting = (
        payable
        and Payment.objects.filter(
            dossier=dossier, status=Payment.Status.PENDING, expires_at__gt=timezone.now()
        ).exists()
    )
    paid = list(selectors.paid_payments_of(dossier))
    if not dossier.fee_vnd:
        state = "none"
    elif paid or dossier.fee_paid_at:
        state = "paid"
    elif waiting:
        state = "waiting"
    else:
        state = "due"
    return {
        "dossier": dossier,
        "fee": dossier.fee_vnd,
        "paid": paid,
        "payable": payable,
        "waiting": waiting,
        "state": state,
        "primary": primary,
        "csrf_token": context.get("csrf_token"),
    }
