"""The Celery application: ``celery -A motcua.celery:app worker`` / ``beat``.

Configuration comes from Django's settings under the ``CELERY_`` prefix
(``motcua/conf/ops.py``); tasks are found in each app's ``tasks.py``. Without
``CELERY_BROKER_URL`` tasks run eagerly in the caller, so nothing needs a broker.

Celery runs no Django system check that could stop it: with ``MOTCUA_PRODUCTION=1`` the
worker and beat refuse to start on any check error (a demo secret, motcua.E001/E002;
``motcua/conf/checks.py``), as gunicorn does through ``motcua/wsgi.py``.
"""

import os
import sys

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")

app = Celery("motcua")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
@signals.beat_init.connect
def refuse_to_start_on_errors(sender=None, **kwargs) -> None:
    """Stop a production worker or beat whose settings fail a system check.

    Celery logs and ignores the exceptions of a signal handler: exit instead (SystemExit).
    """
    import django
    from django.apps import apps
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    if not apps.ready:
        django.setup()
    if not settings.MOTCUA_PRODUCTION:
        return
    from motcua.conf.checks import refuse_to_start

    try:
        refuse_to_start("Celery " + ("beat" if "beat" in type(sender).__module__ else "worker"))
    except ImproperlyConfigured as refused:
        # Beat has redirected sys.stderr to its logger by now: write to the real one.
        print(refused, file=sys.__stderr__, flush=True)
        raise SystemExit(1) from refused
