"""“Ban hành kết quả” at the desk: a generated signed result, an uploaded PDF signed, an
uploaded scan kept as is, or a paper result handed over at the counter."""

import io
import re

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from motcua.agencies.models import Role
from motcua.dossiers.exceptions import DossierError
from motcua.dossiers.models import Attachment, Status
from motcua.results.models import ResultDocument
from motcua.results.rendering import html_to_pdf
from motcua.results.verify import verify_pdf

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def desk(client, agency, officer_of):
    client.force_login(officer_of(agency, Role.DESK_OFFICER))
    return client


@pytest.fixture
def approved(make_dossier):
    return make_dossier(Status.APPROVED, received_at=timezone.now())


def issue(client, dossier, **data):
    return client.post(
        reverse("backoffice:act", args=[dossier.public_id, "issue_result"]),
        {"note": "", **data},
        follow=True,
    )


def result_bytes(dossier) -> bytes:
    with dossier.attachments.get(kind=Attachment.Kind.RESULT).file.open("rb") as stored:
        return stored.read()


def test_the_form_offers_the_three_ways_generated_first(desk, approved):
    page = desk.get(reverse("backoffice:dossier", args=[approved.public_id])).content.decode()
    assert "Hình thức kết quả" in page
    for label in (
        "Kết quả điện tử tạo từ mẫu, ký số",
        "Tải lên tệp kết quả (PDF sẽ được ký số)",
        "Kết quả giấy (trả trực tiếp tại bộ phận một cửa)",
    ):
        assert label in page
    assert re.search(r'<input type="radio" name="result_mode" value="generated"[^>]*checked', page)


def test_a_generated_result_is_refused_until_it_was_previewed(desk, approved):
    response = issue(desk, approved, result_mode="generated")
    assert "Chưa có bản xem trước của văn bản kết quả" in response.content.decode()
    approved.refresh_from_db()
    assert approved.status == Status.APPROVED and not approved.attachments.exists()


def test_a_generated_result_is_signed_and_makes_the_result_electronic(desk, approved):
    preview = reverse("backoffice:result_preview", args=[approved.public_id])
    assert "Đã tạo bản xem trước" in desk.post(preview, follow=True).content.decode()
    response = issue(desk, approved, result_mode="generated")
    assert "Đã ban hành kết quả hồ sơ" in response.content.decode()
    approved.refresh_from_db()
    assert approved.status == Status.RESULT_ISSUED and approved.result_electronic
    verdict = verify_pdf(result_bytes(approved))
    assert verdict.valid, verdict.reasons
    assert verdict.document.kind == ResultDocument.Kind.GENERATED
    assert verdict.document.issued_by.username == "desk_officer-stp"


def test_an_uploaded_pdf_is_signed(desk, approved):
    original = html_to_pdf("<h1>Quyết định</h1>")
    upload = SimpleUploadedFile("quyet-dinh.pdf", original, content_type="application/pdf")
    issue(desk, approved, result_mode="upload", result_file=upload)
    approved.refresh_from_db()
    assert approved.status == Status.RESULT_ISSUED and approved.result_electronic
    signed = result_bytes(approved)
    # What is signed is the upload rebuilt without active content, all its pages kept.
    assert signed != original
    assert len(pikepdf.open(io.BytesIO(signed)).pages) == len(
        pikepdf.open(io.BytesIO(original)).pages
    )
    assert verify_pdf(signed).document.kind == ResultDocument.Kind.UPLOADED


def test_an_uploaded_scan_is_kept_unsigned(desk, approved):
    issue(desk, approved, result_mode="upload", result_file=SimpleUploadedFile("kq.png", PNG))
    approved.refresh_from_db()
    assert approved.status == Status.RESULT_ISSUED and approved.result_electronic
    assert result_bytes(approved) == PNG
    assert not ResultDocument.objects.exists()


def test_a_paper_result_attaches_nothing_and_is_not_electronic(desk, approved):
    issue(desk, approved, result_mode="paper")
    approved.refresh_from_db()
    assert approved.status == Status.RESULT_ISSUED and not approved.result_electronic
    assert not approved.attachments.exists()


def test_upload_without_a_file_or_a_file_with_another_choice_is_refused(desk, approved):
    response = issue(desk, approved, result_mode="upload")
    assert response.status_code == 400
    assert "Vui lòng chọn tệp kết quả để tải lên" in response.content.decode()
    response = issue(
        desk, approved, result_mode="paper", result_file=SimpleUploadedFile("kq.png", PNG)
    )
    assert response.status_code == 400
    assert "hình thức kết quả không phải “tải lên tệp kết quả”" in response.content.decode()
    approved.refresh_from_db()
    assert approved.status == Status.APPROVED


def test_a_pdf_that_cannot_be_signed_rolls_everything_back(desk, approved, media):
    broken = SimpleUploadedFile("kq.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    response = issue(desk, approved, result_mode="upload", result_file=broken)
    assert "bị hỏng nên không đọc được" in response.content.decode()
    approved.refresh_from_db()
    assert approved.status == Status.APPROVED and not approved.attachments.exists()
    assert not [path for path in media.rglob("*") if path.is_file()]


def test_a_failure_after_signing_removes_the_signed_file(desk, approved, media, monkeypatch):
    from motcua.backoffice import views

    def refuse(*args, **kwargs):
        raise DossierError("Hồ sơ vừa được người khác cập nhật.", code="concurrent_change")

    monkeypatch.setattr(views.services, "transition", refuse)
    desk.post(reverse("backoffice:result_preview", args=[approved.public_id]))
    response = issue(desk, approved, result_mode="generated")
    assert "Hồ sơ vừa được người khác cập nhật." in response.content.decode()
    approved.refresh_from_db()
    assert approved.status == Status.APPROVED and not approved.attachments.exists()
    assert not ResultDocument.objects.exists()
    assert not [path for path in media.rglob("*") if path.is_file()]
