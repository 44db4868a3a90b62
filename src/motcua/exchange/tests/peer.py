"""A stand-in peer on loopback for the outbox tests: a real HTTP server that checks the
exchange's signature with its own code (docs/EXCHANGE.md), answers with the statuses it
is told to, applies each message id once and records the order. It can be stopped and
started again on the same port (a peer down, then up)."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakePeer:
    def __init__(self, secret: str, *, window_s: int = 300):
        self.secret = secret
        self.window_s = window_s
        self.lock = threading.Lock()
        self.requests: list[dict] = []
        self.rejected: list[str] = []
        self.applied: dict[str, dict] = {}  # message id → envelope, applied once
        self.order: list[tuple[str, int]] = []  # (sender_id, seq) in the order applied
        self.statuses: list[int] = []  # answers to give first (then 200)
        self.receiver_ids: dict[str, str] = {}
        self.port = 0
        self.server = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakePeer:
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), self._handler())
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def verify(self, headers, body: bytes) -> str:
        timestamp = headers.get("X-MotCua-Timestamp", "")
        if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > self.window_s:
            return "timestamp"
        expected = hmac.new(
            self.secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
        ).hexdigest()
        if not hmac.compare_digest(headers.get("X-MotCua-Signature", ""), f"sha256={expected}"):
            return "signature"
        return ""

    def _handle(self, handler: BaseHTTPRequestHandler) -> tuple[int, dict]:
        body = handler.rfile.read(int(handler.headers.get("Content-Length", "0")))
        with self.lock:
            self.requests.append({"headers": dict(handler.headers), "body": body})
            reason = self.verify(handler.headers, body)
            if reason:
                self.rejected.append(reason)
                return 401, {"status": "error", "error": reason}
            if self.statuses:
                status = self.statuses.pop(0)
                if status >= 300:
                    return status, {"status": "error", "error": f"test-{status}"}
            envelope = json.loads(body)
            link = envelope["link"] or {}
            sender_id = link.get("sender_id") or ""
            receiver = self.receiver_ids.setdefault(sender_id, str(uuid.uuid4()))
            if envelope["message_id"] in self.applied:
                return 200, {"status": "duplicate", "ack": {"receiver_id": receiver}}
            self.applied[envelope["message_id"]] = envelope
            self.order.append((sender_id, envelope["seq"]))
            return 200, {"status": "applied", "ack": {"receiver_id": receiver}}

    def _handler(self):
        peer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802
                status, answer = peer._handle(self)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        return Handler
