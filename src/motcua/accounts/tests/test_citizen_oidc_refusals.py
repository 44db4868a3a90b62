"""The portal refuses every sign-in it cannot verify, and says so in Vietnamese.

An attacker-controlled provider stand-in serves a discovery document, a published
key and a token endpoint over real HTTP; each test makes it answer with one flaw.
A control test shows that the same stand-in, answering honestly, signs the citizen in.
"""

import base64
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from jwcrypto import jwk, jwt

from tests.factories import UserFactory

CLIENT_ID = "portal-refusal-test"
REFUSED = "Không xác thực được thông tin đăng nhập do hệ thống định danh gửi về"


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


class StandInProvider:
    """A minimal OpenID provider whose token endpoint returns ``self.id_token``."""

    def __init__(self):
        self.published_key = jwk.JWK.generate(kty="RSA", size=2048, kid="published")
        self.id_token = ""
        self.token_delay = 0.0
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                if self.path == "/.well-known/openid-configuration":
                    self.reply(provider.discovery())
                elif self.path == "/jwks":
                    self.reply({"keys": [json.loads(provider.published_key.export_public())]})
                else:
                    self.reply({"error": "not_found"}, status=404)

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                time.sleep(provider.token_delay)
                self.reply(
                    {"access_token": "at", "token_type": "Bearer", "id_token": provider.id_token}
                )

            def reply(self, data, status=200):
                body = json.dumps(data).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the portal gave up waiting (timeout test)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def discovery(self):
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            # A hostile provider may advertise weak algorithms; the portal must not care.
            "id_token_signing_alg_values_supported": ["RS256", "HS256", "none"],
        }

    def claims(self, nonce, **overrides):
        now = int(time.time())
        claims = {
            "iss": self.issuer,
            "aud": CLIENT_ID,
            "sub": "subject-1",
            "iat": now,
            "exp": now + 300,
            "nonce": nonce,
            "personal_id": "001090000999",
            "name": "Hoàng Văn Giả",
        }
        claims.update(overrides)
        return claims

    def signed(self, claims, key=None, kid="published"):
        token = jwt.JWT(header={"alg": "RS256", "kid": kid}, claims=claims)
        token.make_signed_token(key or self.published_key)
        return token.serialize()


@pytest.fixture
def provider(settings):
    stand_in = StandInProvider()
    settings.MOTCUA_OIDC_DISCOVERY_URL = f"{stand_in.issuer}/.well-known/openid-configuration"
    settings.MOTCUA_OIDC_CLIENT_ID = CLIENT_ID
    settings.MOTCUA_OIDC_CLIENT_SECRET = "secret"
    settings.MOTCUA_OIDC_TIMEOUT = 1.0
    yield stand_in
    stand_in.server.shutdown()
    stand_in.server.server_close()


def start_sign_in(client) -> dict:
    response = client.get("/cong-dan/dang-nhap/")
    assert response.status_code == 302
    query = parse_qs(urlparse(response["Location"]).query)
    return {name: values[0] for name, values in query.items()}


def come_back(client, provider, request, **params):
    query = {"code": "code-1", "state": request["state"], "iss": provider.issuer}
    query.update(params)
    return client.get("/cong-dan/dang-nhap/hoan-tat/", query)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_an_honest_answer_from_the_same_stand_in_signs_the_citizen_in(client, provider):
    request = start_sign_in(client)
    provider.id_token = provider.signed(provider.claims(request["nonce"]))
    response = come_back(client, provider, request)
    assert response.status_code == 302
    assert signed_in(client)


@pytest.mark.django_db
def test_an_id_token_signed_with_another_key_is_refused(client, provider):
    request = start_sign_in(client)
    forger = jwk.JWK.generate(kty="RSA", size=2048)
    provider.id_token = provider.signed(provider.claims(request["nonce"]), key=forger)
    response = come_back(client, provider, request)
    assert response.status_code == 400
    assert REFUSED in response.content.decode()
    assert not signed_in(client)


@pytest.mark.django_db
def test_an_unsigned_id_token_is_refused(client, provider):
    request = start_sign_in(client)
    claims = provider.claims(request["nonce"])
    provider.id_token = f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims)}."
    response = come_back(client, provider, request)
    assert REFUSED in response.content.decode()
    assert not signed_in(client)


@pytest.mark.django_db
def test_an_id_token_signed_with_the_public_key_as_an_hmac_secret_is_refused(client, provider):
    request = start_sign_in(client)
    public_pem = provider.published_key.export_to_pem()
    secret = jwk.JWK(kty="oct", k=base64.urlsafe_b64encode(public_pem).rstrip(b"=").decode())
    token = jwt.JWT(header={"alg": "HS256"}, claims=provider.claims(request["nonce"]))
    token.make_signed_token(secret)
    provider.id_token = token.serialize()
    response = come_back(client, provider, request)
    assert REFUSED in response.content.decode()
    assert not signed_in(client)


