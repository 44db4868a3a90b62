"""Fixtures of the citizen-portal tests: a commune-level procedure, citizens, files,
and a stand-in for the national databases (the real connectors speak HTTP; the
integration test in ``test_registry_integration`` uses them)."""

from __future__ import annotations

import itertools
import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.catalog import eform
from motcua.dossiers.models import Channel, Dossier, Status
from motcua.registries import services as registries
from motcua.registries.services import Prefill
from tests.factories import offered_version
from tests.fixtures import PID

# ``commune``, ``other_commune``, ``citizen`` and ``other_citizen`` come from
# tests/fixtures.py.
REGISTRY_VALUES = {
    "full_name": "Nguyễn Văn An",
    "personal_id": PID,
    "birth_date": "1990-05-17",
    "permanent_address": "Số 5 phố Hàng Bông, phường Kinh Bắc",
}
DOWN = "Không kết nối được CSDL quốc gia về dân cư; bạn có thể tự nhập các trường này."
# A real (one blank page) PDF: uploads are read by qpdf and rebuilt.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
_codes = itertools.count(1)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


class FakeRegistry:
    """The population registry as ``prefill_form`` / ``verify_prefilled`` see it.

    ``down`` makes it answer as an unreachable registry does (no values, a message).
    """

    def __init__(self):
        self.values = dict(REGISTRY_VALUES)
        self.down = False
        self.prefill_calls = 0
        self.verify_calls = 0

    def _sourced(self, schema):
        return {
            f["name"]: f["source"].split(".", 1)[0]
            for f in eform.legacy_fields(schema)
            if isinstance(f.get("source"), str) and f["source"].startswith("dan_cu.")
        }

    def prefill_form(self, schema, applicant, *, actor=None, dossier_ref=""):
        self.prefill_calls += 1
        if self.down:
            return Prefill(values={}, sources={}, unavailable={"dan_cu": DOWN})
        names = self._sourced(schema)
        values = {name: self.values[name] for name in names if name in self.values}
        return Prefill(values=values, sources=dict.fromkeys(values, "dan_cu"), unavailable={})

    def verify_prefilled(self, schema, applicant, submitted, sources, *, actor=None, **kw):
        self.verify_calls += 1
        if self.down:
            return {}
        return {
            name: f"“{name}” phải đúng như trong CSDL quốc gia về dân cư và không sửa được."
            for name in sources
            if str(submitted.get(name)) != str(self.values.get(name))
        }


@pytest.fixture
def registry(monkeypatch):
    fake = FakeRegistry()
    monkeypatch.setattr(registries, "prefill_form", fake.prefill_form)
    monkeypatch.setattr(registries, "verify_prefilled", fake.verify_prefilled)
    return fake


@pytest.fixture
def version(commune, other_commune):
    """A commune-level procedure filed online at either commune."""
    return offered_version(
        "HT.01",
        [commune, other_commune],
        processing_days=3,
        fee_vnd=10000,
        online_fee_policy="percent",
        online_fee_value=50,
    )


@pytest.fixture
def citizen_client(client, citizen):
    client.force_login(citizen)
    return client


def applicant_of(user):
    return user.applicants.get(kind="person")


def pdf_file(name: str = "to-khai.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def start(client, version, agency, *, token=None):
    """POST the "start a dossier" form; returns the response."""
    return client.post(
        f"/thu-tuc/{version.procedure.code}/nop-ho-so/",
        {"token": str(token or uuid.uuid4()), "agency": agency.pk},
    )


def public_id_in(url: str) -> str:
    return re.search(r"/ho-so/([0-9a-f-]{36})/", url).group(1)


def complete_form_data() -> dict:
    return {**REGISTRY_VALUES, "phone": "0912345678", "email": "", "request_note": ""}


@pytest.fixture
def make_dossier(version, commune):
    """A dossier of ``user``'s applicant put directly in ``status``."""

    def make(user, status: str = Status.SUBMITTED, **fields) -> Dossier:
        defaults = dict(
            applicant=applicant_of(user),
            procedure_version=version,
            agency=commune,
            channel=Channel.ONLINE,
            status=status,
            code=None if status == Status.DRAFT else f"BN.KB-251124-{next(_codes):04d}",
            form_data=complete_form_data(),
        )
        defaults.update(fields)
        return Dossier.objects.create(**defaults)

    return make


@pytest.fixture
def ready_draft(citizen_client, citizen, version, commune, registry):
    """A draft started through the portal, prefilled, with the form and files complete."""
    response = start(citizen_client, version, commune)
    dossier = Dossier.objects.get(public_id=public_id_in(response.url))
    citizen_client.post(
        f"/ho-so/{dossier.public_id}/khai/",
        {**complete_form_data(), "action": "next"},
    )
    for component in version.components.all():
        citizen_client.post(
            f"/ho-so/{dossier.public_id}/giay-to/tai-len/",
            {"component": component.pk, "file": pdf_file(f"tp{component.position}.pdf")},
        )
    dossier.refresh_from_db()
    return dossier
