"""The connector interface and the registry of implementations chosen in settings.

A connector fetches one subject's record from one national database and returns
its attributes flattened under the names e-form sources use (``full_name``,
``birth_date`` as ``YYYY-MM-DD``, ``parcel``…). Which connector serves a registry is
set per deployment::

    MOTCUA_REGISTRY_DEFAULT_CONNECTOR = "http"
    MOTCUA_REGISTRY_CONNECTORS = {"thue": "disabled", "y_te": "myproject.connectors.Lgsp"}

Values are a short name from ``BUILTIN`` or the dotted path of a ``Connector``
subclass. Connectors do no caching, circuit breaking or logging: ``services`` does.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

BUILTIN = {
    "http": "motcua.registries.http_connector.HttpConnector",
    "disabled": "motcua.registries.connectors.DisabledConnector",
}


class RegistryError(Exception):
    """A lookup that gave no record. ``reason`` is technical (for logs, no personal data)."""

    def __init__(self, reason: str, *, status: int | None = None, attempts: int = 1, request_id=""):
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.attempts = attempts
        self.request_id = request_id


class SubjectNotFound(RegistryError):
    """The registry answered and has no record of the subject."""


class RegistryRejected(RegistryError):
    """The registry refused the request (wrong API key, malformed subject)."""


class RegistryUnavailable(RegistryError):
    """The registry did not answer usefully: timeout, refused connection, 5xx, bad body."""


@dataclass(frozen=True)
class Fetched:
    """A record as a connector returns it."""

    attributes: dict[str, Any]
    status: int | None = None
    attempts: int = 1
    request_id: str = ""


@dataclass(frozen=True)
class Written:
    """What a registry answered to a write: the identifiers it created."""

    result: dict[str, Any]
    created: bool = True
    status: int | None = None
    attempts: int = 1
    request_id: str = ""


class Connector(ABC):
    """Fetches records of one registry. One instance serves one lookup (thread-safe use)."""

    name: ClassVar[str] = ""

    def __init__(self, registry: str):
        self.registry = registry

    @abstractmethod
    def fetch(self, subject: str) -> Fetched:
        """Return the record of ``subject``.

        Raises SubjectNotFound, RegistryRejected or RegistryUnavailable.
        """

    def register(self, action: str, reference: str, payload: dict[str, Any]) -> Written:
        """Write a result (``register_birth``…) once per ``reference`` (the dossier code).

        Registries must be idempotent by reference, so a retry never writes twice.
        Raises RegistryRejected (bad data, wrong key) or RegistryUnavailable. A
        connector that cannot write leaves this default: always unavailable.
        """
        raise RegistryUnavailable("writes not supported", attempts=0)


class DisabledConnector(Connector):
    """For a registry this deployment is not connected to: always unavailable."""

    name = "disabled"

    def fetch(self, subject: str) -> Fetched:
        raise RegistryUnavailable("connector disabled", attempts=0)


def connector_name(registry: str) -> str:
    """The configured connector name (or dotted path) for ``registry``."""
    return settings.MOTCUA_REGISTRY_CONNECTORS.get(
        registry, settings.MOTCUA_REGISTRY_DEFAULT_CONNECTOR
    )


def connector_for(registry: str) -> Connector:
    """A new connector for ``registry`` as settings choose; ImproperlyConfigured if unknown."""
    name = connector_name(registry)
    path = BUILTIN.get(name, name)
    try:
        cls = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(
            f"MOTCUA_REGISTRY_CONNECTORS: unknown connector {name!r} for {registry!r}"
        ) from exc
    if not (isinstance(cls, type) and issubclass(cls, Connector)):
        raise ImproperlyConfigured(f"{path} is not a motcua.registries Connector")
    return cls(registry)
