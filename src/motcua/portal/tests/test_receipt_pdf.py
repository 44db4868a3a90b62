"""The PDF receipt renders offline: WeasyPrint may read the static folder, nothing else."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from weasyprint.urls import FatalURLFetchingError

from motcua.dossiers.models import Status
from motcua.lib.pdf import local_only_fetcher
from motcua.portal.receipt import receipt_context
from motcua.portal.receipt_pdf import RECEIPT_CSS, receipt_document


@pytest.fixture
def fetcher():
    return local_only_fetcher([Path(finders.find(RECEIPT_CSS)).parent])


def test_the_receipt_stylesheet_can_be_read(fetcher):
    response = fetcher.fetch(Path(finders.find(RECEIPT_CSS)).as_uri())
    assert b"DejaVu Sans" in response.read()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/quan-tri/",
        "https://example.com/logo.png",
        "file:///etc/passwd",
        "data:text/plain,xin-chao",
    ],
)
def test_anything_else_is_refused(fetcher, url):
    with pytest.raises(FatalURLFetchingError):
        fetcher.fetch(url)


@pytest.mark.django_db
def test_every_vietnamese_letter_of_the_receipt_has_a_glyph(rf, citizen, make_dossier):
    dossier = make_dossier(citizen, Status.SUBMITTED)
    dossier.applicant.name = "Nguyễn Thị Ánh Tuyết"
    document = receipt_document(receipt_context(rf.get("/"), dossier))
    document.write_pdf()
    assert {font.family for font in document.fonts.values()} == {"DejaVu Sans"}
    assert all(not font.missing for font in document.fonts.values())
