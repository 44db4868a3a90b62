"""The postal-service interface and the setting that picks an implementation.

A postal service prices a parcel (``quote``), books one (``create_shipment``: its
tracking number) and reports its journey (``track``: every status with its event id).
``MOTCUA_POSTAL_BACKEND`` is ``http`` (``HttpPostalService``, the bundled simulator or
an operator speaking the same protocol) or a dotted path to another implementation.
Decree 118/2025/NĐ-CP Art. 15 lets the applicant receive the result through the
public postal service; docs/POSTAL.md describes the messages.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

BACKENDS = {"http": "motcua.postal.http_service.HttpPostalService"}


@dataclass(frozen=True)
class Parcel:
    """What the desk sends: the recipient, where to, from which province, and our
    reference (the idempotency key: the same reference books the same parcel)."""

    reference: str
    recipient: str
    phone: str
    address: dict
    origin_province: str
    sender: str = ""
    callback_url: str = ""


@dataclass(frozen=True)
class Booked:
    tracking_number: str
    status: str
    postage_vnd: int


@dataclass(frozen=True)
class TrackedEvent:
    """One status the parcel reached, as the service reported it."""

    event_id: str
    tracking_number: str
    status: str
    at: dt.datetime
    note: str = ""


@dataclass(frozen=True)
class Journey:
    tracking_number: str
    status: str
    events: list[TrackedEvent] = field(default_factory=list)


class PostalError(Exception):
    """The postal service could not be reached or refused the request; ``message`` is
    Vietnamese, for the officer or citizen, and holds no secret."""

    def __init__(self, message: str, *, code: str = "unavailable"):
        super().__init__(message)
        self.message = message
        self.code = code


class InvalidSignature(PostalError):
    """A message claims to come from the postal service but its signature is wrong."""


class PostalService(ABC):
    name = ""

    @abstractmethod
    def quote(self, address: dict, *, origin_province: str) -> int:
        """The postage in đồng of a result sent from ``origin_province`` to ``address``.
        Raises PostalError."""

    @abstractmethod
    def create_shipment(self, parcel: Parcel) -> Booked:
        """Book the parcel (idempotent by ``parcel.reference``). Raises PostalError."""

    @abstractmethod
    def track(self, tracking_number: str) -> Journey:
        """The parcel's journey so far. Raises PostalError."""


def get_service() -> PostalService:
    """The connector ``MOTCUA_POSTAL_BACKEND`` names. Raises ImproperlyConfigured."""
    name = settings.MOTCUA_POSTAL_BACKEND
    path = BACKENDS.get(name, name)
    try:
        service = import_string(path)()
    except ImportError as exc:
        raise ImproperlyConfigured(f"Unknown MOTCUA_POSTAL_BACKEND {name!r}") from exc
    service.name = name
    return service
