"""The data store's settings, with their defaults (documented in motcua/conf/notifications.py)."""

from django.conf import settings


def quota_bytes() -> int:
    """How much a person may upload in total (results issued by agencies do not count)."""
    return int(getattr(settings, "MOTCUA_DATASTORE_QUOTA_BYTES", 200 * 1024 * 1024))


def page_size() -> int:
    return int(getattr(settings, "MOTCUA_DATASTORE_PAGE_SIZE", 20))
