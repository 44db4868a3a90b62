"""Paying a demo dossier's fee through the bundled gateway simulator, over real HTTP.

``seed_demo`` runs before any server is up, so :func:`serve_in_background` serves this
project on an ephemeral port of 127.0.0.1 for the duration of a ``with`` block (the
payment settings point at it meanwhile), and :func:`pay_through_simulator` walks the
round trip as a browser would: the gateway's page, "Thanh toán", the return page.

Call both outside any open transaction: the server's threads use their own database
connections and must see the dossier (on an in-memory SQLite test database they share
the caller's connection instead, as Django's live server does).
"""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Iterator
from html import unescape
from urllib.parse import urljoin

import requests
from django.conf import settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler
from django.db import connections
from django.test.utils import override_settings
from django.urls import reverse

from motcua.dossiers.models import Dossier
from motcua.payments import services
from motcua.payments.models import Payment

PAY_PATH = "/mo-phong/thanh-toan/paymentv2/vpcpay.html"
API_PATH = "/mo-phong/thanh-toan/merchant_webapi/api/transaction"
TIMEOUT_S = 30

_FORM = re.compile(r'<form method="post" action="([^"]*/giao-dich/[^"]*)"')
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args) -> None:  # noqa: A002 (the stdlib's name)
        pass


def _shared_in_memory_connections() -> dict:
    """The in-memory SQLite connections the server threads must share (else they'd see
    an empty database of their own)."""
    shared = {}
    for conn in connections.all():
        if conn.vendor == "sqlite" and conn.is_in_memory_db():
            conn.inc_thread_sharing()
            shared[conn.alias] = conn
    return shared


@contextlib.contextmanager
def serve_in_background() -> Iterator[str]:
    """Serve this project on 127.0.0.1 (ephemeral port) in a thread; yields its base URL.

    Meanwhile the VNPay pay and API URLs point at that server (its simulator), and the
    settings are restored afterwards.
    """
    shared = _shared_in_memory_connections()
    server = ThreadedWSGIServer(
        ("127.0.0.1", 0), _QuietHandler, allow_reuse_address=False, connections_override=shared
    )
    server.set_app(WSGIHandler())
    thread = threading.Thread(target=server.serve_forever, name="payment-walk", daemon=True)
    thread.start()
    base_url = f"http://127.0.0.1:{server.server_port}"
    hosts = list(settings.ALLOWED_HOSTS)
    try:
        with override_settings(
            MOTCUA_VNPAY_PAY_URL=base_url + PAY_PATH,
            MOTCUA_VNPAY_API_URL=base_url + API_PATH,
            ALLOWED_HOSTS=hosts if "127.0.0.1" in hosts or "*" in hosts else [*hosts, "127.0.0.1"],
        ):
            yield base_url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        for conn in shared.values():
            conn.dec_thread_sharing()


def pay_through_simulator(dossier: Dossier, base_url: str, scenario: str = "normal") -> Payment:
    """Pay ``dossier``'s fee at the simulated gateway served at ``base_url``.

    The citizen's "start" step calls the service with the return URL on ``base_url``;
    then a browser session opens the gateway's page, presses "Thanh toán" with the IPN
    ``scenario`` (normal, twice, late, never) and follows the redirect back to the
    return page. Returns the payment as the platform then sees it. Raises PaymentError
    when nothing is payable and RuntimeError when a page is not what a browser expects.
    """
    payment, gateway_url = services.start_online_payment(
        dossier,
        by=dossier.applicant.user,
        return_url=base_url + reverse("payments:return"),
        client_ip="127.0.0.1",
    )
    with requests.Session() as browser:
        page = browser.get(gateway_url, timeout=TIMEOUT_S)
        form, token = _FORM.search(page.text), _CSRF.search(page.text)
        if page.status_code != 200 or not form or not token:
            raise RuntimeError(f"the gateway page answered HTTP {page.status_code}")
        result = browser.post(
            urljoin(page.url, unescape(form.group(1))),
            data={
                "csrfmiddlewaretoken": token.group(1),
                "action": "pay",
                "bank_code": "NCB",
                "scenario": scenario,
            },
            headers={"Referer": page.url},
            timeout=TIMEOUT_S,
        )
        if result.status_code != 200:
            raise RuntimeError(f"the return page answered HTTP {result.status_code}")
    payment.refresh_from_db()
    return payment
