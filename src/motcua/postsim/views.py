"""The simulated postal operator at ``/mo-phong/buu-chinh/``.

- ``POST api/cuoc/``, ``api/van-don/``, ``api/hanh-trinh/``: quote, book, track (JSON,
  signed both ways with ``MOTCUA_POSTSIM_KEY``; 401 for a bad signature).
- ``GET van-don/``: the parcels and a button per next status (the post office's side, for
  demos; staff accounts only, since it lists recipients' names and addresses);
  ``POST van-don/`` with ``shipment`` and ``status`` advances one and sends the
  signed events to the sender.
"""

from __future__ import annotations

import json
import uuid

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import services, signing
from .models import SimShipment, SimStatus


def _answer(payload: dict, status: int = 200) -> HttpResponse:
    body = signing.dumps(payload)
    response = HttpResponse(body, status=status, content_type="application/json")
    for name, value in signing.signed_headers(settings.MOTCUA_POSTSIM_KEY, body).items():
        response[name] = value
    return response


def _signed_body(request) -> dict:
    ok = signing.verify(
        settings.MOTCUA_POSTSIM_KEY,
        request.headers.get(signing.TIMESTAMP_HEADER),
        request.headers.get(signing.SIGNATURE_HEADER),
        request.body,
    )
    if not ok:
        raise services.SimRequestError("invalid_signature", "Chữ ký không hợp lệ.", status=401)
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict):
        raise services.SimRequestError("invalid_json", "Dữ liệu không phải JSON hợp lệ.")
    return body


def _api(handler):
    @csrf_exempt
    @never_cache
    @require_POST
    def view(request):
        try:
            payload, status = handler(_signed_body(request))
        except services.SimRequestError as error:
            return _answer({"error": error.code, "message": error.message}, error.status)
        return _answer(payload, status)

    view.__name__ = view.__qualname__ = handler.__name__
    view.__doc__ = handler.__doc__
    return view


@_api
def quote(body):
    """The postage of a parcel from ``origin_province`` to ``address``."""
    address = body.get("address") if isinstance(body.get("address"), dict) else {}
    amount, zone = services.postage(str(body.get("origin_province") or ""), address)
    return {"postage_vnd": amount, "zone": zone}, 200


@_api
def book(body):
    """Book a parcel (idempotent by ``reference``): its tracking number and postage."""
    shipment, created = services.book(body)
    return services.journey(shipment), 201 if created else 200


@_api
def track(body):
    """The journey of the parcel with ``tracking_number``."""
    number = str(body.get("tracking_number") or "")
    shipment = SimShipment.objects.filter(tracking_number=number).first()
    if shipment is None:
        raise services.SimRequestError("not_found", "Không có bưu gửi này.", status=404)
    return services.journey(shipment), 200


NEXT = {
    SimStatus.CREATED: [SimStatus.PICKED_UP, SimStatus.DELIVERED, SimStatus.RETURNED],
    SimStatus.PICKED_UP: [SimStatus.IN_TRANSIT, SimStatus.DELIVERED, SimStatus.RETURNED],
    SimStatus.IN_TRANSIT: [SimStatus.DELIVERED, SimStatus.RETURNED],
}


@never_cache
@staff_member_required
def shipments(request):
    """The parcels, newest first, with the statuses each may move to; POST moves one."""
    if request.method == "POST":
        shipment = SimShipment.objects.filter(public_id=_uuid(request.POST.get("shipment"))).first()
        status = request.POST.get("status", "")
        if shipment is None or status not in NEXT.get(shipment.status, []):
            messages.error(request, _("Không chuyển được bưu gửi sang trạng thái này."))
        else:
            services.advance(shipment, status, note=request.POST.get("note", "")[:255])
            messages.success(
                request,
                _("Bưu gửi %(number)s: %(status)s.")
                % {"number": shipment.tracking_number, "status": SimStatus(status).label},
            )
        return redirect("postsim:shipments")
    rows = [
        (shipment, [(s, SimStatus(s).label) for s in NEXT.get(shipment.status, [])])
        for shipment in SimShipment.objects.all()[:100]
    ]
    return render(request, "postsim/shipments.html", {"rows": rows})


def _uuid(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
