"""The catalogue's procedure pages, rendered once per procedure and language and cached.

A visitor who is not signed in sees the same procedure page as every other visitor:
its HTML is kept in Django's cache (Redis in production) under the procedure code and
the language, with the catalogue's *generation*. Any write to the catalogue (a version
published, a procedure, component, step, fee or online-only rule saved or deleted:
:func:`catalogue_changed`, connected by :mod:`motcua.portal.apps` to the catalogue
models' ``post_save`` and ``post_delete``) moves the generation on, at once and again
after the commit, so every page is rendered anew from the next view; the entry and the
generation are read in one round trip. Catalogue writes are rare (an officer
publishing a version), so one generation for the whole catalogue costs nothing and
misses nothing that the page shows.

Entries expire after ``MOTCUA_PAGE_CACHE_SECONDS`` and at local midnight at the
latest (the online-only rules and fees shown depend on the day). Signed-in people, and
requests with a query string, get the page rendered as before (the header names the
person; the sign-in link carries the path); a page whose rendering asked for a CSRF
token or set a cookie is not kept.

A page served from the cache is marked in the request's environ (``SERVED_FROM_CACHE``):
the WSGI hot path (:mod:`motcua.portal.hotpath`) learns the headers of such a response
and answers the next anonymous visitors from the same entry without Django.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import get_language

log = logging.getLogger(__name__)

GENERATION_KEY = "motcua:page:generation"
KEY_PREFIX = "motcua:page:procedure:"
# The environ key marking a response served from the cache (not a client header: those
# arrive as HTTP_*).
SERVED_FROM_CACHE = "motcua.page_cache.served"


def _timeout() -> int:
    now = timezone.localtime()
    midnight = (now + dt.timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1, min(settings.MOTCUA_PAGE_CACHE_SECONDS, int((midnight - now).total_seconds())))


def page_key(code: str, language: str) -> str:
    return f"{KEY_PREFIX}{language}:{code}"


def current_generation(found):
    """The catalogue's generation as read from the cache (0 before the first change)."""
    return 0 if found is None else found


def cached_page(entry, generation) -> tuple[str, bytes] | None:
    """(content type, HTML) of a cached ``entry`` rendered under the catalogue's current
    ``generation`` (as read from the cache, None when absent), else None."""
    if entry is None or entry[0] != current_generation(generation):
        return None
    return entry[1], entry[2]


def cached_procedure_page(view):
    """Wrap the procedure page view ``view(request, code)`` with the cache above."""

    @wraps(view)
    def wrapped(request, code: str, *args, **kwargs):
        if request.method != "GET" or request.GET or request.user.is_authenticated:
            return view(request, code, *args, **kwargs)
        key = page_key(code, get_language() or settings.LANGUAGE_CODE)
        try:
            found = cache.get_many([key, GENERATION_KEY])
        except Exception as failure:  # an unreachable cache must not stop the page
            log.warning("page cache not read: %s", type(failure).__name__)
            return view(request, code, *args, **kwargs)
        generation = found.get(GENERATION_KEY)
        page = cached_page(found.get(key), generation)
        if page is not None:
            request.META[SERVED_FROM_CACHE] = True
            return HttpResponse(page[1], content_type=page[0])
        generation = current_generation(generation)
        response = view(request, code, *args, **kwargs)
        if (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        ):
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            try:
                cache.set(key, (generation, response["Content-Type"], response.content), _timeout())
            except Exception as failure:
                log.warning("page cache not written: %s", type(failure).__name__)
        return response

    return wrapped


def _bump() -> None:
    try:
        cache.set(GENERATION_KEY, time.time_ns(), timeout=None)
    except Exception as failure:
        log.warning("page cache generation not moved on: %s", type(failure).__name__)


def catalogue_changed(sender=None, **kwargs) -> None:
    """``post_save``/``post_delete`` receiver of the catalogue's models."""
    if kwargs.get("raw"):  # fixtures being loaded
        return
    _bump()
    transaction.on_commit(_bump)
