"""The demo provider speaks OpenID Connect: discovery, keys, code flow with PKCE, claims."""

import base64
import hashlib
import io
import json
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.management import call_command
from jwcrypto import jwk, jwt

from motcua.accounts.models import Applicant
from tests.factories import ApplicantFactory, UserFactory

CLIENT_ID, SECRET = "portal-test", "secret-for-tests-only"
CALLBACK = "http://testserver/cong-dan/dang-nhap/hoan-tat/"
VERIFIER = "v" * 64


def challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def basic(client_id: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


@pytest.fixture
def portal_client(db):
    call_command(
        "setup_idp",
        "--base-url=http://testserver",
        f"--client-id={CLIENT_ID}",
        f"--client-secret={SECRET}",
        stdout=io.StringIO(),
    )


@pytest.fixture
def citizen(db):
    user = UserFactory(
        personal_id="001090000123",
        full_name="Trần Thị Bích",
        phone="0912345678",
        email="bich@example.vn",
    )
    person = ApplicantFactory(
        personal_id=user.personal_id, name=user.full_name, user=user, birth_date="1990-05-17"
    )
    Applicant.objects.create(
        kind=Applicant.Kind.BUSINESS,
        name="Công ty TNHH Bích Phát",
        tax_code="0101234567",
        address="12 Lê Lợi, Huế",
        representative=person,
        user=user,
    )
    return user


def authorize(client, **overrides):
    params = {
        "client_id": CLIENT_ID,
        "response_type": "code",
        "redirect_uri": CALLBACK,
        "scope": "openid profile email phone citizen business",
        "state": "state-1",
        "nonce": "nonce-1",
        "code_challenge": challenge(VERIFIER),
        "code_challenge_method": "S256",
    }
    params.update(overrides)
    return client.get("/idp/authorize/", {k: v for k, v in params.items() if v is not None})


def sign_in_at_provider(client, user):
    response = client.post(
        "/idp/dang-nhap/", {"personal_id": user.personal_id, "password": "matkhau-demo-123"}
    )
    assert response.status_code == 302


def tokens(client, code):
    response = client.post(
        "/idp/token/",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": CALLBACK,
            "code_verifier": VERIFIER,
        },
        HTTP_AUTHORIZATION=basic(CLIENT_ID, SECRET),
    )
    assert response.status_code == 200, response.content
    return response.json()


def code_from(response) -> str:
    assert response.status_code == 302, response.content
    query = parse_qs(urlparse(response["Location"]).query)
    return query["code"][0]


def test_discovery_document_offers_only_the_code_flow_with_s256_and_rs256(client, db):
    document = client.get("/idp/.well-known/openid-configuration").json()
    assert document["issuer"] == "http://testserver/idp"
    assert document["authorization_endpoint"] == "http://testserver/idp/authorize/"
    assert document["jwks_uri"] == "http://testserver/idp/.well-known/jwks.json"
    assert document["response_types_supported"] == ["code"]
    assert document["code_challenge_methods_supported"] == ["S256"]
    assert "RS256" in document["id_token_signing_alg_values_supported"]
    assert "represented_businesses" in document["claims_supported"]
    assert document["end_session_endpoint"] == "http://testserver/idp/logout/"


def test_an_anonymous_authorization_request_goes_to_the_provider_sign_in_page(
    client, portal_client
):
    response = authorize(client)
    assert response.status_code == 302
    assert response["Location"].startswith("/idp/dang-nhap/?next=/idp/authorize/")


def test_a_request_without_pkce_is_refused(client, portal_client, citizen):
    sign_in_at_provider(client, citizen)
    response = authorize(client, code_challenge=None, code_challenge_method=None)
    query = parse_qs(urlparse(response["Location"]).query)
    assert "code" not in query
    assert query["error"] == ["invalid_request"]
    assert query["error_description"] == ["Code challenge required."]


