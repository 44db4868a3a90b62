"""Thin views: the inbound event endpoint and the national ranking page."""

from __future__ import annotations

import json
import logging
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from motcua.lib.xlsx import XLSX_TYPE
from motcua.monitoring.public import (
    PeriodError,
    last_month,
    parse,
    ranking_table,
    workbook,
)

from . import selectors, services
from .models import SourceInstance

logger = logging.getLogger(__name__)


def _refuse(error: services.Rejected) -> JsonResponse:
    return JsonResponse({"error": error.code, "message": error.message}, status=error.status)


@csrf_exempt
def receive_event_view(request):
    """POST /lien-thong/su-kien/: one signed event from a source instance (docs/EVENTS.md)."""
    if not services.national_mode():
        raise Http404
    if request.method != "POST":
        return JsonResponse(
            {"error": "method", "message": _("Chỉ nhận yêu cầu POST.")},
            status=405,
            headers={"Allow": "POST"},
        )
    code = request.headers.get("X-MotCua-Instance", "")
    source = SourceInstance.objects.filter(code=code, active=True).first()
    if source is None:
        services.REFUSED_EVENTS.labels(source="", reason="instance").inc()
        return _refuse(
            services.Rejected(
                401, "instance", _("Hệ thống gửi “%(code)s” chưa được đăng ký.") % {"code": code}
            )
        )
    body = request.body
    try:
        services.verify_signature(
            source.secret,
            request.headers.get("X-MotCua-Timestamp", ""),
            body,
            request.headers.get("X-MotCua-Signature", ""),
        )
        try:
            data = json.loads(body)
        except (UnicodeDecodeError, ValueError):
            raise services.Rejected(400, "payload", _("Nội dung không phải JSON hợp lệ.")) from None
        envelope = services.read_envelope(
            data, instance=source.code, event_id=request.headers.get("X-MotCua-Event-Id", "")
        )
        outcome = services.receive(source, envelope)
    except services.Rejected as error:
        logger.info("event from %s refused: %s", source.code, error.code)
        services.REFUSED_EVENTS.labels(source=source.code, reason=error.code).inc()
        return _refuse(error)
    return JsonResponse({"status": outcome, "id": str(envelope.event_id)})


class _NoLinks:
    """The national table links nowhere (the dossiers live in the instances)."""

    def agency(self, node) -> str:
        return ""

    def measure(self, node, measure) -> str:
        return ""


def national_only(view):
    """404 unless this installation is the national aggregator (before any login)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not services.national_mode():
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


@national_only
@login_required
def ranking_view(request):
    """The national ranking of provinces and of agencies over a month (quarter, year)."""
    if not request.user.is_staff:
        return render(
            request,
            "federation/forbidden.html",
            {"message": _("Chỉ cán bộ quản trị hệ thống toàn quốc xem được xếp hạng này.")},
            status=403,
        )
    error = ""
    try:
        period = parse(request.GET.get("period"), default=last_month())
        data = selectors.national_figures(period)
    except PeriodError as exc:
        error = str(exc)
        period = last_month()
        data = selectors.national_figures(period)
    tables = [
        ranking_table(
            selectors.ranking(data, level),
            _NoLinks(),
            title % {"period": period.label},
        )
        for level, title in (
            (selectors.PROVINCE, _("Xếp hạng các tỉnh, thành phố, bộ, ngành – %(period)s")),
            (selectors.AGENCY, _("Xếp hạng các cơ quan – %(period)s")),
        )
    ]
    if request.GET.get("xuat") == "xlsx":
        response = HttpResponse(
            workbook(tables, heading=_("Xếp hạng toàn quốc")),
            content_type=XLSX_TYPE,
        )
        response["Content-Disposition"] = 'attachment; filename="xep-hang-toan-quoc.xlsx"'
        return response
    return render(
        request,
        "federation/ranking.html",
        {
            "period": period,
            "error": error,
            "tables": tables,
            "total": data.total,
            "sources": selectors.sources(),
            # The dossier exchange's sync table (766: dossiers synced to the portal).
            "exchange_sync": settings.MOTCUA_EXCHANGE_ROLE == "national",
        },
    )
