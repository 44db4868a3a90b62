"""The WSGI application (gunicorn: ``deploy/gunicorn.conf.py``).

gunicorn runs no system checks: in production (``MOTCUA_PRODUCTION=1``) they run here,
once per process loading the application, and any error (a demo secret, motcua.E001/E002;
a bad setting, motcua.E003/E004; see ``motcua/conf/checks.py``) stops it from starting.

With ``MOTCUA_HOTPATH`` (on in production) Django's application sits behind the WSGI hot
path (``motcua.portal.hotpath``): cached look-up answers and procedure pages are sent
before Django's middleware runs, byte for byte as Django sends them.
"""

import os

from django.conf import settings
from django.core.wsgi import get_wsgi_application

from motcua.ops.context import new_request_id, sane_request_id

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
django_application = get_wsgi_application()


def _refuse_to_start_on_errors() -> None:
    if settings.MOTCUA_PRODUCTION:
        from motcua.conf.checks import refuse_to_start

        refuse_to_start("web server")


def request_id(environ) -> str:
    """The id ``RequestIdMiddleware`` gives a request: the caller's
    ``MOTCUA_REQUEST_ID_HEADER`` when sane and ``MOTCUA_REQUEST_ID_TRUST`` is on, else a
    new one."""
    incoming = None
    if settings.MOTCUA_REQUEST_ID_TRUST:
        header = settings.MOTCUA_REQUEST_ID_HEADER
        incoming = environ.get("HTTP_" + header.upper().replace("-", "_"))
    return sane_request_id(incoming) or new_request_id()


def with_hot_path(app):
    """``app`` (Django's WSGI handler) behind the WSGI hot path."""
    from motcua.portal.hotpath import HotPath

    return HotPath(app, request_id)


_refuse_to_start_on_errors()
application = with_hot_path(django_application) if settings.MOTCUA_HOTPATH else django_application
