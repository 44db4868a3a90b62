"""Files of a draft: checked by content on upload, picked from the data store, removed."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.datastore import services as datastore_services
from motcua.dossiers.models import Attachment, Dossier

from .conftest import PDF, PNG, pdf_file, public_id_in, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(citizen_client, version, commune, registry):
    return Dossier.objects.get(public_id=public_id_in(start(citizen_client, version, commune).url))


def upload(client, dossier, upload_file, component=None):
    component = component or dossier.procedure_version.components.first()
    return client.post(
        f"/ho-so/{dossier.public_id}/giay-to/tai-len/",
        {"component": component.pk, "file": upload_file},
    )


def test_a_pdf_is_attached_to_its_component(citizen_client, draft):
    response = upload(citizen_client, draft, pdf_file("to-khai.pdf"))
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.component.name == "Tờ khai"
    assert attachment.content_type == "application/pdf"
    page = citizen_client.get(f"/ho-so/{draft.public_id}/giay-to/").content.decode()
    assert "to-khai.pdf" in page


def test_a_renamed_program_is_refused(citizen_client, draft):
    program = SimpleUploadedFile(
        "giay-chung-sinh.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "application/pdf"
    )
    response = upload(citizen_client, draft, program)
    assert response.status_code == 400
    assert "không phải PDF, JPG hoặc PNG" in response.content.decode()
    assert not Attachment.objects.exists()


def test_an_oversized_file_is_refused(citizen_client, draft, settings):
    settings.MOTCUA_MAX_UPLOAD_BYTES = 1024 * 1024
    big = pdf_file("ban-quet.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 1))
    response = upload(citizen_client, draft, big)
    assert response.status_code == 400
    assert "lớn hơn 1 MB" in response.content.decode()
    assert not Attachment.objects.exists()


def test_a_zero_byte_file_is_refused(citizen_client, draft):
    response = upload(citizen_client, draft, pdf_file("rong.pdf", b""))
    assert response.status_code == 400
    assert "rỗng (0 byte)" in response.content.decode()
    assert not Attachment.objects.exists()


def test_a_component_of_another_procedure_is_refused(citizen_client, draft):
    from tests.factories import procedure_version

    foreign = procedure_version("HT.02", name="Đăng ký kết hôn").components.first()
    response = upload(citizen_client, draft, pdf_file(), component=foreign)
    assert response.status_code == 400
    assert "Thành phần hồ sơ không hợp lệ" in response.content.decode()
    assert not Attachment.objects.exists()


def test_a_file_can_be_removed_from_a_draft(
    citizen_client, draft, django_capture_on_commit_callbacks
):
    upload(citizen_client, draft, pdf_file("nham.pdf"))
    attachment = Attachment.objects.get()
    stored = attachment.file.path
    with django_capture_on_commit_callbacks(execute=True):
        response = citizen_client.post(
            f"/ho-so/{draft.public_id}/giay-to/{attachment.public_id}/xoa/", follow=True
        )
    assert "Đã gỡ tệp khỏi hồ sơ" in response.content.decode()
    assert not Attachment.objects.exists()
    assert not Path(stored).exists()
    page = citizen_client.get(f"/ho-so/{draft.public_id}/giay-to/").content.decode()
    assert "nham.pdf" not in page


def test_a_document_from_the_data_store_is_attached(citizen_client, citizen, draft):
    document = datastore_services.save_upload(
        citizen, SimpleUploadedFile("cccd.png", PNG, "image/png"), name="Căn cước công dân"
    )
    component = draft.procedure_version.components.last()
    page = citizen_client.get(f"/ho-so/{draft.public_id}/giay-to/").content.decode()
    assert "Căn cước công dân" in page
    response = citizen_client.post(
        f"/ho-so/{draft.public_id}/giay-to/tu-kho/",
        {"component": component.pk, "document": str(document.public_id)},
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert attachment.source == Attachment.Source.DATASTORE
    assert attachment.component == component


def test_another_persons_data_store_document_cannot_be_attached(
    citizen_client, other_citizen, draft
):
    theirs = datastore_services.save_upload(
        other_citizen, SimpleUploadedFile("so-do.pdf", PDF, "application/pdf")
    )
    response = citizen_client.post(
        f"/ho-so/{draft.public_id}/giay-to/tu-kho/",
        {
            "component": draft.procedure_version.components.first().pk,
            "document": str(theirs.public_id),
        },
    )
    assert response.status_code == 404
    assert not Attachment.objects.exists()


def test_the_citizen_can_open_a_file_of_their_dossier(citizen_client, draft):
    upload(citizen_client, draft, pdf_file("to-khai.pdf"))
    attachment = Attachment.objects.get()
    response = citizen_client.get(f"/ho-so/{draft.public_id}/tep/{attachment.public_id}/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
