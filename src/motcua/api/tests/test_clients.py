"""Systems: registered with create_api_client, signed in with client credentials."""

import base64
import hashlib
import io
import secrets
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from oauth2_provider.models import get_application_model

from motcua.api.models import ApiClient
from motcua.dossiers.models import Status

from .conftest import Api, error_code

pytestmark = pytest.mark.django_db


def register(*args) -> dict[str, str]:
    out = io.StringIO()
    call_command("create_api_client", *args, stdout=out)
    lines = [line.split("=", 1) for line in out.getvalue().splitlines() if "=" in line]
    return dict(lines)


def token_request(credentials: dict, **data):
    basic = base64.b64encode(
        f"{credentials['client_id']}:{credentials['client_secret']}".encode()
    ).decode()
    return Client().post(
        "/idp/token/",
        {"grant_type": "client_credentials", **data},
        headers={"Authorization": f"Basic {basic}"},
    )


def test_a_registered_system_gets_a_token_and_reads_its_agency(citizen, make_dossier, commune):
    credentials = register(
        "Hệ thống một cửa tỉnh", "--agency", "BN.KB", "--scopes", "dossiers:read"
    )
    client = ApiClient.objects.get()
    assert client.application.client_id == credentials["client_id"]
    assert client.application.client_secret != credentials["client_secret"]  # hashed
    answer = token_request(credentials)
    assert answer.status_code == 200, answer.content
    token = answer.json()
    assert token["scope"] == "dossiers:read"  # the client's scopes when none is asked
    dossier = make_dossier(citizen, Status.SUBMITTED)
    api = Api(Client(), {"Authorization": f"Bearer {token['access_token']}"})
    listed = api.get("/officer/dossiers").json()["items"]
    assert [d["id"] for d in listed] == [str(dossier.public_id)]
    refused = api.post(f"/officer/dossiers/{dossier.public_id}/actions", {"action": "receive"})
    assert refused.status_code == 403 and error_code(refused) == "insufficient_scope"


def test_a_system_cannot_obtain_a_scope_it_was_not_given(commune):
    credentials = register("Hệ thống đọc", "--agency", "BN.KB", "--scopes", "dossiers:read")
    answer = token_request(credentials, scope="dossiers:read dossiers:write")
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_scope"


def test_a_wrong_secret_gets_no_token(commune):
    credentials = register("Hệ thống", "--agency", "BN.KB")
    answer = token_request({**credentials, "client_secret": "sai"})
    assert answer.status_code == 401


def test_unknown_agency_or_scope_is_refused(commune):
    with pytest.raises(CommandError, match="Không có cơ quan với mã: XX"):
        register("Hệ thống", "--agency", "XX")
    with pytest.raises(CommandError):
        register("Hệ thống", "--agency", "BN.KB", "--scopes", "admin")
    assert not ApiClient.objects.exists()


def test_the_admin_edits_agencies_and_scopes(admin_client, commune):
    register("Hệ thống", "--agency", "BN.KB")
    client = ApiClient.objects.get()
    page = admin_client.get(f"/quan-tri/api/apiclient/{client.pk}/change/")
    assert page.status_code == 200
    response = admin_client.post(
        f"/quan-tri/api/apiclient/{client.pk}/change/",
        {
            "name": "Hệ thống mới",
            "agencies": [commune.pk],
            "scopes": ["dossiers:read", "payments:write"],
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    client.refresh_from_db()
    assert client.scope_list == ["dossiers:read", "payments:write"]


def test_a_person_token_from_the_authorization_code_flow(citizen, make_dossier):
    """A citizen's own app: sign in at the provider, consent (skipped here), PKCE."""
    Application = get_application_model()
    Application.objects.create(
        name="Ứng dụng thử",
        client_id="ung-dung-thu",
        client_type=Application.CLIENT_PUBLIC,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris="http://127.0.0.1:8765/callback",
        skip_authorization=True,
        algorithm=Application.RS256_ALGORITHM,
    )
    verifier = secrets.token_urlsafe(48)
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    browser = Client()
    signed_in = browser.post(
        "/idp/dang-nhap/", {"personal_id": citizen.personal_id, "password": "matkhau-demo-123"}
    )
    assert signed_in.status_code == 302
    authorized = browser.get(
        "/idp/authorize/",
        {
            "response_type": "code",
            "client_id": "ung-dung-thu",
            "redirect_uri": "http://127.0.0.1:8765/callback",
            "scope": "openid dossiers:read",
            "state": "trang-thai",
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        },
    )
    assert authorized.status_code == 302, authorized.content[:500]
    code = parse_qs(urlsplit(authorized["Location"]).query)["code"][0]
    answer = Client().post(
        "/idp/token/",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": "http://127.0.0.1:8765/callback",
            "client_id": "ung-dung-thu",
            "code_verifier": verifier,
        },
    )
    assert answer.status_code == 200, answer.content
    token = answer.json()["access_token"]
    dossier = make_dossier(citizen, Status.RECEIVED)
    api = Api(Client(), {"Authorization": f"Bearer {token}"})
    assert [d["id"] for d in api.get("/dossiers").json()["items"]] == [str(dossier.public_id)]
    refused = api.post(f"/dossiers/{dossier.public_id}/withdraw", {"reason": "x"})
    assert refused.status_code == 403 and error_code(refused) == "insufficient_scope"
