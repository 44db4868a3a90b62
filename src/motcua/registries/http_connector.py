"""The HTTP connector: the bundled simulator or a national data-sharing platform.

``GET {MOTCUA_REGISTRY_BASE_URL}{registry}/{subject}/`` with the ``X-API-Key`` and
``X-Request-ID`` headers; writes (results written back) are
``POST {MOTCUA_REGISTRY_BASE_URL}{registry}/dang-ky/{action}/`` with a JSON body
``{"reference", "payload"}``, retried like lookups because the registry is
idempotent by reference. Each attempt is bounded by ``MOTCUA_REGISTRY_TIMEOUT_S``;
timeouts, refused connections and 502/503/504 answers are retried
``MOTCUA_REGISTRY_RETRIES`` times with urllib3's exponential backoff
(``MOTCUA_REGISTRY_BACKOFF_S``). The worst case is ``budget_seconds()``.
"""

from __future__ import annotations

import os
import threading
import uuid
from typing import Any
from urllib.parse import quote, urljoin

import requests
from django.conf import settings
from django.utils.translation import gettext as _
from requests.adapters import HTTPAdapter
from urllib3.util import Retry, Timeout

from .connectors import (
    Connector,
    Fetched,
    RegistryRejected,
    RegistryUnavailable,
    SubjectNotFound,
    Written,
)

RETRY_STATUSES = (502, 503, 504)


def budget_seconds() -> float:
    """The longest one HTTP lookup can take with the current settings (attempts + backoff)."""
    retries = settings.MOTCUA_REGISTRY_RETRIES
    backoff = sum(
        settings.MOTCUA_REGISTRY_BACKOFF_S * 2 ** (n - 1) for n in range(2, retries + 1)
    )  # urllib3 waits nothing before the first retry, then factor × 2^(n-1)
    return (retries + 1) * settings.MOTCUA_REGISTRY_TIMEOUT_S + backoff


def parcel_label(parcel: dict[str, Any]) -> str:
    """How a land parcel is written in a form: parcel number, map sheet, address."""
    return _("Thửa đất số %(parcel)s, tờ bản đồ số %(sheet)s, %(address)s") % {
        "parcel": parcel.get("parcel_number", ""),
        "sheet": parcel.get("map_sheet", ""),
        "address": parcel.get("address", ""),
    }


def normalize(registry: str, body: dict[str, Any]) -> dict[str, Any]:
    """Flatten the platform's answer into the attributes e-form sources name.

    The land registry lists a holder's parcels oldest certificate first; ``parcel``
    is the first of them (the form asks for one parcel; the citizen may edit it when
    the dossier concerns another one, which then no longer counts as prefilled).
    """
    attributes = {key: value for key, value in body.items() if key != "registry"}
    if registry == "dat_dai":
        parcels = attributes.get("parcels") or []
        if parcels:
            attributes["parcel"] = parcel_label(parcels[0])
    return attributes


# Registry sessions of this thread (``HttpConnector._session``).
_local = threading.local()


def close_sessions() -> None:
    """Close this thread's kept registry sessions (and their kept-alive connections):
    the test suite does it after each test, so that no live server's request thread
    outlives its test waiting on a connection only the garbage collector would close."""
    for session in (getattr(_local, "sessions", None) or {}).values():
        session.close()
    _local.sessions = {}


