"""The exchange's endpoints (docs/EXCHANGE.md) and the sync page of the national dashboard.

``/lien-thong/trao-doi/`` (POST), ``/lien-thong/tep/<sha256>/`` and
``/lien-thong/danh-muc/`` (GET) answer only requests signed by an active peer; every
exchange URL answers 404 while ``MOTCUA_EXCHANGE_ROLE`` is ``off``.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import logging
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, transaction
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from motcua.dossiers.models import Attachment
from motcua.lib.downloads import file_response

from . import inbox, metrics, signing
from .models import Link, Peer

logger = logging.getLogger(__name__)
ROLES = ("national", "province")


def exchange_on(view):
    """404 unless this installation takes part in the exchange (before anything else)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if settings.MOTCUA_EXCHANGE_ROLE not in ROLES:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"status": "error", "error": code, "message": message}, status=status)


def _signed_peer(request, signed: bytes) -> tuple[Peer | None, JsonResponse | None]:
    """The active peer that signed ``signed`` bytes, or the 401 answer."""
    code = request.headers.get(signing.PEER_HEADER, "")
    peer = Peer.objects.filter(code=code, active=True).first() if code else None
    if peer is None:
        return None, _error(
            401, "peer", _("Hệ thống gửi “%(code)s” chưa được khai báo.") % {"code": code}
        )
    reason = signing.check(peer.secret, request.headers, signed)
    if reason:
        logger.info("exchange request from %s refused: %s", peer.code, reason)
        message = (
            _("Thời điểm ký lệch quá %(seconds)d giây so với máy chủ nhận.")
            % {"seconds": settings.MOTCUA_EXCHANGE_WINDOW_S}
            if reason == "timestamp"
            else _("Chữ ký X-MotCua-Signature không đúng.")
        )
        return None, _error(401, reason, message)
    return peer, None


def _signed_get(request) -> tuple[Peer | None, JsonResponse | None]:
    if request.method != "GET":
        return None, _error(405, "method", _("Chỉ nhận yêu cầu GET."))
    target = signing.get_target(request.path_info, request.META.get("QUERY_STRING", ""))
    return _signed_peer(request, target)


@csrf_exempt
@transaction.non_atomic_requests
@exchange_on
def receive_view(request):
    """POST /lien-thong/trao-doi/: one signed message from a peer."""
    if request.method != "POST":
        response = _error(405, "method", _("Chỉ nhận yêu cầu POST."))
        response["Allow"] = "POST"
        return response
    body = request.body
    peer, refusal = _signed_peer(request, body)
    if refusal:
        return refusal
    try:
        envelope = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        return _error(422, "json", _("Nội dung không phải JSON hợp lệ."))
    try:
        return JsonResponse(inbox.receive(peer, envelope))
    except inbox.Rejected as error:
        logger.info("exchange message from %s refused: %s", peer.code, error.code)
        return _error(error.status, error.code, error.message)
    except DatabaseError:
        logger.exception("exchange message from %s not stored", peer.code)
        return _error(503, "busy", _("Hệ thống nhận đang bận, vui lòng gửi lại sau."))


@exchange_on
def file_view(request, sha256: str):
    """GET /lien-thong/tep/<sha256>/?link=<our dossier public_id>: a file of a dossier
    linked with the signing peer, found by its content hash."""
    peer, refusal = _signed_get(request)
    if refusal:
        return refusal
    link = (
        Link.objects.filter(peer=peer, dossier__public_id=request.GET.get("link", ""))
        .select_related("dossier")
        .first()
        if _is_uuid(request.GET.get("link", ""))
        else None
    )
    attachment = (
        Attachment.objects.filter(dossier_id=link.dossier_id, sha256=sha256.lower())
        .order_by("id")
        .first()
        if link is not None
        else None
    )
    if attachment is None:
        return _error(404, "not_found", _("Không có tệp này trong hồ sơ liên thông."))
    response = file_response(
        attachment.file.open("rb"),
        filename=attachment.original_name,
        content_type=attachment.content_type or "application/octet-stream",
    )
    response["X-MotCua-Sha256"] = attachment.sha256
    return response


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@exchange_on
def catalogue_view(request):
    """GET /lien-thong/danh-muc/: this instance's agencies and published procedures
    (``exchange.catalogue.export_catalogue``, the domain half), for a signed peer."""
    peer, refusal = _signed_get(request)
    if refusal:
        return refusal
    try:
        catalogue = importlib.import_module("motcua.exchange.catalogue")
    except ImportError:
        return _error(404, "catalogue", _("Hệ thống này chưa cung cấp danh mục."))
    return JsonResponse(catalogue.export_catalogue(), json_dumps_params={"ensure_ascii": False})


def _day(value: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default


@exchange_on
@login_required
def sync_view(request):
    """The 766 indicator "dossiers synchronised to the national portal": per settling
    agency, dossiers exchanged, synced, rate and delay (``metrics.sync_by_agency``)."""
    if not request.user.is_staff:
        return render(
            request,
            "exchange/forbidden.html",
            {"message": _("Chỉ cán bộ quản trị hệ thống xem được số liệu đồng bộ hồ sơ.")},
            status=403,
        )
    today = timezone.localdate()
    start = _day(request.GET.get("tu"), today - dt.timedelta(days=30))
    end = _day(request.GET.get("den"), today)
    if end < start:
        start, end = end, start
    rows = metrics.sync_by_agency(start, end)
    return render(
        request,
        "exchange/sync.html",
        {"rows": rows, "total": metrics.total(rows), "start": start, "end": end},
    )
