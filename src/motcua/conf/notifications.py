"""Settings for notifications and the personal data store (read from the environment).

``notifications`` (the outbox of emails and SMS about dossier events):

- ``MOTCUA_NOTIFICATIONS_INLINE`` (on by default): send new notifications in-process
  right after the change commits (the embedded default). Turn it off when a worker
  (``motcua send_notifications --watch``, later Celery) empties the outbox.
- ``MOTCUA_NOTIFICATIONS_CHANNELS``: the channels in use (``email,sms``).
- ``MOTCUA_NOTIFICATIONS_MAX_ATTEMPTS`` tries before a notification is marked failed;
  between tries it waits ``MOTCUA_NOTIFICATIONS_BACKOFF_S`` × 2^(tries−1) seconds,
  at most ``MOTCUA_NOTIFICATIONS_BACKOFF_MAX_S``.
- ``MOTCUA_NOTIFICATIONS_SITE_URL``: the portal's public address, quoted in emails
  (none by default).
- ``MOTCUA_SMS_BACKEND``: dotted path of the SMS backend
  (``motcua.notifications.sms.ConsoleSmsBackend`` by default; ``…FileSmsBackend``
  writes one file per message to ``MOTCUA_SMS_FILE_PATH``, default ``var/sms``;
  ``…LocmemSmsBackend`` keeps them in memory for tests).
- Email goes through Django's email backend: ``MOTCUA_EMAIL_BACKEND`` (console by
  default; ``django.core.mail.backends.smtp.EmailBackend`` in production),
  ``MOTCUA_EMAIL_HOST``, ``MOTCUA_EMAIL_PORT``, ``MOTCUA_EMAIL_HOST_USER``,
  ``MOTCUA_EMAIL_HOST_PASSWORD``, ``MOTCUA_EMAIL_USE_TLS``, ``MOTCUA_EMAIL_USE_SSL``,
  ``MOTCUA_EMAIL_TIMEOUT`` (seconds), ``MOTCUA_DEFAULT_FROM_EMAIL``.

``datastore`` (kho dữ liệu cá nhân):

- ``MOTCUA_DATASTORE_QUOTA_BYTES``: how much one person may upload in total
  (200 MB by default; results issued by agencies do not count).
- ``MOTCUA_DATASTORE_PAGE_SIZE``: documents per page (20).
"""

import os as _os

from motcua.settings import env_bool as _env_bool
from motcua.settings import env_list as _env_list

# --- Notifications ------------------------------------------------------------
MOTCUA_NOTIFICATIONS_INLINE = _env_bool("MOTCUA_NOTIFICATIONS_INLINE", True)
MOTCUA_NOTIFICATIONS_CHANNELS = _env_list("MOTCUA_NOTIFICATIONS_CHANNELS", "email,sms")
MOTCUA_NOTIFICATIONS_MAX_ATTEMPTS = int(_os.environ.get("MOTCUA_NOTIFICATIONS_MAX_ATTEMPTS", "6"))
MOTCUA_NOTIFICATIONS_BACKOFF_S = float(_os.environ.get("MOTCUA_NOTIFICATIONS_BACKOFF_S", "60"))
MOTCUA_NOTIFICATIONS_BACKOFF_MAX_S = float(
    _os.environ.get("MOTCUA_NOTIFICATIONS_BACKOFF_MAX_S", str(6 * 3600))
)
MOTCUA_NOTIFICATIONS_SITE_URL = _os.environ.get("MOTCUA_NOTIFICATIONS_SITE_URL", "")
MOTCUA_SMS_BACKEND = _os.environ.get(
    "MOTCUA_SMS_BACKEND", "motcua.notifications.sms.ConsoleSmsBackend"
)
MOTCUA_SMS_FILE_PATH = _os.environ.get("MOTCUA_SMS_FILE_PATH", "")

# --- Email (Django's email backend) -------------------------------------------
EMAIL_BACKEND = _os.environ.get(
    "MOTCUA_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = _os.environ.get("MOTCUA_EMAIL_HOST", "localhost")
EMAIL_PORT = int(_os.environ.get("MOTCUA_EMAIL_PORT", "25"))
EMAIL_HOST_USER = _os.environ.get("MOTCUA_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _os.environ.get("MOTCUA_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("MOTCUA_EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _env_bool("MOTCUA_EMAIL_USE_SSL", False)
# A stuck mail server must not hold an outbox row (and its worker) for long.
EMAIL_TIMEOUT = int(_os.environ.get("MOTCUA_EMAIL_TIMEOUT", "10"))
DEFAULT_FROM_EMAIL = _os.environ.get(
    "MOTCUA_DEFAULT_FROM_EMAIL", "Cổng dịch vụ công MotCua <no-reply@motcua.local>"
)

# --- Personal data store ------------------------------------------------------
MOTCUA_DATASTORE_QUOTA_BYTES = int(
    _os.environ.get("MOTCUA_DATASTORE_QUOTA_BYTES", str(200 * 1024 * 1024))
)
MOTCUA_DATASTORE_PAGE_SIZE = int(_os.environ.get("MOTCUA_DATASTORE_PAGE_SIZE", "20"))
