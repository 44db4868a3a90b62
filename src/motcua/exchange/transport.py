"""The one interface between the exchange and whatever carries its messages.

The outbox, the inbox's file fetches and the catalogue pull call ``get_transport(peer)``
and nothing else; the back office never imports this module. ``motcua-http`` (MotCua to
MotCua over signed HTTPS, ``exchange.http``) is built in; an adapter for the national
portal's integration service (LGSP/NDXP) is a class with the three methods below,
registered by dotted path in ``MOTCUA_EXCHANGE_ADAPTERS`` and chosen per peer by
``Peer.adapter`` (docs/EXCHANGE.md, "Adapters").
"""

from __future__ import annotations

import threading
from typing import Protocol, runtime_checkable

from django.conf import settings
from django.utils.module_loading import import_string

PROTOCOL = "motcua-exchange/1"
BUILT_IN = {"motcua-http": "motcua.exchange.http.HttpTransport"}


class TransportError(Exception):
    """A send or fetch that did not succeed.

    ``retry``: whether trying again later may succeed (the peer is down, busy, or the
    request was refused for a reason that can be fixed on its side: 401, 404, 5xx);
    false when the peer refused the message itself (422, 409): the message is dead at
    once. ``code`` is the peer's error code when it gave one, ``status`` the HTTP status
    (None when there was no answer).
    """

    def __init__(self, message: str, *, retry: bool = True, code: str = "", status=None):
        super().__init__(message)
        self.retry, self.code, self.status = retry, code, status


@runtime_checkable
class Transport(Protocol):
    def send(self, peer, envelope: dict) -> dict:
        """Deliver one envelope; the peer's answer ``{"status": "applied" | "duplicate" |
        "queued", "ack": {...}}``. Raises TransportError."""

    def fetch_file(self, peer, sha256: str, sender_id) -> bytes:
        """The file with this SHA-256 of the peer's dossier ``sender_id``, its hash
        checked. Raises TransportError."""

    def fetch_catalogue(self, peer) -> dict:
        """The peer's catalogue (agencies and published procedure versions). Raises
        TransportError."""


_local = threading.local()


def close_transports() -> None:
    """Drop this thread's transports, closing their HTTP sessions (kept-alive
    connections): the test suite does it after each test (as for the registries)."""
    for transport in (getattr(_local, "transports", None) or {}).values():
        session = getattr(transport, "session", None)
        if session is not None:
            session.close()
    _local.transports = {}


def adapters() -> dict[str, str]:
    return {**BUILT_IN, **settings.MOTCUA_EXCHANGE_ADAPTERS}


def get_transport(peer) -> Transport:
    """The transport that carries messages to ``peer`` (one instance per adapter and
    thread, so an HTTP adapter keeps its connections open)."""
    name = peer.adapter or "motcua-http"
    path = adapters().get(name)
    if path is None:
        raise TransportError(f"unknown exchange adapter {name!r}", retry=True, code="adapter")
    cache = getattr(_local, "transports", None)
    if cache is None:
        cache = _local.transports = {}
    transport = cache.get(path)
    if transport is None:
        transport = cache[path] = import_string(path)()
    return transport


def reset() -> None:
    """Forget this thread's transports (their sessions are closed)."""
    for transport in getattr(_local, "transports", {}).values():
        close = getattr(transport, "close", None)
        if close:
            close()
    _local.transports = {}
