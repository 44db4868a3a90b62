"""The optional virus scanner every upload passes through (``MOTCUA_VIRUS_SCANNER``).

- ``clamd://host:port`` or ``clamd:///path/to/clamd.ctl``: ClamAV's daemon. The file is
  streamed with clamd's INSTREAM command (``zINSTREAM\\0``, then chunks each prefixed
  with its length as a 4-byte big-endian integer, then a zero length); clamd answers
  ``stream: OK`` or ``stream: <signature> FOUND``. Nothing but a socket is needed.
- a dotted path: a callable ``scan(upload) -> str | None`` returning the name of what
  it found (None when the file is clean); any exception it raises counts as the
  scanner being unavailable.
- "" (the default): no scan.

``scan`` raises ScannerUnavailable when the scanner cannot give a verdict; what then
happens to the upload (refused by default) is decided in ``files.check_upload``.
"""

from __future__ import annotations

import socket
import struct
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.module_loading import import_string

CHUNK = 64 * 1024
_MAX_REPLY = 4096


class ScannerUnavailable(Exception):
    """The scanner could not be reached or gave no verdict (the reason is for the logs)."""


def configured() -> str:
    return (getattr(settings, "MOTCUA_VIRUS_SCANNER", "") or "").strip()


def timeout_s() -> float:
    return float(getattr(settings, "MOTCUA_VIRUS_SCANNER_TIMEOUT_S", 10))


def scan(upload) -> str | None:
    """The name of the malware found in ``upload`` (None when clean or no scanner is set).

    Raises ScannerUnavailable when the configured scanner gives no verdict.
    """
    spec = configured()
    if not spec:
        return None
    if spec.startswith("clamd:"):
        return clamd_instream(spec, upload, timeout=timeout_s())
    try:
        scanner = import_string(spec)
        return scanner(upload) or None
    except Exception as exc:
        raise ScannerUnavailable(f"{spec}: {type(exc).__name__}") from exc
    finally:
        upload.seek(0)


def _connect(address: str, timeout: float) -> socket.socket:
    parts = urlsplit(address)
    if parts.hostname:
        return socket.create_connection((parts.hostname, parts.port or 3310), timeout=timeout)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect(parts.path)
    except OSError:
        sock.close()
        raise
    return sock


def clamd_instream(address: str, upload, *, timeout: float) -> str | None:
    """Stream ``upload`` to clamd at ``address``; the signature found, or None when clean.

    Raises ScannerUnavailable when clamd cannot be reached, times out or answers with
    an error (for example its StreamMaxLength was passed).
    """
    try:
        with _connect(address, timeout) as sock:
            sock.sendall(b"zINSTREAM\0")
            upload.seek(0)
            for chunk in iter(lambda: upload.read(CHUNK), b""):
                sock.sendall(struct.pack("!L", len(chunk)) + chunk)
            sock.sendall(struct.pack("!L", 0))
            reply = b""
            while not reply.endswith(b"\0") and len(reply) < _MAX_REPLY:
                piece = sock.recv(_MAX_REPLY)
                if not piece:
                    break
                reply += piece
    except OSError as exc:
        raise ScannerUnavailable(f"clamd {address}: {type(exc).__name__}") from exc
    finally:
        upload.seek(0)
    answer = reply.rstrip(b"\0\n").decode("utf-8", "replace").strip()
    verdict = answer.split(":", 1)[1].strip() if answer.startswith("stream:") else answer
    if verdict == "OK":
        return None
    if verdict.endswith(" FOUND"):
        return verdict[: -len(" FOUND")].strip() or "unknown"
    raise ScannerUnavailable(f"clamd {address}: {answer[:200] or 'no answer'}")
