"""Fixtures shared by the data store tests."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers import pdfs
from motcua.dossiers.models import Status
from tests.factories import (
    AgencyFactory,
    ApplicantFactory,
    BusinessFactory,
    UserFactory,
    dossier_maker,
    procedure_version,
)

# A real (one blank page) PDF: uploads are read by qpdf and rebuilt.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


# What is stored of PDF: the file rebuilt without active content.
STORED_PDF = pdfs.disarmed(PDF)


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
