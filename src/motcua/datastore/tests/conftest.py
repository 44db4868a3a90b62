"""Fixtures shared by the data store tests."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers.models import Status
from tests.factories import (
    AgencyFactory,
    ApplicantFactory,
    BusinessFactory,
    UserFactory,
    dossier_maker,
    procedure_version,
)

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def pdf(name: str = "can-cuoc.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def citizen():
    return UserFactory(username="congdan", full_name="Trần Thị Bình")


@pytest.fixture
def stranger():
    return UserFactory(username="nguoila", full_name="Lê Văn Cường")


@pytest.fixture
def applicant(citizen):
    return ApplicantFactory(name="Trần Thị Bình", user=citizen)


@pytest.fixture
def make_dossier(applicant):
    """A dossier put directly in ``status`` (as if it had got there through the workflow)."""
    return dossier_maker(
        Status.DRAFT,
        applicant=applicant,
        procedure_version=procedure_version("KDL.01"),
        agency=AgencyFactory(code="UBX", name="UBND xã An Bình"),
    )


@pytest.fixture
def business(stranger):
    """A business acting through its legal representative (the stranger's account)."""
    representative = ApplicantFactory(name="Lê Văn Cường", user=stranger)
    return BusinessFactory(
        name="Công ty TNHH An Phát", tax_code="0101234567", representative=representative
    )
