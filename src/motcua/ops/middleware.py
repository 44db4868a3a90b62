"""Request ids, the probe and metrics endpoints, and replica reads for the dashboards."""

from __future__ import annotations

from django.conf import settings
from django.core.signals import request_finished
from django.dispatch import receiver

from . import views
from .context import (
    allow_replica_reads,
    new_request_id,
    replica_reads,
    sane_request_id,
    set_request_id,
)


class RequestIdMiddleware:
    """Take the caller's ``X-Request-ID`` if sane (or make one), expose it to every log
    record of the request (``request.request_id`` too) and send it back.

    The id stays bound until ``request_finished``: Django logs 4xx/5xx responses
    (``django.request``) after the middleware chain has returned."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = settings.MOTCUA_REQUEST_ID_HEADER
        self.meta_key = "HTTP_" + self.header.upper().replace("-", "_")

    def __call__(self, request):
        incoming = request.META.get(self.meta_key) if settings.MOTCUA_REQUEST_ID_TRUST else None
        request_id = sane_request_id(incoming) or new_request_id()
        request.request_id = request_id
        set_request_id(request_id)
        response = self.get_response(request)
        response[self.header] = request_id
        return response


@receiver(request_finished, dispatch_uid="ops.request_id.finished")
def _forget_request_id(**kwargs) -> None:
    set_request_id("")


class OpsEndpointsMiddleware:
    """Answer ``/healthz``, ``/readyz`` and ``/metrics`` before the host check and the
    HTTPS redirect: load balancers and Prometheus reach each node by its address in
    plain HTTP. The same views are in the URLconf under their names."""

    ENDPOINTS = {"/healthz": views.healthz, "/readyz": views.readyz, "/metrics": views.metrics}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        view = self.ENDPOINTS.get(request.path_info.rstrip("/") or "/")
        if view is not None and request.method in ("GET", "HEAD"):
            response = view(request)
            response["Content-Length"] = str(len(response.content))
            return response
        return self.get_response(request)


class ReplicaReadsMiddleware:
    """Let the monitoring dashboards (GET/HEAD requests to the ``monitoring`` URL
    namespace) read from the replica, template rendering included; installed only
    when a replica is configured (``DATABASE_REPLICA_URL``)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.namespaces = set(settings.MOTCUA_REPLICA_NAMESPACES)

    def __call__(self, request):
        # The flag process_view may raise ends with the response (rendered by then).
        with replica_reads(False):
            return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if request.method in ("GET", "HEAD") and match is not None:
            if self.namespaces.intersection(match.namespaces):
                allow_replica_reads()
        return None
