"""A tiny webhook receiver on loopback that does what docs/EVENTS.md asks of a receiver.

It checks the signature and the timestamp window with its own code (not ours), answers
with the statuses it is told to, applies each event id once, and can hold a request
until released (to kill a sender while it waits).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    def __init__(self, secret: str, *, window_s: int = 300):
        self.secret = secret
        self.window_s = window_s
        self.lock = threading.Lock()
        self.requests: list[dict] = []  # every request that arrived: headers and body
        self.rejected: list[str] = []  # why a request was refused
        self.applied: dict[str, dict] = {}  # event id -> the event, applied once
        self.order: list[str] = []  # event ids in the order they were first applied
        self.statuses: list[int] = []  # answers to give first (then 200)
        self.hold_next = False
        self.arrived = threading.Event()  # a held request has arrived
        self.release = threading.Event()
        self.delay_s = 0.0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/webhook"

    def start(self) -> Receiver:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def verify(self, headers, body: bytes) -> str:
        """Empty when the request is authentic and fresh, else the reason."""
        timestamp = headers.get("X-MotCua-Timestamp", "")
        if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > self.window_s:
            return "timestamp"
        expected = hmac.new(
            self.secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
        ).hexdigest()
        if not hmac.compare_digest(headers.get("X-MotCua-Signature", ""), f"v1={expected}"):
            return "signature"
        return ""

    def _handle(self, handler: BaseHTTPRequestHandler) -> int:
        body = handler.rfile.read(int(handler.headers.get("Content-Length", "0")))
        with self.lock:
            self.requests.append({"headers": dict(handler.headers), "body": body})
            reason = self.verify(handler.headers, body)
            if reason:
                self.rejected.append(reason)
                return 401
            if self.statuses:
                status = self.statuses.pop(0)
                if status >= 300:
                    return status
            event = json.loads(body)
            if event["id"] not in self.applied:  # dedup by event id
                self.applied[event["id"]] = event
                self.order.append(event["id"])
            hold, self.hold_next = self.hold_next, False
        if hold:
            self.arrived.set()
            self.release.wait(30)
        if self.delay_s:
            time.sleep(self.delay_s)
        return 200

    def _handler(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                status = receiver._handle(self)
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"{}")
                except OSError:  # the sender is gone (killed while we held it)
                    pass

            def log_message(self, *args):
                pass

        return Handler
