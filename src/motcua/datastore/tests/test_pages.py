"""The data store pages as the person uses them: list, upload, download, delete."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from motcua.datastore import services
from motcua.datastore.models import Document
from motcua.dossiers.files import add_attachment
from motcua.dossiers.models import Attachment, Status

from .conftest import EXE, PDF, STORED_PDF, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, citizen):
    client.force_login(citizen)
    return client


def test_the_store_needs_a_signed_in_person(client):
    response = client.get(reverse("datastore:home"))
    assert response.status_code == 302
    # Citizens sign in with their e-ID, not at the officers' password page.
    assert response["Location"].startswith(reverse("citizen:login"))


def test_the_list_shows_the_persons_documents(signed_in, citizen, stranger):
    services.save_upload(citizen, pdf(), name="Căn cước mặt trước")
    services.save_upload(stranger, pdf(), name="Hộ chiếu của người khác")
    page = signed_in.get(reverse("datastore:home")).content.decode()
    assert "Kho dữ liệu của tôi" in page
    assert "Căn cước mặt trước" in page
    assert "Hộ chiếu của người khác" not in page


def test_the_list_is_paginated(signed_in, citizen, settings):
    settings.MOTCUA_DATASTORE_PAGE_SIZE = 2
    for n in range(3):
        services.save_upload(citizen, pdf(), name=f"Giấy tờ số {n}")
    first = signed_in.get(reverse("datastore:home")).content.decode()
    second = signed_in.get(reverse("datastore:home") + "?trang=2").content.decode()
    assert "Giấy tờ số 2" in first and "Giấy tờ số 0" not in first
    assert "Giấy tờ số 0" in second and "Trang 2/2" in second


def test_uploading_a_pdf_adds_it_to_the_list(signed_in, citizen):
    response = signed_in.post(
        reverse("datastore:upload"), {"name": "Giấy chứng sinh", "file": pdf()}, follow=True
    )
    page = response.content.decode()
    assert "Đã lưu “Giấy chứng sinh” vào kho dữ liệu." in page
    assert Document.objects.get(owner=citizen).name == "Giấy chứng sinh"


def test_uploading_a_renamed_program_shows_why_it_was_refused(signed_in):
    response = signed_in.post(
        reverse("datastore:upload"), {"file": SimpleUploadedFile("anh.jpg", EXE)}
    )
    assert response.status_code == 400
    assert "không phải PDF, JPG hoặc PNG" in response.content.decode()
    assert not Document.objects.exists()


def test_uploading_an_empty_file_shows_why_it_was_refused(signed_in):
    response = signed_in.post(
        reverse("datastore:upload"), {"file": SimpleUploadedFile("trong.pdf", b"")}
    )
    assert response.status_code == 400
    assert "rỗng (0 byte)" in response.content.decode()


def test_uploading_an_oversized_file_shows_the_limit(signed_in, settings):
    settings.MOTCUA_MAX_UPLOAD_BYTES = 1024 * 1024
    response = signed_in.post(
        reverse("datastore:upload"), {"file": pdf(content=PDF + b"0" * (1024 * 1024))}
    )
    assert response.status_code == 400
    assert "lớn hơn 1 MB" in response.content.decode()


def test_the_owner_downloads_the_file_under_its_name(signed_in, citizen):
    document = services.save_upload(citizen, pdf(), name="Căn cước")
    response = signed_in.get(reverse("datastore:download", args=[document.public_id]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == STORED_PDF
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert "C%C4%83n_c%C6%B0%E1%BB%9Bc.pdf" in response["Content-Disposition"]


def test_another_persons_document_is_not_found_on_download(signed_in, stranger):
    document = services.save_upload(stranger, pdf())
    response = signed_in.get(reverse("datastore:download", args=[document.public_id]))
    assert response.status_code == 404


def test_another_persons_document_is_not_found_on_delete(signed_in, stranger):
    document = services.save_upload(stranger, pdf())
    url = reverse("datastore:delete", args=[document.public_id])
    assert signed_in.get(url).status_code == 404
    assert signed_in.post(url).status_code == 404
    assert Document.objects.filter(pk=document.pk).exists()


def test_deleting_an_own_upload_asks_first_then_removes_it(signed_in, citizen):
    document = services.save_upload(citizen, pdf(), name="Ảnh thẻ cũ")
    url = reverse("datastore:delete", args=[document.public_id])
    confirm = signed_in.get(url).content.decode()
    assert "Bạn có chắc muốn xóa “Ảnh thẻ cũ”" in confirm
    assert Document.objects.filter(pk=document.pk).exists()
    page = signed_in.post(url, follow=True).content.decode()
    assert "Đã xóa “Ảnh thẻ cũ” khỏi kho dữ liệu." in page
    assert not Document.objects.filter(pk=document.pk).exists()


def test_a_result_offers_no_delete_and_refuses_one(signed_in, citizen, make_dossier):
    dossier = make_dossier(Status.RESULT_ISSUED)
    attachment = add_attachment(
        dossier, SimpleUploadedFile("kq.pdf", PDF), kind=Attachment.Kind.RESULT
    )
    document = services.save_result(citizen, attachment)
    listing = signed_in.get(reverse("datastore:home")).content.decode()
    assert reverse("datastore:delete", args=[document.public_id]) not in listing
    url = reverse("datastore:delete", args=[document.public_id])
    assert "Không thể xóa giấy tờ này" in signed_in.get(url).content.decode()
    page = signed_in.post(url, follow=True).content.decode()
    assert "không thể xóa khỏi kho dữ liệu" in page
    assert Document.objects.filter(pk=document.pk).exists()


def test_viewing_a_persons_own_upload_still_downloads_it(signed_in, citizen):
    """Only a signed result opens in the browser; an upload is never shown as a page."""
    document = services.save_upload(citizen, pdf(), name="Căn cước")
    url = reverse("datastore:download", args=[document.public_id]) + "?xem=1"
    response = signed_in.get(url)
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_the_list_filters_results_from_uploads(signed_in, citizen, make_dossier):
    services.save_upload(citizen, pdf(), name="Ảnh thẻ")
    attachment = add_attachment(
        make_dossier(Status.RESULT_ISSUED),
        SimpleUploadedFile("Giấy khai sinh.pdf", PDF),
        kind=Attachment.Kind.RESULT,
    )
    services.save_result(citizen, attachment)
    page = signed_in.get(reverse("datastore:home"), {"loai": "result"}).content.decode()
    assert "Giấy khai sinh" in page and "Ảnh thẻ" not in page
