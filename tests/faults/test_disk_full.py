"""The disk filling up while an attachment is stored: a clear Vietnamese error, and
nothing half-written (no row, no partial file)."""

from __future__ import annotations

import pytest

from motcua.datastore.models import Document
from motcua.dossiers.exceptions import DossierError
from motcua.dossiers.models import Attachment, Dossier, Status
from motcua.portal import services as portal_services
from tests.factories import dossier_in_status

from .conftest import files_under, pdf
from .storages import FillsAfterOneFileStorage

pytestmark = pytest.mark.django_db

FULL = "Hệ thống chưa lưu được tệp"


@pytest.fixture
def full_disk(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "tests.faults.storages.FullDiskStorage"},
    }


def test_an_upload_to_a_full_disk_is_refused_and_leaves_nothing(
    full_disk, client, citizen, make_draft, media
):
    draft = make_draft(with_files=False)
    client.force_login(citizen)
    response = client.post(
        f"/ho-so/{draft.public_id}/giay-to/tai-len/",
        {"component": draft.procedure_version.components.first().pk, "file": pdf()},
    )
    assert response.status_code == 400
    assert FULL in response.content.decode() and "thử lại" in response.content.decode()
    assert not Attachment.objects.exists()
    assert files_under(media) == []


def test_the_data_store_on_a_full_disk_keeps_nothing(full_disk, client, citizen, media):
    client.force_login(citizen)
    response = client.post(
        "/kho-du-lieu/tai-len/", {"name": "Giấy khai sinh", "file": pdf("khai-sinh.pdf")}
    )
    assert response.status_code == 400
    assert FULL in response.content.decode()
    assert not Document.objects.exists()
    assert files_under(media) == []


def test_a_supplement_whose_second_file_hits_the_full_disk_keeps_neither(
    settings, citizen, version, commune, media
):
    FillsAfterOneFileStorage.room = 1
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "tests.faults.storages.FillsAfterOneFileStorage"},
    }
    dossier = dossier_in_status(
        Status.WAITING_SUPPLEMENT,
        applicant=citizen.applicants.get(kind="person"),
        procedure_version=version,
        agency=commune,
    )
    uploads = [pdf("bo-sung-1.pdf"), pdf("bo-sung-2.pdf")]

    with pytest.raises(DossierError) as refused:
        portal_services.answer_supplement(dossier, uploads=uploads, by=citizen)

    assert refused.value.code == "storage_failed"
    assert FillsAfterOneFileStorage.room == 0  # the first file did reach the disk…
    assert files_under(media) == []  # …and went with the rolled-back rows
    assert not Attachment.objects.exists()
    assert Dossier.objects.get(pk=dossier.pk).status == Status.WAITING_SUPPLEMENT
