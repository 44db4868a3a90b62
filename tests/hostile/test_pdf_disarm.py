"""Uploaded PDFs are read by qpdf and rebuilt without active content before they are
stored: a corpus of crafted files (every filter, object streams, XFA, incremental
updates), each built here with pikepdf."""

from __future__ import annotations

import hashlib
import io
import zlib

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pikepdf import Array, Dictionary, Name, String

from motcua.dossiers import services as dossier_services
from motcua.dossiers.exceptions import DossierError
from motcua.dossiers.files import add_attachment, check_upload, safe_content

from . import pdfcorpus as corpus
from . import samples

pytestmark = pytest.mark.django_db

ACTIVE = "chứa mã lệnh (JavaScript), lệnh tự chạy hoặc tệp ẩn"
FILTERS = [
    ["/ASCIIHexDecode"],
    ["/ASCII85Decode"],
    ["/RunLengthDecode"],
    ["/FlateDecode"],
    ["/ASCIIHexDecode", "/FlateDecode"],
]


def _refused(content: bytes) -> str:
    with pytest.raises(DossierError) as refused:
        check_upload(SimpleUploadedFile("to-khai.pdf", content))
    return refused.value.message


def _stored(content: bytes) -> pikepdf.Pdf:
    rebuilt = safe_content(SimpleUploadedFile("to-khai.pdf", content)).read()
    return pikepdf.open(io.BytesIO(rebuilt))


def _with_object_stream(filters, action: bytes) -> bytes:
    base = corpus.saved(corpus.document(), object_stream_mode=pikepdf.ObjectStreamMode.generate)
    with pikepdf.open(io.BytesIO(base)) as pdf:
        root, pages, size = pdf.Root.objgen[0], pdf.Root.Pages.objgen[0], int(pdf.trailer.Size)
    catalog = b"<</Type/Catalog/Pages %d 0 R/OpenAction %d 0 R>>" % (pages, size + 2)
    return corpus.update_in_object_stream(base, {root: catalog, size + 2: action}, filters)


@pytest.mark.parametrize("filters", FILTERS, ids="+".join)
@pytest.mark.parametrize(
    "action",
    [b"<</S/JavaScript/JS(app.alert(1))>>", b"<</S/Launch/F(cmd.exe)>>"],
    ids=["javascript", "launch"],
)
def test_actions_in_an_object_stream_of_an_update_are_refused_whatever_the_filter(filters, action):
    content = _with_object_stream(filters, action)
    # The crafted file is what a viewer reads: the action runs when it opens.
    assert pikepdf.open(io.BytesIO(content)).Root.OpenAction.S in (Name.JavaScript, Name.Launch)
    assert ACTIVE in _refused(content)


def _xfa(template: bytes) -> bytes:
    pdf = corpus.document()
    corpus.xfa(pdf, template)
    return corpus.saved(pdf)


def test_an_xfa_form_with_a_script_in_a_compressed_stream_is_refused():
    template = (
        b'<template><subform><event activity="initialize">'
        b'<script contentType="application/x-javascript">app.alert(1)</script>'
        b"</event></subform></template>"
    )
    assert ACTIVE in _refused(_xfa(template))


def test_an_xfa_form_without_script_is_stored_without_xfa():
    stored = _stored(_xfa(b"<template><subform name='form1'/></template>"))
    assert "/XFA" not in stored.Root.AcroForm
    assert len(stored.pages) == 2


def _pdf_with(change) -> bytes:
    pdf = corpus.document()
    change(pdf)
    return corpus.saved(pdf)


REFUSED = {
    "open_action_javascript": lambda pdf: setattr(pdf.Root, "OpenAction", corpus.javascript(pdf)),
    "javascript_names_tree": lambda pdf: setattr(
        pdf.Root,
        "Names",
        Dictionary(JavaScript=Dictionary(Names=Array([String("a"), corpus.javascript(pdf)]))),
    ),
    "link_launching_a_program": lambda pdf: corpus.link(
        pdf, Dictionary(S=Name.Launch, F=String("cmd.exe"))
    ),
    "link_running_javascript": lambda pdf: corpus.link(pdf, corpus.javascript(pdf)),
    "page_open_trigger": lambda pdf: setattr(
        pdf.pages[0].obj, "AA", Dictionary(O=Dictionary(S=Name.URI, URI=String("http://x.invalid")))
    ),
    "embedded_file": lambda pdf: pdf.attachments.__setitem__(
        "a.exe", pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00")
    ),
    "rich_media": lambda pdf: corpus.link(
        pdf, Dictionary(S=Name.GoTo, D=Array([pdf.pages[0].obj, Name.Fit])), Name.RichMedia
    ),
}


@pytest.mark.parametrize("sample", REFUSED.keys())
def test_pdfs_carrying_code_or_files_are_refused(sample):
    assert ACTIVE in _refused(_pdf_with(REFUSED[sample]))


DISARMED = {
    "web_link": Dictionary(S=Name.URI, URI=String("http://x.invalid/phish")),
    "form_submission": Dictionary(S=Name.SubmitForm, F=String("http://x.invalid/collect")),
    "data_import": Dictionary(S=Name.ImportData, F=String("data.fdf")),
    "remote_document": Dictionary(S=Name.GoToR, F=String("other.pdf"), D=Array([0, Name.Fit])),
}


@pytest.mark.parametrize("sample", DISARMED.keys())
def test_link_actions_are_removed_and_the_pages_kept(sample):
    content = _pdf_with(lambda pdf: corpus.link(pdf, DISARMED[sample]))
    stored = _stored(content)
    assert len(stored.pages) == 2
    assert corpus.TEXT in stored.pages[0].Contents.read_bytes()  # the page is intact
    annotations = stored.pages[0].obj.get("/Annots", Array())
    assert all("/A" not in annotation for annotation in annotations)
    assert b"x.invalid" not in safe_content(SimpleUploadedFile("a.pdf", content)).read()


