"""The citizen's side of online payment, and the gateway's notices (thin: services do it).

- ``POST <public_id>/bat-dau/`` (``payments:start``): pay a dossier of the signed-in
  citizen online; redirects to the gateway.
- ``GET ket-qua/`` (``payments:return``): where the gateway sends the browser back.
- ``GET|POST ipn/`` (``payments:ipn``): the gateway's server-to-server notice (JSON).
- ``GET bien-lai/<public_id>/`` (``payments:receipt``): the electronic receipt (PDF).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from motcua.accounts.citizen import citizen_required, current_applicant
from motcua.accounts.ratelimit import client_ip, hit
from motcua.dossiers.models import Dossier

from . import selectors, services
from .exceptions import PaymentError
from .receipt_pdf import render_receipt_pdf


def _dossier_url(dossier: Dossier) -> str:
    return reverse("portal:dossier", args=[dossier.public_id])


@citizen_required
@require_POST
def start(request, public_id):
    applicant = current_applicant(request)
    if applicant is None:
        raise Http404
    dossier = get_object_or_404(Dossier.objects.filter(applicant=applicant, public_id=public_id))
    try:
        _payment, url = services.start_online_payment(
            dossier,
            by=request.user,
            return_url=request.build_absolute_uri(reverse("payments:return")),
            client_ip=request.META.get("REMOTE_ADDR", ""),
        )
    except PaymentError as refused:
        messages.error(request, refused.message)
        return HttpResponseRedirect(_dossier_url(dossier))
    return HttpResponseRedirect(url)


@never_cache
@require_GET
def payment_return(request):
    payment = services.handle_return(request.GET.dict(), source=client_ip(request))
    context = {"payment": payment, "state": payment.status if payment else "invalid"}
    if payment is not None:
        context["dossier_url"] = _dossier_url(payment.dossier)
    return render(
        request, "payments/return.html", context, status=200 if payment is not None else 400
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def ipn(request):
    # Anyone can call this URL: at most MOTCUA_PAYMENT_NOTICE_RATE notices per source
    # address (the real gateway retries a refused notice; reconciliation asks it anyway).
    source = client_ip(request)
    rate = settings.MOTCUA_PAYMENT_NOTICE_RATE
    wait = hit("payment-notice", source, rate) if rate else None
    if wait is not None:
        response = JsonResponse({"RspCode": "99", "Message": "Too many requests"}, status=429)
        response["Retry-After"] = str(wait)
        return response
    params = request.GET.dict()
    if request.method == "POST":
        params.update(request.POST.dict())
    code, message = services.handle_ipn(params, source=source)
    return JsonResponse({"RspCode": code, "Message": message})


@citizen_required
@require_GET
def receipt(request, public_id):
    payment = selectors.receipt_payment(current_applicant(request), public_id)
    if payment is None:
        raise Http404
    response = HttpResponse(render_receipt_pdf(payment), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bien-lai-{payment.receipt_number}.pdf"'
    return response
