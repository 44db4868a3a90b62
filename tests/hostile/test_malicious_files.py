"""Oversized, malformed and malicious uploads: refused by content with a Vietnamese
message saying what to do; names cleaned; the declared type never trusted."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.datastore.models import Document
from motcua.dossiers import services as dossier_services
from motcua.dossiers.exceptions import DossierError
from motcua.dossiers.files import add_attachment, check_upload, safe_content
from motcua.dossiers.models import Attachment

from . import samples
from .handlers import RecordingHandler

pytestmark = pytest.mark.django_db

NOT_ACCEPTED = "không phải PDF, JPG hoặc PNG"
ACTIVE = "chứa mã lệnh (JavaScript), lệnh tự chạy hoặc tệp ẩn"
MARKUP = "có chứa mã trang web hoặc mã lệnh"
HIDDEN_ARCHIVE = "có tệp nén ẩn bên trong"
BOMB = "dữ liệu nén bất thường"
PIXELS = "kích thước quá lớn"
ENCRYPTED = "được đặt mật khẩu hoặc mã hóa"

CATALOG = b"<</Type/Catalog/Pages 2 0 R>>"
PAGES = samples.PAGE_TREE

MALICIOUS = {
    # (file name, content, what the browser claims) → expected message
    "zip_bomb_named_pdf": (
        "ho-so.pdf",
        samples.zip_archive({"bom.txt": b"\0" * 20_000_000}),
        "application/pdf",
        NOT_ACCEPTED,
    ),
    "docx_named_pdf": (
        "don.pdf",
        samples.zip_archive({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}),
        "application/pdf",
        NOT_ACCEPTED,
    ),
    "program_named_jpg": ("anh.jpg", b"MZ\x90\x00" + b"\x00" * 300, "image/jpeg", NOT_ACCEPTED),
    "html_named_png": (
        "anh.png",
        b"<html><script>alert(1)</script></html>",
        "image/png",
        NOT_ACCEPTED,
    ),
    "svg_named_png": ("anh.png", b'<svg onload="alert(1)"/>', "image/png", NOT_ACCEPTED),
    "pdf_flate_bomb": (
        "bom.pdf",
        samples.pdf(
            CATALOG,
            PAGES,
            samples.pdf_stream(b"<</Filter/FlateDecode>>", zlib.compress(b"\0" * 6_000_000, 9)),
        ),
        "application/pdf",
        BOMB,
    ),
    "png_pixel_bomb": ("anh.png", samples.png(60_000, 60_000), "image/png", PIXELS),
    "jpeg_pixel_bomb": ("anh.jpg", samples.jpeg_declaring(65_000, 65_000), "image/jpeg", PIXELS),
    "jpeg_html_polyglot": (
        "anh.jpg",
        samples.jpeg(comment=b"<html><body><script>alert(1)</script>"),
        "image/jpeg",
        MARKUP,
    ),
    "png_script_chunk": (
        "anh.png",
        samples.png_text(b'<img src=x onerror="alert(1)">'),
        "image/png",
        MARKUP,
    ),
    "jpeg_with_zip_appended": (
        "anh.jpg",
        samples.jpeg() + samples.zip_archive({"a.class": b"\xca\xfe\xba\xbe"}),
        "image/jpeg",
        HIDDEN_ARCHIVE,
    ),
    "pdf_openaction_javascript": (
        "to-khai.pdf",
        samples.pdf(
            b"<</Type/Catalog/Pages 2 0 R/OpenAction 3 0 R>>",
            PAGES,
            b"<</S/JavaScript/JS(app.launchURL('http://x.invalid'))>>",
        ),
        "application/pdf",
        ACTIVE,
    ),
    "pdf_document_javascript": (
        "to-khai.pdf",
        samples.pdf(
            b"<</Type/Catalog/Pages 2 0 R/Names<</JavaScript 3 0 R>>>>",
            PAGES,
            b"<</Names[(a) 4 0 R]>>",
            b"<</S/JavaScript/JS(this.exportDataObject())>>",
        ),
        "application/pdf",
        ACTIVE,
    ),
    "pdf_launch": (
        "to-khai.pdf",
        samples.pdf(b"<</Type/Catalog/Pages 2 0 R/OpenAction<</S/Launch/F(cmd.exe)>>>>", PAGES),
        "application/pdf",
        ACTIVE,
    ),
    "pdf_embedded_file": (
        "to-khai.pdf",
        samples.pdf(
            CATALOG,
            PAGES,
            samples.pdf_stream(b"<</Type/EmbeddedFile>>", b"MZ\x90\x00"),
        ),
        "application/pdf",
        ACTIVE,
    ),
    "pdf_escaped_name": (
        "to-khai.pdf",
        samples.pdf(
            b"<</Type/Catalog/Pages 2 0 R/Names<</J#61va#53cript 3 0 R>>>>",
            PAGES,
            b"<</Names[(a) 4 0 R]>>",
            b"<</S/J#61vaScript/J#53(app.alert(1))>>",
        ),
        "application/pdf",
        ACTIVE,
    ),
    "pdf_encrypted": (
        "to-khai.pdf",
        samples.pdf(CATALOG, PAGES, b"<</Filter/Standard/V 2/R 3/O<00>/U<00>/P -4>>").replace(
            b"<</Root 1 0 R>>", b"<</Root 1 0 R/Encrypt 3 0 R>>"
        ),
        "application/pdf",
        ENCRYPTED,
    ),
}


@pytest.fixture(autouse=True)
def _small_bomb_limit(settings):
    settings.MOTCUA_UPLOAD_INFLATE_LIMIT_BYTES = 2 * 1024 * 1024


@pytest.mark.parametrize("sample", MALICIOUS.keys())
def test_a_malicious_file_is_refused_with_a_clear_message(sample):
    name, content, claimed, message = MALICIOUS[sample]
    with pytest.raises(DossierError) as refused:
        check_upload(SimpleUploadedFile(name, content, claimed))
    assert message in refused.value.message
    assert name in refused.value.message  # says which file


ACCEPTED = {
    "weasyprint_pdf": ("ket-qua.pdf", samples.weasyprint_pdf, "application/pdf"),
    "pillow_jpeg": ("anh.jpg", lambda: samples.jpeg(640, 480), "image/jpeg"),
    "png": ("anh.png", lambda: samples.png(800, 600), "image/png"),
    "pdf_opening_at_a_page": (
        "to-khai.pdf",
        lambda: samples.pdf(b"<</Type/Catalog/Pages 2 0 R/OpenAction[3 0 R/Fit]>>", PAGES),
        "application/pdf",
    ),
}


@pytest.mark.parametrize("sample", ACCEPTED.keys())
def test_ordinary_files_pass(sample):
    name, make, claimed = ACCEPTED[sample]
    kind = check_upload(SimpleUploadedFile(name, make(), claimed))
    assert kind.content_type == claimed


@pytest.fixture
def draft(citizen, version, commune):
    return dossier_services.create_draft(
        applicant=citizen.applicants.get(kind="person"), version=version, agency=commune
    )


def _media(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def test_the_portal_refuses_a_pdf_with_javascript_and_keeps_nothing(
    client, citizen, draft, settings
):
    name, content, claimed, message = MALICIOUS["pdf_openaction_javascript"]
    client.force_login(citizen)
    response = client.post(
        f"/ho-so/{draft.public_id}/giay-to/tai-len/",
        {
            "component": draft.procedure_version.components.first().pk,
            "file": SimpleUploadedFile(name, content, claimed),
        },
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Attachment.objects.exists() and _media(settings) == []


def test_the_data_store_refuses_a_polyglot_image(client, citizen, settings):
    name, content, claimed, message = MALICIOUS["jpeg_html_polyglot"]
    client.force_login(citizen)
    response = client.post(
        "/kho-du-lieu/tai-len/", {"name": "Ảnh", "file": SimpleUploadedFile(name, content, claimed)}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Document.objects.exists() and _media(settings) == []


def test_an_oversized_upload_is_cut_off_while_it_streams(client, citizen, draft, settings):
    settings.MOTCUA_MAX_UPLOAD_BYTES = settings.MOTCUA_UPLOAD_STREAM_LIMIT_BYTES = 1024 * 1024
    settings.FILE_UPLOAD_HANDLERS = [
        settings.FILE_UPLOAD_HANDLERS[0],
        "tests.hostile.handlers.RecordingHandler",
        *settings.FILE_UPLOAD_HANDLERS[1:],
    ]
    RecordingHandler.kept.clear()
    client.force_login(citizen)
    huge = b"%PDF-1.4\n" + b"0" * (8 * 1024 * 1024)
    response = client.post(
        f"/ho-so/{draft.public_id}/giay-to/tai-len/",
        {
            "component": draft.procedure_version.components.first().pk,
            "file": SimpleUploadedFile("ban-quet.pdf", huge, "application/pdf"),
        },
    )
    assert response.status_code == 400
    assert "lớn hơn 1 MB" in response.content.decode()
    # No more than the limit (and one chunk) of the 8 MB ever went to memory or disk.
    assert RecordingHandler.kept and max(RecordingHandler.kept) <= 1024 * 1024 + 64 * 1024
    assert not Attachment.objects.exists()


NAMES = {
    "../../../../etc/passwd.pdf": "passwd.pdf",
    "..\\..\\Windows\\win.ini.pdf": "win.ini.pdf",
    "\x07chu\x1b[31mong\x00.pdf": "chu[31mong.pdf",
    "hoa-don\u202efdp.exe.pdf": "hoa-donfdp.exe.pdf",
    ".pdf": "tep.pdf",
    "...": "tep.pdf",
    "%%%%.pdf": "%%%%.pdf",
    "giấy khai sinh.docx": "giấy khai sinh.pdf",
    "x" * 1000 + ".pdf": "x" * 120 + ".pdf",
}


@pytest.mark.parametrize("given, shown", NAMES.items(), ids=range(len(NAMES)))
def test_file_names_are_cleaned(given, shown, draft, settings):
    attachment = add_attachment(
        draft,
        SimpleUploadedFile("x.pdf", samples.pdf(CATALOG, PAGES)),
        kind="component",
        name=given,
    )
    assert attachment.original_name == shown
    stored = Path(settings.MEDIA_ROOT) / attachment.file.name
    assert stored.is_file()
    assert stored.resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve() / "dossiers")
    assert len(Path(attachment.file.name).name) <= 80


def test_the_type_is_decided_by_the_content_not_the_claim(draft):
    spoofed = SimpleUploadedFile("so-ho-khau.pdf", samples.png(), "application/pdf")
    attachment = add_attachment(draft, spoofed, kind="component")
    assert attachment.content_type == "image/png"
    assert attachment.original_name == "so-ho-khau.png"
    assert attachment.file.name.endswith(".png")


def test_a_pdf_opening_with_a_go_to_page_action_passes():
    content = samples.pdf(
        b"<</Type/Catalog/Pages 2 0 R/OpenAction<</S/GoTo/D[3 0 R/Fit]>>>>", PAGES
    )
    assert check_upload(SimpleUploadedFile("to-khai.pdf", content)).extension == ".pdf"
    remote = samples.pdf(
        b"<</Type/Catalog/Pages 2 0 R/OpenAction<</S/GoToR/F(x.pdf)/D[0/Fit]>>>>", PAGES
    )
    with pytest.raises(DossierError) as refused:
        check_upload(SimpleUploadedFile("to-khai.pdf", remote))
    assert ACTIVE in refused.value.message


def test_markup_in_a_pdf_does_not_survive_the_rebuild():
    """A PDF is not searched for markup: the stored file is rebuilt (no comments) and
    served as an attachment; images still are (``jpeg_html_polyglot``)."""
    content = samples.pdf(CATALOG, PAGES).replace(b"%\xe2", b"%<html><body onload=alert(1)>%\xe2")
    stored = safe_content(SimpleUploadedFile("to-khai.pdf", content)).read()
    assert b"<html" not in stored and stored.startswith(b"%PDF-")