class HttpConnector(Connector):
    """Talks JSON over HTTP to ``MOTCUA_REGISTRY_BASE_URL`` with ``MOTCUA_REGISTRY_API_KEY``."""

    name = "http"

    def __init__(self, registry: str):
        super().__init__(registry)
        base_url = settings.MOTCUA_REGISTRY_BASE_URL
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.api_key = settings.MOTCUA_REGISTRY_API_KEY
        self.timeout = settings.MOTCUA_REGISTRY_TIMEOUT_S
        self.retries = settings.MOTCUA_REGISTRY_RETRIES
        self.backoff = settings.MOTCUA_REGISTRY_BACKOFF_S

    def url(self, subject: str) -> str:
        return urljoin(self.base_url, f"{quote(self.registry, safe='')}/{quote(subject, safe='')}/")

    def write_url(self, action: str) -> str:
        return urljoin(
            self.base_url, f"{quote(self.registry, safe='')}/dang-ky/{quote(action, safe='')}/"
        )

    def _session(self, methods=frozenset({"GET"})) -> requests.Session:
        """A session kept per thread and per retry policy: its connection pool (and the
        kept-alive connections to the registry) outlives the call."""
        key = (frozenset(methods), self.retries, self.backoff)
        sessions = getattr(_local, "sessions", None)
        if sessions is None:
            sessions = _local.sessions = {}
        session = sessions.get(key)
        if session is None:
            session = sessions[key] = self._new_session(methods)
        return session

    def _new_session(self, methods) -> requests.Session:
        retry = Retry(
            total=self.retries,
            connect=self.retries,
            read=self.retries,
            status=self.retries,
            other=0,
            redirect=0,
            allowed_methods=methods,
            status_forcelist=RETRY_STATUSES,
            backoff_factor=self.backoff,
            raise_on_status=False,
            # Our own budget decides the waits, not the server's Retry-After.
            respect_retry_after_header=False,
        )
        session = requests.Session()
        session.mount("http://", HTTPAdapter(max_retries=retry))
        session.mount("https://", HTTPAdapter(max_retries=retry))
        # What requests reads from the environment on every call (the proxies, scanning
        # every variable twice, ~/.netrc, the CA bundle) is read once here: the base
        # URL is fixed, so are the proxy and the bundle that apply to it.
        session.proxies = requests.utils.get_environ_proxies(self.base_url)
        bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
        if bundle:
            session.verify = bundle
        session.trust_env = False
        return session

    def _send(self, method: str, url: str, **kwargs) -> tuple[requests.Response, dict]:
        """One request with retries; returns the response and its details for errors."""
        request_id = str(uuid.uuid4())
        headers = {
            "Accept": "application/json",
            "X-API-Key": self.api_key,
            "X-Request-ID": request_id,
        }
        exhausted = {"attempts": self.retries + 1, "request_id": request_id}
        session = self._session(frozenset({method}))
        # The session is kept (``_session``), not closed after the call.
        try:
            response = session.request(
                method,
                url,
                headers=headers,
                timeout=Timeout(total=self.timeout),
                allow_redirects=False,
                **kwargs,
            )
        except requests.Timeout as exc:
            raise RegistryUnavailable("timeout", **exhausted) from exc
        except requests.ConnectionError as exc:
            reason = "timeout" if "timed out" in str(exc).lower() else "connection failed"
            raise RegistryUnavailable(reason, **exhausted) from exc
        except requests.RequestException as exc:
            raise RegistryUnavailable(type(exc).__name__, **exhausted) from exc
        retries = getattr(response.raw, "retries", None)
        attempts = len(retries.history) + 1 if retries is not None else 1
        return response, {
            "status": response.status_code,
            "attempts": attempts,
            "request_id": request_id,
        }

    def register(self, action: str, reference: str, payload: dict[str, Any]) -> Written:
        response, details = self._send(
            "POST", self.write_url(action), json={"reference": reference, "payload": payload}
        )
        is_json = response.headers.get("Content-Type", "").startswith("application/json")
        # 422: the data contradicts the registry (a personal ID of someone else).
        if response.status_code in (400, 401, 403, 404, 422) and is_json:
            try:
                detail = str(response.json().get("detail", ""))
            except (ValueError, AttributeError):
                detail = ""
            raise RegistryRejected(detail or f"HTTP {response.status_code}", **details)
        if response.status_code not in (200, 201):
            raise RegistryUnavailable(f"HTTP {response.status_code}", **details)
        try:
            body = response.json()
        except ValueError as exc:
            raise RegistryUnavailable("invalid JSON", **details) from exc
        if not isinstance(body, dict):
            raise RegistryUnavailable("unexpected JSON", **details)
        result = {k: v for k, v in body.items() if k not in ("registry", "action", "created")}
        return Written(result, created=response.status_code == 201, **details)

    def fetch(self, subject: str) -> Fetched:
        response, details = self._send("GET", self.url(subject))
        is_json = response.headers.get("Content-Type", "").startswith("application/json")
        if response.status_code == 404 and is_json:
            raise SubjectNotFound("not found", **details)
        if response.status_code in (400, 401, 403):
            raise RegistryRejected(f"HTTP {response.status_code}", **details)
        if response.status_code != 200:
            raise RegistryUnavailable(f"HTTP {response.status_code}", **details)
        try:
            body = response.json()
        except ValueError as exc:
            raise RegistryUnavailable("invalid JSON", **details) from exc
        if not isinstance(body, dict):
            raise RegistryUnavailable("unexpected JSON", **details)
        return Fetched(normalize(self.registry, body), **details)
