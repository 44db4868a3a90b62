"""The site's own error pages, in Vietnamese and in the portal's layout (``handler400``,
``handler403``, ``handler404``, ``handler500`` in ``motcua/urls.py``; ``CSRF_FAILURE_VIEW``).

400, 403 and 404 extend ``base.html`` (header, navigation, a way back). The 500 page
stands alone like ``503.html``: it is rendered without the request's context, so that a
failing database or context processor cannot make the error page fail in turn.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.csrf import requires_csrf_token

# The back office's pages: their error pages lead back to the officer's queue.
BACK_OFFICE_PREFIXES = ("/mot-cua/", "/ho-tro-nop-ho-so/", "/giam-sat/", "/quan-tri/")


def _back_link(request: HttpRequest) -> str:
    """The page the visitor came from, when it is on this site (the Referer header is
    sent for same-origin requests only: ``SECURE_REFERRER_POLICY``)."""
    referer = request.META.get("HTTP_REFERER", "")
    parts = urlsplit(referer)
    try:
        host = request.get_host()
    except DisallowedHost:  # the 400 of a request to a host this site does not serve
        return ""
    if not referer or parts.netloc != host:
        return ""
    back = parts.path + (f"?{parts.query}" if parts.query else "")
    return "" if back == request.path else back


def _error_page(request: HttpRequest, template: str, status: int, **context) -> HttpResponse:
    context.update(
        back_url=_back_link(request),
        back_office=request.path.startswith(BACK_OFFICE_PREFIXES),
        status=status,
    )
    return render(request, template, context, status=status)


@requires_csrf_token
def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return _error_page(request, "errors/400.html", 400)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    return _error_page(request, "errors/403.html", 403)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return _error_page(request, "errors/404.html", 404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A post refused by the CSRF check (``CSRF_FAILURE_VIEW``): usually a page left open
    for too long, or cookies turned off. The reason is for the log, not the visitor."""
    return _error_page(request, "errors/403_csrf.html", 403)


def server_error(request: HttpRequest) -> HttpResponse:
    """500: a standalone page without the request's context (no database, no user)."""
    return HttpResponse(render_to_string("500.html"), status=500)
