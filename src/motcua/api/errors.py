"""One error format for every answer that is not a success, and the handlers that make it.

Every error is ``{"error": {"code": "<machine_code>", "message": "<Vietnamese>",
"details": ...}}``; ``code`` is stable (clients branch on it), ``message`` is for
people, ``details`` is optional (the fields of a validation error, what stops a
submission).
"""

from __future__ import annotations

import logging
import math
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import IntegrityError
from django.http import Http404
from django.http.request import RawPostDataException
from django.utils.translation import gettext as _
from ninja import Field, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from motcua.dossiers.exceptions import ConcurrentChange, DossierError, IllegalTransition
from motcua.lib.db import (
    OUTAGE_CODE,
    close_broken_connections,
    is_transient,
    log_outage,
    outage_message,
    retry_after,
)
from motcua.payments.exceptions import PaymentError

log = logging.getLogger(__name__)


class ErrorBody(Schema):
    code: str = Field(..., description="stable machine code, e.g. not_found, invalid_form")
    message: str = Field(..., description="for people, in Vietnamese")
    details: Any = Field(None, description="fields in error, what to fix, …")


class ErrorOut(Schema):
    error: ErrorBody


class ApiError(Exception):
    """An error answer: raise it anywhere in an endpoint."""

    def __init__(self, status: int, code: str, message: str, details: Any = None):
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details


def not_found() -> ApiError:
    return ApiError(404, "not_found", _("Không tìm thấy."))


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """The ``response`` entries declaring the error schema for ``statuses``."""
    return dict.fromkeys(statuses, ErrorOut)


# What a signed-in call may answer besides success (400: a bad cursor or body; 503: the
# database is out of reach for a moment, retry after ``Retry-After`` seconds).
READ_ERRORS = errors(400, 401, 403, 404, 422, 429, 503)
WRITE_ERRORS = errors(400, 401, 403, 404, 409, 413, 422, 429, 503)


# Business refusals whose cause is the dossier's current state (re-read it): 409.
CONFLICTS = (IllegalTransition, ConcurrentChange)
CONFLICT_CODES = {"not_draft", "not_waiting", "not_finished", "already_rated", "not_approved"}
# Codes of DossierError meaning "the file is too big".
TOO_LARGE = {"file_too_large"}


def error_response(api, request, status: int, code: str, message: str, details=None):
    body = {"code": code, "message": str(message)}
    if details is not None:
        body["details"] = details
    return api.create_response(request, {"error": body}, status=status)


def _validation_details(errors_: list[dict]) -> list[dict]:
    return [
        {
            "loc": [str(part) for part in item.get("loc", ())],
            "msg": str(item.get("msg", "")),
            "type": str(item.get("type", "")),
        }
        for item in errors_
    ]


def install(api) -> None:
    """Register the handlers of every error the API answers with."""

    def handle(exc_class):
        def register(func):
            api.add_exception_handler(exc_class, func)
            return func

        return register

    @handle(RawPostDataException)
    def body_already_read(request, exc):
        # A JSON operation called with a multipart or form body: the form was parsed
        # first (e.g. for the idempotency fingerprint), so no JSON body is left to read.
        return error_response(
            api,
            request,
            400,
            "bad_request",
            _("Nội dung yêu cầu phải là JSON (Content-Type: application/json)."),
        )

    @handle(ApiError)
    def api_error(request, exc: ApiError):
        response = error_response(api, request, exc.status, exc.code, exc.message, exc.details)
        if exc.status == 409 and exc.code == "in_progress":
            response["Retry-After"] = "1"
        return response

    @handle(ValidationError)
    def validation_error(request, exc: ValidationError):
        return error_response(
            api,
            request,
            422,
            "validation_error",
            _("Dữ liệu gửi lên không hợp lệ; xem chi tiết từng trường."),
            _validation_details(exc.errors),
        )

    @handle(AuthenticationError)
    def unauthenticated(request, exc):
        response = error_response(
            api,
            request,
            401,
            "not_authenticated",
            _(
                "Cần đăng nhập: gửi kèm phiên đăng nhập hoặc mã truy cập "
                "(Authorization: Bearer …) còn hiệu lực."
            ),
        )
        response["WWW-Authenticate"] = 'Bearer realm="motcua"'
        return response

    @handle(Throttled)
    def throttled(request, exc):
        response = error_response(
            api,
            request,
            429,
            "throttled",
            _("Bạn gửi quá nhiều yêu cầu; vui lòng chờ một lát rồi thử lại."),
        )
        if exc.wait:
            response["Retry-After"] = str(math.ceil(exc.wait))
        return response

    @handle(HttpError)
    def http_error(request, exc: HttpError):
        codes = {400: "bad_request", 403: "forbidden", 404: "not_found", 405: "not_allowed"}
        message = str(exc.message)
        if exc.status_code == 403 and "CSRF" in message:
            return error_response(
                api,
                request,
                403,
                "csrf_failed",
                _("Thiếu hoặc sai mã CSRF (X-CSRFToken) của phiên đăng nhập."),
            )
        if exc.status_code == 400:
            message = _(
                "Yêu cầu không đúng định dạng (nội dung JSON hoặc biểu mẫu không đọc được)."
            )
        return error_response(
            api, request, exc.status_code, codes.get(exc.status_code, "error"), message
        )

    @handle(Http404)
    def http404(request, exc):
        return error_response(api, request, 404, "not_found", _("Không tìm thấy."))

    @handle(PermissionDenied)
    def permission_denied(request, exc):
        return error_response(
            api,
            request,
            403,
            "forbidden",
            str(exc) or _("Bạn không có quyền thực hiện thao tác này."),
        )

    @handle(RequestDataTooBig)
    def too_big(request, exc):
        return error_response(
            api, request, 413, "payload_too_large", _("Nội dung gửi lên quá lớn.")
        )

    @handle(IntegrityError)
    def integrity(request, exc):
        log.warning("api integrity conflict on %s %s", request.method, request.path)
        return error_response(
            api,
            request,
            409,
            "conflict",
            _("Thao tác xung đột với dữ liệu hiện có (có thể đã được thực hiện). Hãy tải lại."),
        )

    @handle(DossierError)
    def dossier_error(request, exc: DossierError):
        problems = getattr(exc, "problems", None)
        if isinstance(exc, CONFLICTS) or exc.code in CONFLICT_CODES:
            status = 409
        elif exc.code in TOO_LARGE:
            status = 413
        else:
            status = 422
        return error_response(api, request, status, exc.code, exc.message, problems)

    @handle(PaymentError)
    def payment_error(request, exc: PaymentError):
        # Nothing due, already paid, a status that takes no payment: the dossier's state.
        return error_response(api, request, 409, exc.code, exc.message)

    @handle(Exception)
    def server_error(request, exc):
        if is_transient(exc):
            # The database is away for a moment: the caller should retry. The same answer
            # as DatabaseUnavailableMiddleware's (an outage met outside the operation).
            log_outage(log, request, exc)
            close_broken_connections()
            response = error_response(api, request, 503, OUTAGE_CODE, outage_message())
            response["Retry-After"] = retry_after()
            response["Cache-Control"] = "no-store"
            return response
        log.exception("api error on %s %s", request.method, request.path)
        return error_response(
            api,
            request,
            500,
            "server_error",
            _("Hệ thống gặp lỗi khi xử lý yêu cầu; vui lòng thử lại sau."),
        )
