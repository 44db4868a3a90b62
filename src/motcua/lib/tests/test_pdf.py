"""The PDF helpers read the allowed folder and nothing else: no network, no other file."""

from pathlib import Path

import pytest
from weasyprint.urls import FatalURLFetchingError

from motcua.lib.pdf import local_only_fetcher, render_document, render_pdf

REMOTE = [
    "http://127.0.0.1:8000/quan-tri/",
    "https://example.com/logo.png",
    "ftp://example.com/file.css",
    "file:///etc/passwd",
]


@pytest.fixture
def folder(tmp_path) -> Path:
    allowed = tmp_path / "static"
    allowed.mkdir()
    (allowed / "style.css").write_text("p { color: red }")
    (allowed / "tên có dấu.css").write_text("p { margin: 0 }")
    (tmp_path / "secret.txt").write_text("mật khẩu")
    return allowed


def test_a_file_of_the_folder_is_served(folder):
    response = local_only_fetcher([folder]).fetch((folder / "style.css").as_uri())
    assert response.read() == b"p { color: red }"


def test_a_quoted_file_name_of_the_folder_is_served(folder):
    response = local_only_fetcher([folder]).fetch((folder / "tên có dấu.css").as_uri())
    assert response.read() == b"p { margin: 0 }"


@pytest.mark.parametrize("url", [*REMOTE, "data:text/plain,xin-chao"])
def test_a_remote_url_or_data_is_refused_and_stops_the_rendering(folder, url):
    with pytest.raises(FatalURLFetchingError):
        local_only_fetcher([folder]).fetch(url)


def test_a_file_outside_the_folder_is_refused_even_through_dot_dots(folder):
    fetcher = local_only_fetcher([folder])
    with pytest.raises(FatalURLFetchingError, match="outside"):
        fetcher.fetch((folder.parent / "secret.txt").as_uri())
    with pytest.raises(FatalURLFetchingError, match="outside"):
        fetcher.fetch(folder.as_uri() + "/../secret.txt")


def test_a_sibling_folder_sharing_the_prefix_is_refused(folder):
    sibling = folder.parent / "static-other"
    sibling.mkdir()
    (sibling / "x.css").write_text("p {}")
    with pytest.raises(FatalURLFetchingError):
        local_only_fetcher([folder]).fetch((sibling / "x.css").as_uri())


def test_data_urls_may_be_allowed(folder):
    fetcher = local_only_fetcher([folder], allow_data=True)
    assert fetcher.fetch("data:text/plain,xin-chao").read() == b"xin-chao"
    with pytest.raises(FatalURLFetchingError):
        fetcher.fetch("https://example.com/logo.png")


@pytest.mark.parametrize("url", REMOTE)
def test_a_lenient_fetcher_refuses_without_stopping_the_rendering(folder, url):
    with pytest.raises(ValueError):
        local_only_fetcher([folder], strict=False).fetch(url)


def test_a_document_reads_its_stylesheet_and_makes_a_pdf(folder):
    document = render_document("<p>Xin chào</p>", folder=folder, stylesheet=folder / "style.css")
    assert len(document.pages) == 1
    assert render_pdf("<p>Xin chào</p>", folder=folder).startswith(b"%PDF")


def test_a_remote_image_stops_the_document(folder):
    with pytest.raises(FatalURLFetchingError):
        render_pdf('<img src="http://127.0.0.1:9/x.png">', folder=folder)


def test_a_lenient_document_leaves_a_refused_image_out(folder):
    pdf = render_pdf('<img src="http://127.0.0.1:9/x.png">', folder=folder, strict=False)
    assert pdf.startswith(b"%PDF")


@pytest.fixture
def font_configurations_made(monkeypatch):
    """Counts the WeasyPrint FontConfigurations made (by us or by WeasyPrint itself)."""
    from weasyprint.text.fonts import FontConfiguration

    made = []
    original = FontConfiguration.__init__

    def counting_init(self, *args, **kwargs):
        made.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(FontConfiguration, "__init__", counting_init)
    return made


def test_documents_of_a_folder_share_one_font_configuration(folder, font_configurations_made):
    # A FontConfiguration per document is memory the process never gets back (a Pango
    # font map and a Fontconfig configuration): a worker issuing results grew forever.
    for number in range(5):
        render_pdf(f"<p>Kết quả số {number}</p>", folder=folder, stylesheet=folder / "style.css")
    assert len(font_configurations_made) <= 1


def test_each_folder_and_each_thread_has_its_own_font_configuration(folder, tmp_path):
    import threading

    from motcua.lib.pdf import font_configuration

    other = tmp_path / "other"
    other.mkdir()
    assert font_configuration(folder) is font_configuration(folder)
    assert font_configuration(folder) is not font_configuration(other)
    seen = []
    thread = threading.Thread(target=lambda: seen.append(font_configuration(folder)))
    thread.start()
    thread.join()
    assert seen[0] is not font_configuration(folder)
