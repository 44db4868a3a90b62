"""The simulator's JSON API: ``GET /mo-phong/csdl/<registry>/<subject>/`` and
``POST /mo-phong/csdl/<registry>/dang-ky/<action>/`` (a JSON body with ``reference``
and ``payload``: see ``registrations``).

Clients authenticate with the ``X-API-Key`` header. Each registry behaves as its
``RegistryMode`` says: normal (configured latency with jitter), slow, down (503)
or flaky (an evenly spread share of 503s). Errors are JSON
``{"error": <code>, "detail": <Vietnamese message>}``; a write answers 201 when it
created the records, 200 (plus ``"amended": true`` when a new payload corrected them)
for a reference already used, 400 ``invalid`` for bad data and 422 ``mismatch`` when
a personal ID does not match the name or birth date given for that person.
"""

from __future__ import annotations

import json
import threading
import time

from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from . import registrations, selectors, services
from .models import Registry

# The few milliseconds of database work per request run one at a time: the test
# live server shares a single in-memory SQLite connection between its threads.
# The simulated delays happen outside the lock, so slow answers still overlap.
_db_lock = threading.Lock()


def _error(status: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse(
        {"error": code, "detail": detail}, status=status, json_dumps_params={"ensure_ascii": False}
    )


def _refusal(request, registry: str) -> tuple[JsonResponse | None, services.Behaviour]:
    """Count the request; the 503 or 401 answer when it is not served, else None."""
    behaviour = services.register_request(registry)
    if behaviour.fails:
        response = _error(
            503,
            "unavailable",
            _("%(registry)s tạm thời không phục vụ được; hãy thử lại sau.")
            % {"registry": Registry(registry).label},
        )
        response["Retry-After"] = "1"
        return response, behaviour
    if not services.authenticate(request.headers.get("X-API-Key", "")):
        response = _error(
            401,
            "unauthorized",
            _("Thiếu hoặc sai khóa API (tiêu đề X-API-Key)."),
        )
        response["WWW-Authenticate"] = "ApiKey"
        return response, behaviour
    return None, behaviour


def _answer(request, registry: str, subject: str) -> tuple[JsonResponse, services.Behaviour]:
    refused, behaviour = _refusal(request, registry)
    if refused is not None:
        return refused, behaviour
    if not selectors.is_valid_subject(registry, subject):
        return _error(
            400,
            "invalid_subject",
            _("Mã tra cứu phải là số định danh cá nhân (12 số) hoặc mã số thuế hợp lệ."),
        ), behaviour
    body = selectors.record_for(registry, subject)
    if body is None:
        return _error(404, "not_found", _("Không tìm thấy bản ghi.")), behaviour
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False}), behaviour


@require_GET
def record(request, registry: str, subject: str) -> JsonResponse:
    """Answer one lookup; every database read happens before the simulated delay."""
    if registry not in Registry.values:
        return _error(404, "unknown_registry", _("Không có CSDL “%s”.") % registry)
    with _db_lock:
        response, behaviour = _answer(request, registry, subject)
    time.sleep(behaviour.delay_s)
    return response


def _write(request, registry: str, action: str) -> tuple[JsonResponse, services.Behaviour]:
    refused, behaviour = _refusal(request, registry)
    if refused is not None:
        return refused, behaviour
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        body = None
    if not isinstance(body, dict):
        return _error(400, "invalid_json", _("Nội dung yêu cầu phải là JSON.")), behaviour
    try:
        result, outcome = registrations.register(
            registry, action, body.get("reference", ""), body.get("payload", {})
        )
    except registrations.Mismatch as exc:
        return _error(422, "mismatch", " ".join(exc.messages)), behaviour
    except ValidationError as exc:
        return _error(400, "invalid", " ".join(exc.messages)), behaviour
    created = outcome == registrations.Outcome.CREATED
    answer = {"registry": registry, "action": action, "created": created, **result}
    if outcome == registrations.Outcome.AMENDED:
        answer["amended"] = True
    return JsonResponse(
        answer, status=201 if created else 200, json_dumps_params={"ensure_ascii": False}
    ), behaviour


@csrf_exempt
@require_POST
def register(request, registry: str, action: str) -> JsonResponse:
    """Write one result (idempotent by ``reference``); the delay follows the registry's mode."""
    if registry not in Registry.values:
        return _error(404, "unknown_registry", _("Không có CSDL “%s”.") % registry)
    if action not in registrations.HANDLERS:
        return _error(404, "unknown_action", _("Không có nghiệp vụ “%s”.") % action)
    with _db_lock:
        response, behaviour = _write(request, registry, action)
    time.sleep(behaviour.delay_s)
    return response
