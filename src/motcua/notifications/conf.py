"""The notifications' settings and their defaults (documented in motcua/conf/notifications.py)."""

from pathlib import Path

from django.conf import settings


def inline() -> bool:
    return bool(getattr(settings, "MOTCUA_NOTIFICATIONS_INLINE", True))


def channels() -> list[str]:
    return list(getattr(settings, "MOTCUA_NOTIFICATIONS_CHANNELS", ["email", "sms"]))


def max_attempts() -> int:
    return max(1, int(getattr(settings, "MOTCUA_NOTIFICATIONS_MAX_ATTEMPTS", 6)))


def backoff_seconds() -> float:
    return float(getattr(settings, "MOTCUA_NOTIFICATIONS_BACKOFF_S", 60))


def backoff_max_seconds() -> float:
    return float(getattr(settings, "MOTCUA_NOTIFICATIONS_BACKOFF_MAX_S", 6 * 3600))


def site_url() -> str:
    return str(getattr(settings, "MOTCUA_NOTIFICATIONS_SITE_URL", "")).rstrip("/")


def sms_backend() -> str:
    return getattr(settings, "MOTCUA_SMS_BACKEND", "motcua.notifications.sms.ConsoleSmsBackend")


def sms_file_path() -> Path:
    path = getattr(settings, "MOTCUA_SMS_FILE_PATH", "")
    return Path(path) if path else Path(settings.VAR_DIR) / "sms"
