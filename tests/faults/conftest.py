"""Fixtures of the fault tests: a commune taking a procedure online, a citizen, drafts
ready to submit, the media folder, and a browser session for a separate server
(``commune`` comes from tests/fixtures.py)."""

from __future__ import annotations

import secrets
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

from motcua.dossiers import services as dossier_services
from motcua.dossiers.files import add_attachment
from motcua.dossiers.models import Attachment
from tests.factories import citizen_user, offered_version
from tests.fixtures import PID

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
    "email": "an@example.vn",
    "request_note": "",
}


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MOTCUA_REGISTRY_DEFAULT_CONNECTOR = "disabled"
    settings.MOTCUA_LOOKUP_RATE = ""
    settings.MOTCUA_LOOKUP_CODE_RATE = ""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def media(settings) -> Path:
    return Path(settings.MEDIA_ROOT)


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def pdf(name: str = "to-khai.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def version(commune):
    return offered_version("HT.01", [commune], processing_days=3, fee_vnd=0)


@pytest.fixture
def citizen():
    return citizen_user("congdan", "Nguyễn Văn An", PID, email="an@example.vn")


@pytest.fixture
def make_draft(citizen, version, commune):
    """A draft of the citizen with its e-form filled; ``with_files`` attaches every component."""

    def make(with_files: bool = True):
        draft = dossier_services.create_draft(
            applicant=citizen.applicants.get(kind="person"),
            version=version,
            agency=commune,
            form_data=dict(FORM),
            by=citizen,
        )
        if with_files:
            for component in version.components.all():
                # add_attachment runs in its caller's transaction (the quota's row lock).
                with transaction.atomic():
                    add_attachment(
                        draft,
                        pdf(),
                        kind=Attachment.Kind.COMPONENT,
                        component=component,
                        by=citizen,
                    )
        return draft

    return make


class Browser:
    """A signed-in citizen's browser against a server in another process (requests)."""

    def __init__(self, user, base_url: str = ""):
        self.base_url = base_url  # set once the server runs; sign in before copying the db
        self.session = requests.Session()
        client = Client()
        client.force_login(user)
        self.session.cookies.set(
            settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value
        )
        self.csrf = secrets.token_hex(16)
        self.session.cookies.set(settings.CSRF_COOKIE_NAME, self.csrf)

    def post(self, path: str, timeout: float = 30, **kwargs) -> requests.Response:
        kwargs.setdefault("allow_redirects", False)
        return self.session.post(
            urljoin(self.base_url, path),
            headers={"X-CSRFToken": self.csrf},
            timeout=timeout,
            **kwargs,
        )

    def get(self, path: str, timeout: float = 30, **kwargs) -> requests.Response:
        return self.session.get(urljoin(self.base_url, path), timeout=timeout, **kwargs)