def test_the_id_token_is_signed_with_the_published_key_and_carries_the_citizen(
    client, portal_client, citizen
):
    sign_in_at_provider(client, citizen)
    issued = tokens(client, code_from(authorize(client)))
    keys = jwk.JWKSet.from_json(client.get("/idp/.well-known/jwks.json").content)
    token = jwt.JWT(jwt=issued["id_token"], key=keys, algs=["RS256"])
    claims = json.loads(token.claims)
    assert claims["aud"] == CLIENT_ID
    assert claims["nonce"] == "nonce-1"
    assert claims["personal_id"] == "001090000123"
    assert claims["name"] == "Trần Thị Bích"
    assert claims["birth_date"] == "1990-05-17"
    assert claims["represented_businesses"] == [
        {"tax_code": "0101234567", "name": "Công ty TNHH Bích Phát", "address": "12 Lê Lợi, Huế"}
    ]


@pytest.mark.parametrize(("level", "acr"), [(2, "vneid:level2"), (1, "vneid:level1")])
def test_the_id_token_says_the_e_id_level_of_the_account_as_acr(
    client, portal_client, citizen, level, acr
):
    citizen.eid_level = level
    citizen.save(update_fields=["eid_level"])
    sign_in_at_provider(client, citizen)
    issued = tokens(client, code_from(authorize(client, scope="openid")))
    keys = jwk.JWKSet.from_json(client.get("/idp/.well-known/jwks.json").content)
    claims = json.loads(jwt.JWT(jwt=issued["id_token"], key=keys, algs=["RS256"]).claims)
    assert claims["acr"] == acr  # with the openid scope alone
    assert "acr" in client.get("/idp/.well-known/openid-configuration").json()["claims_supported"]


def test_the_subject_is_stable_and_does_not_reveal_the_personal_id(client, portal_client, citizen):
    sign_in_at_provider(client, citizen)
    first = tokens(client, code_from(authorize(client)))
    second = tokens(client, code_from(authorize(client, state="state-2")))
    keys = jwk.JWKSet.from_json(client.get("/idp/.well-known/jwks.json").content)
    subjects = {
        json.loads(jwt.JWT(jwt=issued["id_token"], key=keys).claims)["sub"]
        for issued in (first, second)
    }
    assert len(subjects) == 1
    assert "001090000123" not in subjects.pop()


def test_userinfo_returns_phone_and_email_only_with_their_scopes(client, portal_client, citizen):
    sign_in_at_provider(client, citizen)
    issued = tokens(client, code_from(authorize(client, scope="openid profile citizen")))
    info = client.get(
        "/idp/userinfo/", HTTP_AUTHORIZATION=f"Bearer {issued['access_token']}"
    ).json()
    assert info["personal_id"] == "001090000123"
    assert "phone" not in info and "email" not in info
    assert "represented_businesses" not in info


def test_a_client_that_does_not_skip_consent_gets_a_vietnamese_consent_page(
    client, portal_client, citizen
):
    from oauth2_provider.models import Application

    Application.objects.filter(client_id=CLIENT_ID).update(skip_authorization=False)
    sign_in_at_provider(client, citizen)
    page = authorize(client).content.decode()
    assert "Cho phép chia sẻ thông tin" in page
    assert "Các doanh nghiệp, tổ chức mà bạn là người đại diện theo pháp luật" in page


def test_a_code_cannot_be_exchanged_without_the_pkce_verifier(client, portal_client, citizen):
    sign_in_at_provider(client, citizen)
    code = code_from(authorize(client))
    response = client.post(
        "/idp/token/",
        {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK},
        HTTP_AUTHORIZATION=basic(CLIENT_ID, SECRET),
    )
    assert response.status_code == 400
    assert "id_token" not in response.json()


def password_grant(client, username: str, password: str):
    response = client.post(
        "/idp/token/",
        {"grant_type": "password", "username": username, "password": password},
        HTTP_AUTHORIZATION=basic(CLIENT_ID, SECRET),
    )
    return response.status_code, response.json()


def test_the_password_grant_cannot_tell_a_right_password_from_a_wrong_one(
    client, portal_client, citizen
):
    # Hole 14: no resource-owner password grant; every attempt gets the same answer.
    right = password_grant(client, citizen.username, "matkhau-demo-123")
    wrong = password_grant(client, citizen.username, "sai-mat-khau")
    unknown = password_grant(client, "079099999999", "matkhau-demo-123")
    assert right == wrong == unknown
    assert right[0] == 400 and "access_token" not in right[1]
