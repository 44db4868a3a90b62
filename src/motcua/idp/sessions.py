"""The identity provider's own login session, kept apart from the portal's.

The demo provider runs in the portal's process and shares its session table. If it
used the portal's session cookie, signing in at the provider would sign the citizen
in at the portal without any OpenID Connect exchange, and the portal could never be
pointed at a real provider with the same behaviour. Every provider view is therefore
wrapped in :func:`provider_session`: while the view runs, ``request.session`` and
``request.user`` come from a separate cookie (``MOTCUA_IDP_SESSION_COOKIE_NAME``,
path ``/idp/``); afterwards the portal's session is put back untouched.

A view decorator rather than a middleware, so that nothing in ``MIDDLEWARE`` has to
know about the provider, and removing the provider removes the behaviour.
"""

import time
from functools import partial, wraps
from importlib import import_module

from django.conf import settings
from django.contrib.auth.middleware import auser, get_user
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.exceptions import SessionInterrupted
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject
from django.utils.http import http_date

_SWAPPED = ("session", "user", "auser", "_cached_user", "_acached_user")
_MISSING = object()


def cookie_path() -> str:
    """The URL prefix the provider is mounted at (``/idp/``): its cookie goes nowhere else."""
    return reverse("oauth2_provider:idp-home")


def provider_session(view):
    """Run ``view`` with the provider's session and user instead of the portal's."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        saved = {name: getattr(request, name, _MISSING) for name in _SWAPPED}
        for name in ("_cached_user", "_acached_user"):
            if hasattr(request, name):
                delattr(request, name)
        store = import_module(settings.SESSION_ENGINE).SessionStore
        request.session = store(request.COOKIES.get(settings.MOTCUA_IDP_SESSION_COOKIE_NAME))
        request.user = SimpleLazyObject(lambda: get_user(request))
        request.auser = partial(auser, request)
        try:
            response = view(request, *args, **kwargs)
            if getattr(response, "is_rendered", True) is False:
                # A TemplateResponse renders after the view returns: do it while the
                # provider's user (not the portal's) is the one the template sees.
                response.render()
            _save_session(request, response)
        finally:
            for name, value in saved.items():
                if value is _MISSING:
                    if hasattr(request, name):
                        delattr(request, name)
                else:
                    setattr(request, name, value)
        return response

    return wrapped


def _save_session(request, response) -> None:
    """What SessionMiddleware does at the end of a request, for the provider's cookie."""
    name = settings.MOTCUA_IDP_SESSION_COOKIE_NAME
    session = request.session
    if name in request.COOKIES and session.is_empty():
        response.delete_cookie(name, path=cookie_path(), samesite=settings.SESSION_COOKIE_SAMESITE)
        patch_vary_headers(response, ("Cookie",))
        return
    if session.accessed:
        patch_vary_headers(response, ("Cookie",))
    if not session.modified or session.is_empty() or response.status_code >= 500:
        return
    try:
        session.save()
    except UpdateError as error:
        raise SessionInterrupted("The provider session was deleted during the request.") from error
    max_age = session.get_expiry_age()
    response.set_cookie(
        name,
        session.session_key,
        max_age=max_age,
        expires=http_date(time.time() + max_age),
        path=cookie_path(),
        secure=settings.SESSION_COOKIE_SECURE or None,
        httponly=True,
        samesite=settings.SESSION_COOKIE_SAMESITE,
    )
    patch_vary_headers(response, ("Cookie",))
