"""The post's signed delivery events: ``POST /buu-chinh/su-kien/``.

The body is one event (``event_id``, ``tracking_number``, ``status``, ``at``, ``note``),
signed with ``MOTCUA_POSTAL_KEY`` (``signing``). Answers: 200 (kept, or a duplicate
already kept), 400 (malformed), 401 (bad or stale signature), 404 (unknown parcel).
"""

from __future__ import annotations

import json
import logging

from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import services, signing
from .connector import PostalError
from .http_service import tracked_event
from .models import ShipmentEvent

logger = logging.getLogger(__name__)


@csrf_exempt
@never_cache
@require_POST
def receive_event(request):
    if not signing.verify(request.headers, request.body):
        logger.warning("postal event refused: bad signature")
        return JsonResponse({"error": "invalid_signature"}, status=401)
    try:
        body = json.loads(request.body or b"{}")
        if not isinstance(body, dict):
            raise ValueError
        event = tracked_event(body)
    except (ValueError, UnicodeDecodeError, PostalError):
        return JsonResponse({"error": "malformed"}, status=400)
    try:
        kept, new = services.record_event(event, source=ShipmentEvent.Source.WEBHOOK)
    except services.UnknownShipment:
        return JsonResponse({"error": "unknown_shipment"}, status=404)
    except PostalError as error:
        return JsonResponse({"error": error.code}, status=400)
    return JsonResponse({"ok": True, "duplicate": not new, "event_id": kept.event_id})
