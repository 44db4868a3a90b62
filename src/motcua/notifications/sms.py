"""Sending SMS: a small backend interface, chosen with ``MOTCUA_SMS_BACKEND`` (dotted path).

A deployment plugs in its provider's adapter by subclassing ``BaseSmsBackend``;
the bundled backends write the message somewhere a developer can read it.
Backends raise ``DeliveryError`` for a failure worth retrying and
``PermanentDeliveryError`` for one that is not (any other exception is retried too).
"""

from __future__ import annotations

import abc
import sys
import threading
import uuid
from dataclasses import dataclass

from django.utils import timezone
from django.utils.module_loading import import_string

from . import conf


class BaseSmsBackend(abc.ABC):
    """Send one text message; return the provider's id for it."""

    @abc.abstractmethod
    def send_message(self, phone: str, text: str) -> str:
        """Deliver ``text`` to ``phone``; raise DeliveryError to be retried later."""


class ConsoleSmsBackend(BaseSmsBackend):
    """Print each message (the development default)."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stdout

    def send_message(self, phone: str, text: str) -> str:
        message_id = uuid.uuid4().hex
        self.stream.write(f"SMS {message_id} → {phone}\n{text}\n{'-' * 40}\n")
        self.stream.flush()
        return message_id


class FileSmsBackend(BaseSmsBackend):
    """Write each message to its own file in ``MOTCUA_SMS_FILE_PATH`` (default var/sms/)."""

    def __init__(self, path=None):
        self.path = path or conf.sms_file_path()

    def send_message(self, phone: str, text: str) -> str:
        self.path.mkdir(parents=True, exist_ok=True)
        message_id = uuid.uuid4().hex
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
        target = self.path / f"{stamp}-{message_id}.txt"
        target.write_text(f"To: {phone}\nId: {message_id}\n\n{text}\n", encoding="utf-8")
        return message_id


@dataclass(frozen=True)
class SentSms:
    phone: str
    text: str
    message_id: str


# What LocmemSmsBackend sent, like django.core.mail.outbox (for tests).
outbox: list[SentSms] = []
_outbox_lock = threading.Lock()


class LocmemSmsBackend(BaseSmsBackend):
    """Keep messages in ``motcua.notifications.sms.outbox`` (for tests)."""

    def send_message(self, phone: str, text: str) -> str:
        message_id = uuid.uuid4().hex
        with _outbox_lock:
            outbox.append(SentSms(phone, text, message_id))
        return message_id


def get_backend(path: str | None = None) -> BaseSmsBackend:
    """An instance of the configured SMS backend (or of ``path``)."""
    return import_string(path or conf.sms_backend())()
