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
def payment_box(context, dossier):
    payable = services.is_payable_online(dossier)
    waiting = (
        payable
        and Payment.objects.filter(
            dossier=dossier, status=Payment.Status.PENDING, expires_at__gt=timezone.now()
        ).exists()
    )
    return {
        "dossier": dossier,
        "fee": dossier.fee_vnd,
        "paid": list(selectors.paid_payments_of(dossier)),
        "payable": payable,
        "waiting": waiting,
        "csrf_token": context.get("csrf_token"),
    }
