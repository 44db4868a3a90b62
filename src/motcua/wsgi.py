"""The WSGI application (gunicorn: ``deploy/gunicorn.conf.py``).

gunicorn runs no system checks: in production (``MOTCUA_PRODUCTION=1``) they run here,
once per process loading the application, and any error (a demo secret, motcua.E001/E002;
a bad setting, motcua.E003/E004; see ``motcua/conf/checks.py``) stops it from starting.
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
application = get_wsgi_application()


def _refuse_to_start_on_errors() -> None:
    from django.conf import settings

    if settings.MOTCUA_PRODUCTION:
        from motcua.conf.checks import refuse_to_start

        refuse_to_start("web server")


_refuse_to_start_on_errors()
