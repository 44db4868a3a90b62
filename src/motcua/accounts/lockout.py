"""What a person sees when django-axes has locked their sign-in (``AXES_LOCKOUT_CALLABLE``).

After ``MOTCUA_LOGIN_FAILURE_LIMIT`` failed sign-ins for one user name from one address,
every further attempt gets this page (status 429, ``Retry-After``) until
``MOTCUA_LOGIN_COOLOFF_MINUTES`` have passed since the last counted failure. The page
is the platform's, or the one ``MOTCUA_LOCKOUT_TEMPLATES`` names for the path (the
bundled identity provider has its own look).
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

DEFAULT_TEMPLATE = "accounts/lockout.html"


def lockout_template(path: str) -> str:
    for prefix, template in settings.MOTCUA_LOCKOUT_TEMPLATES.items():
        if path.startswith(prefix):
            return template
    return DEFAULT_TEMPLATE


def lockout_response(request, original_response=None, credentials=None):
    """The "tạm khóa đăng nhập" page for ``request`` (django-axes' callable signature)."""
    minutes = settings.MOTCUA_LOGIN_COOLOFF_MINUTES
    response = render(
        request,
        lockout_template(request.path_info),
        {
            "minutes": minutes,
            "failures": settings.MOTCUA_LOGIN_FAILURE_LIMIT,
            "login_url": request.get_full_path(),
        },
        status=429,
    )
    response["Retry-After"] = str(minutes * 60)
    add_never_cache_headers(response)
    return response
