"""The Celery application: ``celery -A motcua.celery:app worker`` / ``beat``.

Configuration comes from Django's settings under the ``CELERY_`` prefix
(``motcua/conf/ops.py``); tasks are found in each app's ``tasks.py``. Without
``CELERY_BROKER_URL`` tasks run eagerly in the caller, so nothing needs a broker.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")

app = Celery("motcua")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
