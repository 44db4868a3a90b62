"""The simulated gateway's pages and API, at ``/mo-phong/thanh-toan/``.

- ``GET paymentv2/vpcpay.html?vnp_...``: the payment page (or an error page, with
  VNPay's code, for a request that is unsigned, tampered with, malformed or expired).
- ``POST paymentv2/giao-dich/<public_id>/``: the customer pays or cancels; the browser
  is redirected to the merchant's return URL with the signed result.
- ``POST merchant_webapi/api/transaction``: ``querydr`` and ``refund`` (JSON).
"""

from __future__ import annotations

import json

from django.conf import settings
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from . import services
from .models import Scenario, SimTransaction


@never_cache
@require_GET
def pay_page(request):
    try:
        txn = services.open_transaction(request.GET)
    except services.PayRequestError as refused:
        return render(
            request,
            "paygate/error.html",
            {"code": refused.code, "message": refused.message},
            status=400,
        )
    return render(
        request,
        "paygate/pay.html",
        {
            "txn": txn,
            "banks": services.BANKS,
            "scenarios": Scenario.choices,
            "default_scenario": settings.MOTCUA_PAYGATE_DEFAULT_SCENARIO,
        },
    )


@never_cache
@require_POST
def pay_action(request, public_id):
    try:
        txn = services.complete(
            public_id,
            pay=request.POST.get("action") == "pay",
            bank_code=request.POST.get("bank_code", ""),
            scenario=request.POST.get("scenario", ""),
        )
    except SimTransaction.DoesNotExist:
        raise Http404 from None
    return HttpResponseRedirect(services.return_url_for(txn))


@csrf_exempt
@require_POST
def merchant_api(request):
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict):
        return JsonResponse(
            {"vnp_ResponseCode": "03", "vnp_Message": "Dữ liệu gửi sang không phải JSON hợp lệ"},
            status=400,
            json_dumps_params={"ensure_ascii": False},
        )
    return JsonResponse(services.api(body), json_dumps_params={"ensure_ascii": False})
