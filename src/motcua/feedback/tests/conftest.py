"""Fixtures of the PAKN tests: two agencies, a procedure each, a citizen's dossier."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.agencies.models import Agency, Role
from motcua.dossiers.models import Status
from tests.factories import AgencyFactory, dossier_in_status, offered_version, officer_user

PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def pdf(name="anh-chup.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MOTCUA_PAKN_DAYS = 10
    settings.MOTCUA_LOOKUP_RATE = ""


@pytest.fixture
def ward():
    return AgencyFactory(code="PX", name="UBND phường Xuân", kind=Agency.Kind.COMMUNE)


@pytest.fixture
def other_ward():
    return AgencyFactory(code="PY", name="UBND phường Yên", kind=Agency.Kind.COMMUNE)


@pytest.fixture
def version(ward):
    return offered_version("PAKN.01", [ward])


@pytest.fixture
def shared_version(ward, other_ward):
    return offered_version("PAKN.02", [ward, other_ward], name="Chứng thực bản sao")


@pytest.fixture
def person(citizen):
    from motcua.accounts.models import Applicant

    return Applicant.objects.get(user=citizen)


@pytest.fixture
def dossier(person, version, ward):
    return dossier_in_status(
        Status.IN_PROCESS,
        applicant=person,
        procedure_version=version,
        agency=ward,
        submitted_at=dt.datetime(2026, 3, 2, 9, tzinfo=dt.UTC),
    )


@pytest.fixture
def desk(ward):
    return officer_user(ward, Role.DESK_OFFICER, "pakn-desk")


@pytest.fixture
def other_desk(other_ward):
    return officer_user(other_ward, Role.DESK_OFFICER, "pakn-desk-y")
