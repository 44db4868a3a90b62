"""Two guards around every request: NUL characters refused, a "try again" page when the
database is unreachable (restarted, failed over, full).

``NulCharactersMiddleware`` answers 400 to a request whose path or query string holds a
NUL character (``%00``). No field of the platform may hold one, PostgreSQL cannot
store or compare one (a query with it fails as a server error), and it is a classic
trick to cut strings short; forms already refuse it in posted fields.

``DatabaseUnavailableMiddleware`` turns an ``OperationalError`` or ``InterfaceError``
raised by a view that says the database is out of reach for now (a lost connection, a
server shutting down or restarting, too many connections, a deadlock, SQLite's lock
timeout; see ``motcua.lib.db.is_transient``) into a 503 with ``Retry-After`` and a short
Vietnamese page, or the API's JSON error ``service_unavailable`` under ``/api/`` (the
answer ``api/errors.py`` gives too: ``motcua.lib.db``), instead of a stack trace or a
bare 500. The exception is logged once, with its stack trace and the request id.
Nothing half-done is left behind: every service runs in one transaction, which the
database rolled back when the connection died. Broken connections are closed so the
next request of this thread opens a fresh one. An outage met in another middleware
(the session saved on the way out, say) becomes the same page: Django turns it into a
500 first and says why through ``got_request_exception``, which this module hears;
Django answers a session that cannot be saved on the way out with a bare 400
("session interrupted"): the session's save is watched to tell that case apart.

The page is rendered without the request context: it must not touch the database
(``base.html`` reads the signed-in user), so ``503.html`` stands alone.
"""

from __future__ import annotations

import logging
import sys

from django.contrib.sessions.backends.base import UpdateError
from django.core.signals import got_request_exception
from django.dispatch import receiver
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from motcua.lib.db import (
    OUTAGE_CODE,
    close_broken_connections,
    is_transient,
    log_outage,
    outage_message,
    retry_after,
)

logger = logging.getLogger(__name__)


class NulCharactersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            logger.warning("request with a NUL character refused: %s", request.method)
            message = _("Địa chỉ hoặc nội dung tìm kiếm có ký tự không hợp lệ (ký tự NUL).")
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"error": {"code": "bad_request", "message": message}},
                    status=400,
                    json_dumps_params={"ensure_ascii": False},
                )
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


@receiver(got_request_exception, dispatch_uid="dossiers.database_unavailable")
def _note_database_outage(sender, request=None, **kwargs) -> None:
    # Sent while Django turns an exception raised below the middleware into a 500 (in
    # another middleware, or a view when process_exception did not answer).
    exception = sys.exc_info()[1]
    if request is not None and exception is not None and is_transient(exception):
        request.motcua_database_unavailable = True


def _watch_session_save(request) -> None:
    """Flag the request when saving its session on the way out fails because the
    database is out of reach (Django would answer a bare 400, "session interrupted")."""
    session = getattr(request, "session", None)
    if session is None or "save" in vars(session):
        return
    save = session.save

    def watched_save(*args, **kwargs):
        try:
            return save(*args, **kwargs)
        except UpdateError as error:
            if is_transient(error.__context__):
                request.motcua_database_unavailable = True
            raise

    session.save = watched_save


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code in (400, 500) and getattr(
            request, "motcua_database_unavailable", False
        ):
            # 500: raised in another middleware; 400: the session could not be saved.
            # Django logged the exception's stack trace with its 500.
            return self._unavailable(request, None)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        _watch_session_save(request)
        return None

    def process_exception(self, request, exception):
        if not is_transient(exception):
            return None
        return self._unavailable(request, exception)

    def _unavailable(self, request, exception: BaseException | None):
        if exception is not None:
            log_outage(logger, request, exception)
        else:
            logger.warning(
                "database unavailable after the view on %s %s (request %s)",
                request.method,
                request.path,
                getattr(request, "request_id", "") or "-",
            )
        close_broken_connections()
        message, seconds = outage_message(), retry_after()
        if request.path.startswith("/api/"):
            # The API's error format and code (api/errors.py answers the same).
            response = JsonResponse(
                {"error": {"code": OUTAGE_CODE, "message": message}},
                status=503,
                json_dumps_params={"ensure_ascii": False},
            )
        else:
            response = HttpResponse(
                render_to_string("503.html", {"message": message, "retry_after": seconds}),
                status=503,
            )
        response["Retry-After"] = seconds
        response["Cache-Control"] = "no-store"
        return response
