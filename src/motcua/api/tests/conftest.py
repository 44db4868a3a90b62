"""Fixtures of the API tests: a commune with its officers, a procedure filed online
there, citizens, and clients that call the API with a bearer token or a session."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import uuid

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken

from motcua.agencies.models import Role
from motcua.dossiers.models import Channel, Dossier, Status
from tests.factories import dossier_in_status, offered_version
from tests.fixtures import OTHER_PID, PID

# ``commune``, ``other_commune``, ``citizen``, ``other_citizen`` and ``officer_of`` come
# from tests/fixtures.py.
__all__ = ["OTHER_PID", "PID"]
# A real (one blank page) PDF: uploads are read by qpdf and rebuilt.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
FORM = {
    "full_name": "Nguyễn Văn An",
    "personal_id": PID,
    "birth_date": "1990-05-17",
    "permanent_address": "Số 5 phố Hàng Bông, phường Kinh Bắc",
    "phone": "0912345678",
}
ALL_SCOPES = "dossiers:read dossiers:write payments:write"


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MOTCUA_PORTAL_PUBLIC_URL = ""
    # No national database in these tests: the citizen types every value.
    settings.MOTCUA_REGISTRY_DEFAULT_CONNECTOR = "disabled"
    settings.MOTCUA_API_RATE_AUTHENTICATED = "100000/m"
    settings.MOTCUA_API_RATE_PUBLIC = "100000/m"
    settings.MOTCUA_LOOKUP_RATE = "100000/m"
    settings.MOTCUA_LOOKUP_CODE_RATE = "100000/m"
    cache.clear()
    yield
    cache.clear()


class Api:
    """A test client speaking JSON to /api/v1/ as one caller."""

    def __init__(self, client: Client, headers: dict | None = None):
        self.client = client
        self.headers = headers or {}

    def _call(self, method: str, path: str, data=None, headers=None, **extra):
        url = path if path.startswith("/api/") else f"/api/v1{path}"
        headers = {**self.headers, **(headers or {})}
        if data is not None and not extra.pop("multipart", False):
            extra.update(data=json.dumps(data), content_type="application/json")
        elif data is not None:
            extra["data"] = data
        return getattr(self.client, method)(url, headers=headers, **extra)

    def get(self, path, **kw):
        return self._call("get", path, **kw)

    def post(self, path, data=None, *, key: str | None = "auto", **kw):
        headers = dict(kw.pop("headers", {}) or {})
        if key == "auto":
            key = str(uuid.uuid4())
        if key:
            headers["Idempotency-Key"] = key
        return self._call("post", path, data if data is not None else {}, headers=headers, **kw)

    def upload(self, path, data, *, key: str | None = "auto", **kw):
        return self.post(path, data, key=key, multipart=True, **kw)

    def put(self, path, data, **kw):
        return self._call("put", path, data, **kw)

    def delete(self, path, **kw):
        return self._call("delete", path, **kw)


def bearer_token(user=None, *, scope: str = ALL_SCOPES, application=None, expires_in=600) -> str:
    """A token of the bundled provider, as /idp/token/ would have issued it."""
    raw = secrets.token_urlsafe(30)
    AccessToken.objects.create(
        user=user,
        application=application,
        token=raw,
        scope=scope,
        expires=timezone.now() + dt.timedelta(seconds=expires_in),
    )
    return raw


def as_bearer(user, scope: str = ALL_SCOPES) -> Api:
    return Api(Client(), {"Authorization": f"Bearer {bearer_token(user, scope=scope)}"})


def as_session(user) -> Api:
    client = Client()
    client.force_login(user)
    return Api(client)


def pdf(name="to-khai.pdf", content=PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def error_code(response) -> str:
    return response.json()["error"]["code"]


@pytest.fixture
def version(commune):
    return offered_version(
        "HT.01",
        [commune],
        processing_days=3,
        fee_vnd=10000,
        online_fee_policy="percent",
        online_fee_value=50,
    )


@pytest.fixture
def desk(officer_of, commune):
    return officer_of(commune, Role.DESK_OFFICER)


@pytest.fixture
def make_dossier(version, commune):
    """A dossier of ``user``'s applicant put directly in ``status``."""

    def make(user, status: str = Status.SUBMITTED, **fields) -> Dossier:
        defaults = dict(
            applicant=user.applicants.get(kind="person"),
            procedure_version=version,
            agency=commune,
            channel=Channel.ONLINE,
            form_data=dict(FORM),
            fee_vnd=5000,
        )
        defaults.update(fields)
        return dossier_in_status(status, **defaults)

    return make


@pytest.fixture
def system_client(commune):
    """A system registered for the commune with every scope: (Api, ApiClient)."""
    from motcua.api.services import create_api_client

    credentials = create_api_client(
        name="Cổng dịch vụ công quốc gia",
        agency_codes=[commune.code],
        scopes=ALL_SCOPES.split(),
    )
    token = bearer_token(None, application=credentials.client.application)
    return Api(Client(), {"Authorization": f"Bearer {token}"}), credentials.client