def test_a_page_jump_is_kept():
    def jump(pdf):
        target = Array([pdf.pages[1].obj, Name.Fit])
        corpus.link(pdf, Dictionary(S=Name.GoTo, D=target))
        pdf.Root.OpenAction = Dictionary(S=Name.GoTo, D=target)

    stored = _stored(_pdf_with(jump))
    assert stored.Root.OpenAction.S == Name.GoTo
    assert stored.pages[0].obj.Annots[0].A.S == Name.GoTo


def test_an_earlier_revision_and_trailing_bytes_are_not_stored():
    base = corpus.saved(corpus.document(), object_stream_mode=pikepdf.ObjectStreamMode.generate)
    with pikepdf.open(io.BytesIO(base)) as pdf:
        root, pages = pdf.Root.objgen[0], pdf.Root.Pages.objgen[0]
    # The update gives the catalog a title; the first revision's catalog had none.
    catalog = b"<</Type/Catalog/Pages %d 0 R/Lang(vi)>>" % pages
    updated = corpus.update_in_object_stream(base, {root: catalog}, ["/ASCIIHexDecode"])
    updated += b"%<html><script>alert(1)</script>"
    rebuilt = safe_content(SimpleUploadedFile("a.pdf", updated)).read()
    assert b"<script" not in rebuilt and rebuilt.count(b"%%EOF") == 1
    stored = pikepdf.open(io.BytesIO(rebuilt))
    assert stored.Root.Lang == "vi" and len(stored.pages) == 2


def test_an_object_stream_bomb_behind_a_hex_filter_is_refused(settings):
    settings.MOTCUA_UPLOAD_INFLATE_LIMIT_BYTES = 1024 * 1024
    base = corpus.saved(corpus.document(), object_stream_mode=pikepdf.ObjectStreamMode.generate)
    with pikepdf.open(io.BytesIO(base)) as pdf:
        size = int(pdf.trailer.Size)
    padding = b"<</P(" + b"0" * 3_000_000 + b")>>"
    bomb = corpus.update_in_object_stream(
        base, {size + 2: padding}, ["/ASCIIHexDecode", "/FlateDecode"]
    )
    assert "dữ liệu nén bất thường" in _refused(bomb)


def test_an_orphan_object_stream_with_javascript_is_not_stored():
    """Nothing refers to it, so no viewer runs it, and it does not survive the rebuild."""
    hidden = zlib.compress(b"3 0 <</S/JavaScript/JS(app.alert(1))>>")
    content = samples.pdf(
        b"<</Type/Catalog/Pages 2 0 R>>",
        samples.PAGE_TREE,
        samples.pdf_stream(b"<</Type/ObjStm/N 1/First 4/Filter/FlateDecode>>", hidden),
    )
    rebuilt = safe_content(SimpleUploadedFile("a.pdf", content)).read()
    assert b"JavaScript" not in rebuilt and hidden not in rebuilt


@pytest.fixture
def draft(citizen, version, commune):
    return dossier_services.create_draft(
        applicant=citizen.applicants.get(kind="person"), version=version, agency=commune
    )


def test_the_stored_attachment_is_the_rebuilt_file_with_its_own_size_and_hash(draft):
    content = _pdf_with(lambda pdf: corpus.link(pdf, DISARMED["web_link"]))
    attachment = add_attachment(draft, SimpleUploadedFile("a.pdf", content), kind="component")
    stored = attachment.file.open("rb").read()
    assert stored != content and b"x.invalid" not in stored
    assert attachment.size == len(stored)
    assert attachment.sha256 == hashlib.sha256(stored).hexdigest()
    assert len(pikepdf.open(io.BytesIO(stored)).pages) == 2


def test_uploaded_files_are_served_as_downloads_and_a_signed_result_inline(
    client, citizen, draft, desk, dossier
):
    uploaded = add_attachment(
        draft, SimpleUploadedFile("a.pdf", corpus.saved(corpus.document())), kind="component"
    )
    result = add_attachment(
        draft,
        SimpleUploadedFile("kq.pdf", corpus.saved(corpus.document())),
        kind="result",
        signed_by_us=True,
    )
    client.force_login(citizen)

    def disposition(attachment):
        url = reverse("portal:attachment", args=[draft.public_id, attachment.public_id])
        response = client.get(url)
        assert response["X-Content-Type-Options"] == "nosniff"
        return response["Content-Disposition"]

    assert disposition(uploaded).startswith("attachment;")
    assert disposition(result).startswith("inline;")
    received = add_attachment(
        dossier, SimpleUploadedFile("a.pdf", corpus.saved(corpus.document())), kind="component"
    )
    client.force_login(desk)
    officer = client.get(reverse("backoffice:attachment", args=[received.public_id]))
    assert officer.status_code == 200
    assert officer["Content-Disposition"].startswith("attachment;")


def test_a_rebuilt_pdf_passes_the_check_again_unchanged_in_pages():
    """A stored file is checked again when it is copied (data store → dossier)."""
    once = safe_content(
        SimpleUploadedFile(
            "a.pdf", samples.pdf(b"<</Type/Catalog/Pages 2 0 R>>", samples.PAGE_TREE)
        )
    ).read()
    twice = safe_content(SimpleUploadedFile("a.pdf", once)).read()
    assert len(pikepdf.open(io.BytesIO(twice)).pages) == 1
