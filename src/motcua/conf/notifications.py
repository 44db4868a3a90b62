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

from motcua.conf.base import MOTCUA_PUBLIC_URL as _MOTCUA_PUBLIC_URL
from motcua.conf.env import env_bool as _env_bool
from motcua.conf.env import env_float as _env_float
from motcua.conf.env import env_int as _env_int
from motcua.conf.env import env_list as _env_list
from motcua.conf.env import env_str as _env_str

# --- Notifications ------------------------------------------------------------
MOTCUA_NOTIFICATIONS_INLINE = _env_bool(
    "MOTCUA_NOTIFICATIONS_INLINE",
    True,
    "Send new notifications in-process after the change commits (off: a worker sends them).",
)
MOTCUA_NOTIFICATIONS_CHANNELS = _env_list(
    "MOTCUA_NOTIFICATIONS_CHANNELS", "email,sms", "The notification channels in use."
)
MOTCUA_NOTIFICATIONS_MAX_ATTEMPTS = _env_int(
    "MOTCUA_NOTIFICATIONS_MAX_ATTEMPTS", "6", "Tries before a notification is marked failed."
)
MOTCUA_NOTIFICATIONS_BACKOFF_S = _env_float(
    "MOTCUA_NOTIFICATIONS_BACKOFF_S", "60", "Base of the exponential wait between tries."
)
MOTCUA_NOTIFICATIONS_BACKOFF_MAX_S = _env_float(
    "MOTCUA_NOTIFICATIONS_BACKOFF_MAX_S",
    str(6 * 3600),
    "Longest wait between tries of a notification, in seconds.",
)
MOTCUA_NOTIFICATIONS_SITE_URL = _env_str(
    "MOTCUA_NOTIFICATIONS_SITE_URL",
    _MOTCUA_PUBLIC_URL,
    "The portal's public address quoted in emails.",
    doc_default="MOTCUA_PUBLIC_URL",
)
MOTCUA_SMS_BACKEND = _env_str(
    "MOTCUA_SMS_BACKEND",
    "motcua.notifications.sms.ConsoleSmsBackend",
    "Dotted path of the SMS backend (Console, File or Locmem SmsBackend, or your own).",
)
MOTCUA_SMS_FILE_PATH = _env_str(
    "MOTCUA_SMS_FILE_PATH",
    "",
    "Folder of FileSmsBackend's messages, one file each.",
    doc_default="var/sms",
)

# --- Email (Django's email backend) -------------------------------------------
EMAIL_BACKEND = _env_str(
    "MOTCUA_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend",
    "Django's EMAIL_BACKEND (django.core.mail.backends.smtp.EmailBackend in production).",
)
EMAIL_HOST = _env_str("MOTCUA_EMAIL_HOST", "localhost", "The SMTP server (EMAIL_HOST).")
EMAIL_PORT = _env_int("MOTCUA_EMAIL_PORT", "25", "The SMTP port (EMAIL_PORT).")
EMAIL_HOST_USER = _env_str("MOTCUA_EMAIL_HOST_USER", "", "The SMTP user (EMAIL_HOST_USER).")
EMAIL_HOST_PASSWORD = _env_str(
    "MOTCUA_EMAIL_HOST_PASSWORD", "", "The SMTP password (EMAIL_HOST_PASSWORD)."
)
EMAIL_USE_TLS = _env_bool("MOTCUA_EMAIL_USE_TLS", False, "SMTP with STARTTLS (EMAIL_USE_TLS).")
EMAIL_USE_SSL = _env_bool("MOTCUA_EMAIL_USE_SSL", False, "SMTP over TLS (EMAIL_USE_SSL).")
# A stuck mail server must not hold an outbox row (and its worker) for long.
EMAIL_TIMEOUT = _env_int("MOTCUA_EMAIL_TIMEOUT", "10", "SMTP timeout in seconds (EMAIL_TIMEOUT).")
DEFAULT_FROM_EMAIL = _env_str(
    "MOTCUA_DEFAULT_FROM_EMAIL",
    "Cổng dịch vụ công MotCua <no-reply@motcua.local>",
    "The sender of the emails (DEFAULT_FROM_EMAIL).",
)

# --- Personal data store ------------------------------------------------------
MOTCUA_DATASTORE_QUOTA_BYTES = _env_int(
    "MOTCUA_DATASTORE_QUOTA_BYTES",
    str(200 * 1024 * 1024),
    "How much one person may upload to the personal data store in total, in bytes.",
)
MOTCUA_DATASTORE_PAGE_SIZE = _env_int(
    "MOTCUA_DATASTORE_PAGE_SIZE", "20", "Documents per page in the personal data store."
)