@pytest.mark.django_db
def test_an_id_token_issued_to_another_client_is_refused(client, provider):
    request = start_sign_in(client)
    # azp naming this portal must not make up for an audience that does not.
    claims = provider.claims(request["nonce"], aud="some-other-portal", azp=CLIENT_ID)
    provider.id_token = provider.signed(claims)
    response = come_back(client, provider, request)
    assert REFUSED in response.content.decode()
    assert not signed_in(client)


@pytest.mark.django_db
def test_an_id_token_with_another_nonce_is_refused(client, provider):
    request = start_sign_in(client)
    provider.id_token = provider.signed(provider.claims("nonce-from-an-old-sign-in"))
    response = come_back(client, provider, request)
    assert REFUSED in response.content.decode()
    assert not signed_in(client)


@pytest.mark.django_db
def test_an_expired_id_token_is_refused(client, provider):
    request = start_sign_in(client)
    past = int(time.time()) - 3600
    claims = provider.claims(request["nonce"], iat=past - 300, exp=past)
    provider.id_token = provider.signed(claims)
    response = come_back(client, provider, request)
    assert REFUSED in response.content.decode()
    assert not signed_in(client)


@pytest.mark.django_db
def test_a_callback_with_an_unknown_state_is_refused(client, provider):
    request = start_sign_in(client)
    provider.id_token = provider.signed(provider.claims(request["nonce"]))
    response = come_back(client, provider, request, state="state-made-up-by-an-attacker")
    assert response.status_code == 400
    assert "Phiên đăng nhập không hợp lệ hoặc đã hết hạn" in response.content.decode()
    assert not signed_in(client)


@pytest.mark.django_db
def test_a_state_cannot_be_used_twice(client, provider):
    request = start_sign_in(client)
    provider.id_token = provider.signed(provider.claims(request["nonce"]))
    come_back(client, provider, request)
    # Replayed in the same browser session: the state was used up by the first answer.
    response = come_back(client, provider, request)
    assert response.status_code == 400
    assert "Phiên đăng nhập không hợp lệ hoặc đã hết hạn" in response.content.decode()


@pytest.mark.django_db
def test_an_answer_naming_another_issuer_is_refused(client, provider):
    request = start_sign_in(client)
    provider.id_token = provider.signed(provider.claims(request["nonce"]))
    response = come_back(client, provider, request, iss="https://attacker.example")
    assert REFUSED in response.content.decode()
    assert not signed_in(client)


@pytest.mark.django_db
def test_a_citizen_who_declines_at_the_provider_is_told_so(client, provider):
    request = start_sign_in(client)
    response = come_back(client, provider, request, error="access_denied", code="")
    assert "Bạn đã không đồng ý chia sẻ thông tin" in response.content.decode()
    assert not signed_in(client)


@pytest.mark.django_db
def test_a_token_without_a_personal_id_is_refused(client, provider):
    request = start_sign_in(client)
    claims = provider.claims(request["nonce"])
    del claims["personal_id"]
    provider.id_token = provider.signed(claims)
    response = come_back(client, provider, request)
    assert "không cung cấp số định danh cá nhân hợp lệ" in response.content.decode()
    assert not signed_in(client)


@pytest.mark.django_db
def test_a_provider_that_does_not_answer_in_time_gets_a_clear_message(client, provider):
    request = start_sign_in(client)
    provider.id_token = provider.signed(provider.claims(request["nonce"]))
    provider.token_delay = 3.0
    response = come_back(client, provider, request)
    assert response.status_code == 502
    assert "Không kết nối được tới hệ thống định danh điện tử" in response.content.decode()
    assert not signed_in(client)


@pytest.mark.django_db
def test_an_unreachable_provider_gets_a_clear_message_at_sign_in(client, settings):
    settings.MOTCUA_OIDC_DISCOVERY_URL = "http://127.0.0.1:9/.well-known/openid-configuration"
    response = client.get("/cong-dan/dang-nhap/")
    assert response.status_code == 502
    assert "Không kết nối được tới hệ thống định danh điện tử" in response.content.decode()


@pytest.mark.django_db
def test_a_deactivated_account_is_not_signed_in(client, provider):
    UserFactory(personal_id="001090000999", is_active=False)
    request = start_sign_in(client)
    provider.id_token = provider.signed(provider.claims(request["nonce"]))
    response = come_back(client, provider, request)
    assert response.status_code == 403
    assert "đang bị khóa" in response.content.decode()
    assert not signed_in(client)
