"""The payment-gateway interface and the registry that picks an implementation.

A gateway builds the signed URL the citizen is sent to, checks and reads what it sends
back (the browser's return and the server-to-server notice, IPN), answers a query about
one transaction and refunds one. ``MOTCUA_PAYMENT_GATEWAYS`` maps names to classes;
``MOTCUA_PAYMENT_GATEWAY`` names the one citizens pay through. Implementations read
their settings when called, so they can be swapped or reconfigured at run time.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from motcua.payments.models import Payment, Refund


class Outcome:
    """What the gateway says became of a payment."""

    PAID = "paid"
    FAILED = "failed"
    CANCELLED = "cancelled"
    PENDING = "pending"  # the customer has not finished (or the gateway is still deciding)
    UNKNOWN = "unknown"  # the gateway has no such transaction


@dataclass(frozen=True)
class GatewayResult:
    """One verified statement of the gateway about one payment."""

    outcome: str
    txn_ref: str
    amount_vnd: int | None = None
    transaction_no: str = ""
    bank_code: str = ""
    paid_at: dt.datetime | None = None
    code: str = ""
    message: str = ""
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RefundResult:
    """The gateway's answer to a refund request; ``ok`` when the money goes back."""

    ok: bool
    reference: str = ""
    code: str = ""
    message: str = ""
    params: dict[str, Any] = field(default_factory=dict)


class GatewayError(Exception):
    """The gateway could not be reached or gave an unusable answer (``message`` is shown
    to officers and kept in the log; it never contains a secret)."""

    def __init__(self, message: str, params: Mapping[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.params = dict(params or {})


class InvalidSignature(GatewayError):
    """A message claims to come from the gateway but its signature does not verify."""


class PaymentGateway(ABC):
    """One payment gateway, as the payment services use it."""

    name: str = ""

    @abstractmethod
    def redirect_url(self, payment: Payment, *, return_url: str, client_ip: str) -> str:
        """Where to send the citizen's browser to pay ``payment`` (a signed request)."""

    @abstractmethod
    def txn_ref_of(self, params: Mapping[str, Any]) -> str:
        """The merchant reference a return/IPN message names (before it is verified)."""

    @abstractmethod
    def parse_notice(self, params: Mapping[str, Any]) -> GatewayResult:
        """Verify and read a return or IPN message. Raises InvalidSignature."""

    @abstractmethod
    def query(self, payment: Payment) -> GatewayResult:
        """Ask the gateway, server to server, what became of ``payment``.

        Raises GatewayError (InvalidSignature for an answer that does not verify).
        """

    @abstractmethod
    def refund(self, refund: Refund) -> RefundResult:
        """Ask the gateway to give ``refund.amount_vnd`` back. Raises GatewayError."""

    @abstractmethod
    def ipn_reply(self, verdict: str) -> tuple[str, str]:
        """The code and message the gateway expects in answer to a notice (by verdict)."""


def get_gateway(name: str | None = None) -> PaymentGateway:
    """The gateway called ``name`` (default: ``MOTCUA_PAYMENT_GATEWAY``).

    Raises ImproperlyConfigured for a name missing from ``MOTCUA_PAYMENT_GATEWAYS``.
    """
    name = name or settings.MOTCUA_PAYMENT_GATEWAY
    try:
        path = settings.MOTCUA_PAYMENT_GATEWAYS[name]
    except KeyError:
        raise ImproperlyConfigured(
            f"Payment gateway {name!r} is not in MOTCUA_PAYMENT_GATEWAYS"
        ) from None
    gateway = import_string(path)()
    gateway.name = name
    return gateway
