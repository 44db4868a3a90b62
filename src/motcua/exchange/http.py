"""The built-in adapter ``motcua-http``: MotCua to MotCua over signed HTTP(S).

One ``requests.Session`` per adapter instance (``transport.get_transport`` keeps one per
thread), so a run that sends many messages to a peer reuses its connections; every
request has the connect and read timeout ``MOTCUA_EXCHANGE_TIMEOUT_S`` and follows no
redirect. Statuses are read as docs/EXCHANGE.md says: 200 with a status is delivered;
401, 404, 408, 429 and 5xx (or no answer) are retried; 400, 409 and 422 refuse the
message for good.
"""

from __future__ import annotations

import hashlib
import json

import requests
from django.conf import settings

from . import signing
from .transport import TransportError

USER_AGENT = "MotCua-Exchange/1"
EXCHANGE_PATH = "/lien-thong/trao-doi/"
CATALOGUE_PATH = "/lien-thong/danh-muc/"
MAX_FILE_BYTES = 100 * 1024 * 1024
FINAL = {400, 409, 422}
DELIVERED = {"applied", "duplicate", "queued"}


def file_path(sha256: str) -> str:
    return f"/lien-thong/tep/{sha256}/"


def _error_of(response: requests.Response) -> tuple[str, str]:
    """(error code, message) from an exchange error answer, as far as it can be read."""
    try:
        data = response.json()
    except ValueError:
        return "", response.text[:300]
    if not isinstance(data, dict):
        return "", str(data)[:300]
    return str(data.get("error", ""))[:60], str(data.get("message", ""))[:300]


class HttpTransport:
    def __init__(self):
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT

    def close(self) -> None:
        self.session.close()

    def _url(self, peer, path: str) -> str:
        return peer.base_url.rstrip("/") + path

    def _timeout(self) -> tuple[float, float]:
        timeout = settings.MOTCUA_EXCHANGE_TIMEOUT_S
        return (timeout, timeout)

    def _refused(self, response: requests.Response) -> TransportError:
        code, message = _error_of(response)
        return TransportError(
            f"HTTP {response.status_code} {code}: {message}".strip(),
            retry=response.status_code not in FINAL,
            code=code,
            status=response.status_code,
        )

    def send(self, peer, envelope: dict) -> dict:
        body = json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode()
        headers = {"Content-Type": "application/json; charset=utf-8"}
        headers.update(signing.headers(peer.secret, body))
        try:
            response = self.session.post(
                self._url(peer, EXCHANGE_PATH),
                data=body,
                headers=headers,
                timeout=self._timeout(),
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            raise TransportError(f"{type(exc).__name__}: {exc}"[:500]) from None
        if response.status_code != 200:
            raise self._refused(response)
        try:
            answer = response.json()
        except ValueError:
            raise TransportError("HTTP 200 without a JSON answer", status=200) from None
        if not isinstance(answer, dict) or answer.get("status") not in DELIVERED:
            raise TransportError(f"unexpected answer {str(answer)[:200]}", status=200)
        return answer

    def _get(self, peer, path: str, query: str = "", *, stream: bool = False):
        target = signing.get_target(path, query)
        url = self._url(peer, path) + (f"?{query}" if query else "")
        try:
            response = self.session.get(
                url,
                headers=signing.headers(peer.secret, target),
                timeout=self._timeout(),
                allow_redirects=False,
                stream=stream,
            )
        except requests.RequestException as exc:
            raise TransportError(f"{type(exc).__name__}: {exc}"[:500]) from None
        if response.status_code != 200:
            error = self._refused(response)
            response.close()
            raise error
        return response

    def fetch_file(self, peer, sha256: str, sender_id) -> bytes:
        sha256 = sha256.lower()
        response = self._get(peer, file_path(sha256), f"link={sender_id}", stream=True)
        digest, chunks, size = hashlib.sha256(), [], 0
        try:
            for chunk in response.iter_content(64 * 1024):
                size += len(chunk)
                if size > MAX_FILE_BYTES:
                    raise TransportError("file too large", retry=False, code="too_large")
                digest.update(chunk)
                chunks.append(chunk)
        except requests.RequestException as exc:
            raise TransportError(f"{type(exc).__name__}: {exc}"[:500]) from None
        finally:
            response.close()
        if digest.hexdigest() != sha256:
            raise TransportError(
                f"the file received does not have the SHA-256 {sha256}", code="hash", status=200
            )
        return b"".join(chunks)

    def fetch_catalogue(self, peer) -> dict:
        response = self._get(peer, CATALOGUE_PATH)
        try:
            data = response.json()
        except ValueError:
            raise TransportError("the catalogue is not JSON", status=200) from None
        if not isinstance(data, dict):
            raise TransportError("the catalogue is not a JSON object", status=200)
        return data
