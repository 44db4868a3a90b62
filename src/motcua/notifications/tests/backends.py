"""SMS backends that misbehave on purpose, for the delivery tests."""

import threading
import time

from motcua.notifications.exceptions import DeliveryError, PermanentDeliveryError
from motcua.notifications.sms import BaseSmsBackend


class FailingSmsBackend(BaseSmsBackend):
    """The provider is down."""

    def send_message(self, phone, text):
        raise DeliveryError("provider unreachable")


class RejectingSmsBackend(BaseSmsBackend):
    """The provider refuses the number for good."""

    def send_message(self, phone, text):
        raise PermanentDeliveryError("number not in service")


class SlowSmsBackend(BaseSmsBackend):
    """Takes its time, and records every message it was asked to send."""

    sent: list[str] = []
    lock = threading.Lock()

    def send_message(self, phone, text):
        time.sleep(0.05)
        with self.lock:
            self.sent.append(text)
        return text
