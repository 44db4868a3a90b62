"""Liveness, readiness and the Prometheus metrics."""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django_prometheus.exports import ExportToDjangoView

from motcua.lib.net import client_ip

from .probes import readiness


@never_cache
def healthz(request):
    """Liveness: the process answers (no database, no network)."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request):
    """Readiness: each service answers; 503 as soon as one does not."""
    checks = readiness()
    ready = all(check.ok for check in checks)
    body = {
        "status": "ok" if ready else "fail",
        "checks": {check.name: check.as_dict() for check in checks},
    }
    return JsonResponse(body, status=200 if ready else 503)


def _address_allowed(address: str) -> bool:
    try:
        client = ipaddress.ip_address(address)
    except ValueError:
        return False
    for allowed in settings.MOTCUA_METRICS_ALLOWED_IPS:
        try:
            if client in ipaddress.ip_network(allowed, strict=False):
                return True
        except ValueError:
            continue
    return False


def _token_allowed(request) -> bool:
    token = settings.MOTCUA_METRICS_TOKEN
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not token or not header.startswith("Bearer "):
        return False
    return hmac.compare_digest(header.removeprefix("Bearer ").encode(), token.encode())


@never_cache
def metrics(request):
    """The Prometheus exposition, for the bearer token or the allowed addresses only;
    with neither configured, for nobody. The address is the client's (behind trusted
    proxies, the one they forwarded), so a proxy on the same machine does not make
    every visitor look local."""
    if not (_token_allowed(request) or _address_allowed(client_ip(request))):
        return HttpResponse(status=403)
    return ExportToDjangoView(request)
