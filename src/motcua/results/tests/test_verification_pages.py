"""The public verification pages: the QR code's page and the upload form."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from motcua.results import services

from .pdfs import append_update, link_uris, read, sample_pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def issued(approved, officer):
    return services.issue_electronic_result(approved, officer, base_url="http://testserver")


def upload(data: bytes, name: str = "ket-qua.pdf"):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def test_the_qr_link_opens_the_results_page_with_the_name_masked(client, issued):
    url = "http://testserver" + reverse("results:verify_token", args=[issued.token])
    assert url in link_uris(read(issued))
    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 200
    for shown in ("Nguyễn T*** H***", "BN.STP-261123-0001", "Giấy khai sinh", "Sở Tư pháp"):
        assert shown in page
    assert "Bản lưu của kết quả này trên hệ thống còn nguyên vẹn" in page
    # Never the document itself, nor the full name.
    assert "Nguyễn Thị Hoa" not in page and "001190000123" not in page
    assert str(issued.attachment.public_id) not in page
    assert issued.attachment.original_name not in page and issued.attachment.file.name not in page


def test_the_public_address_setting_is_printed_in_the_qr_code(settings, approved, officer):
    settings.MOTCUA_PORTAL_PUBLIC_URL = "https://dichvucong.bacninh.gov.vn"
    document = services.issue_electronic_result(approved, officer, base_url="http://testserver")
    assert f"https://dichvucong.bacninh.gov.vn/ket-qua/xac-minh/{document.token}/" in link_uris(
        read(document)
    )


def test_an_unknown_token_gives_a_vietnamese_404(client):
    response = client.get(reverse("results:verify_token", args=["khong-co-ma-nay"]))
    assert response.status_code == 404
    assert "Không tìm thấy kết quả" in response.content.decode()


def test_the_genuine_file_checks_out_against_its_qr_page(client, issued):
    response = client.post(
        reverse("results:verify_token", args=[issued.token]), {"file": upload(read(issued))}
    )
    assert "Tệp hợp lệ" in response.content.decode()


def test_another_result_does_not_check_out_against_this_page(client, issued, approved, officer):
    other = services.sign_uploaded_pdf(approved, upload(sample_pdf()), by=officer)
    response = client.post(
        reverse("results:verify_token", args=[issued.token]), {"file": upload(read(other))}
    )
    page = response.content.decode()
    assert "Tệp không hợp lệ" in page and "không phải kết quả đang xem" in page


def test_the_upload_page_explains_and_accepts_a_result(client, issued):
    url = reverse("results:verify")
    assert "Tải tệp lên để kiểm tra" in client.get(url).content.decode()
    page = client.post(url, {"file": upload(read(issued))}).content.decode()
    assert "Tệp hợp lệ" in page and "Nguyễn T*** H***" in page and "1/" in page


def test_the_upload_page_names_what_is_wrong_with_a_changed_file(client, issued):
    page = client.post(
        reverse("results:verify"), {"file": upload(append_update(read(issued)))}
    ).content.decode()
    assert "Tệp không hợp lệ" in page
    assert "Tệp đã bị bổ sung hoặc sửa đổi sau khi ký số" in page


def test_the_upload_page_refuses_what_is_not_a_pdf_or_too_big(client, settings):
    url = reverse("results:verify")
    response = client.post(url, {"file": upload(b"\x89PNG\r\n\x1a\n" + b"0" * 10, "anh.png")})
    assert response.status_code == 400
    assert "Tệp không phải là PDF" in response.content.decode()
    settings.MOTCUA_RESULTS_VERIFY_MAX_BYTES = 1024 * 1024
    response = client.post(url, {"file": upload(b"%PDF-1.7\n" + b"0" * (1024 * 1024))})
    assert response.status_code == 400
    assert "Tệp lớn hơn 1 MB" in response.content.decode()
