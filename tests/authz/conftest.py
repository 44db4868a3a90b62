"""Fixtures of the authorization matrix: the world, built once per module in a transaction
that is rolled back at the end, and ``call`` which makes one request as one principal
inside a savepoint of its own (so that no request changes what the next one sees)."""

from __future__ import annotations

import json
import logging
import threading
from contextlib import ExitStack
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client, override_settings

from . import world as world_module

# Every request comes from an address outside the platform's networks.
OUTSIDE_ADDRESS = "203.0.113.7"
STUB_PDF = b"%PDF-1.4\n% rendered elsewhere\n%%EOF\n"
# The access decision is taken before any of these renders its PDF (they have their own
# tests); the matrix asks for PDFs dozens of times, so they answer a stub here.
PDF_RENDERERS = (
    "motcua.monitoring.views.monthly_pdf",
    "motcua.backoffice.fees.render_receipt_pdf",
    "motcua.payments.views.render_receipt_pdf",
    "motcua.payments.receipt_pdf.render_receipt_pdf",
    "motcua.portal.receipt_pdf.render_receipt_pdf",
)
REQUESTS = {"count": 0}


class DiscoveryStandIn:
    """An identity provider's discovery document on a local port, so that the portal's
    sign-in page can send the citizen on (what happens there is not the matrix's)."""

    def __init__(self):
        document = {}

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (the stdlib's name)
                body = json.dumps(document).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        document.update(
            issuer=self.issuer,
            authorization_endpoint=f"{self.issuer}/authorize",
            token_endpoint=f"{self.issuer}/token",
            jwks_uri=f"{self.issuer}/jwks",
        )
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    provider = DiscoveryStandIn()
    with ExitStack() as stack:
        stack.callback(provider.close)
        stack.callback(cache.clear)
        stack.enter_context(
            override_settings(
                MEDIA_ROOT=tmp_path_factory.mktemp("authz-media"),
                PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
                MOTCUA_REGISTRY_DEFAULT_CONNECTOR="disabled",
                MOTCUA_PORTAL_PUBLIC_URL="",
                MOTCUA_API_RATE_AUTHENTICATED="1000000/m",
                MOTCUA_API_RATE_PUBLIC="1000000/m",
                MOTCUA_LOOKUP_RATE="",
                MOTCUA_LOOKUP_CODE_RATE="",
                MOTCUA_NOTIFICATIONS_INLINE=False,
                MOTCUA_OIDC_DISCOVERY_URL=f"{provider.issuer}/.well-known/openid-configuration",
                MOTCUA_OIDC_CLIENT_ID="motcua-portal",
                MOTCUA_OIDC_CLIENT_SECRET="authz-secret",
            )
        )
        for target in PDF_RENDERERS:
            stack.enter_context(mock.patch(target, return_value=STUB_PDF))
        # 403 and 404 are what the matrix expects by the thousand: no warning for each.
        logging.disable(logging.WARNING)
        stack.callback(logging.disable, logging.NOTSET)
        stack.enter_context(django_db_blocker.unblock())
        # The world's transaction plays a test case's part: audit records queued by the
        # services are written when each service's block ends (audit/deferred.py).
        outer = transaction.atomic()
        outer._from_testcase = True
        stack.enter_context(outer)
        yield world_module.build()
        transaction.set_rollback(True)


@pytest.fixture
def call(world, db):
    """``call(principal, method, url, *, api=False, **kwargs)`` → the response.

    Web principals carry their session cookie; API principals their bearer token (the
    anonymous principal carries neither). The request runs in a savepoint that is
    rolled back, after the throttles' and rate limits' cache is emptied.
    """

    def make(principal: str, method: str, url: str, *, api: bool = False, **kwargs):
        client = Client(raise_request_exception=False, REMOTE_ADDR=OUTSIDE_ADDRESS)
        headers = dict(kwargs.pop("headers", {}) or {})
        if api:
            if principal != "anonymous":
                headers["Authorization"] = f"Bearer {world.tokens[principal]}"
        elif principal != "anonymous":
            for key, value in world.cookies[principal].items():
                client.cookies[key] = value
        cache.clear()
        REQUESTS["count"] += 1
        with transaction.atomic():
            response = getattr(client, method.lower())(url, headers=headers, **kwargs)
            if response.streaming:
                # Reading it to the end closes it, as the test client does for the others
                # (an explicit close() would fire request_finished, which closes the
                # database connection inside the transaction on PostgreSQL).
                b"".join(response.streaming_content)
            transaction.set_rollback(True)
        return response

    return make


def pytest_terminal_summary(terminalreporter):
    if REQUESTS["count"]:
        terminalreporter.write_line(f"authorization matrix: {REQUESTS['count']} requests")
