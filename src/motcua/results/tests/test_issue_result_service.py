"""``results.issue_result``: the one use case behind "Ban hành kết quả" in the back
office and the API — the document, the signature, the transition, all or nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.dossiers import services as dossier_services
from motcua.dossiers.exceptions import DossierError
from motcua.dossiers.models import Attachment, Status
from motcua.results import services
from motcua.results.exceptions import ResultError
from motcua.results.models import ResultDocument

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def stored_files(settings) -> list:
    return [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]


def test_a_generated_result_is_signed_attached_and_the_dossier_moves_on(approved, officer):
    services.preview_result(approved, by=officer)
    dossier = services.issue_result(approved, by=officer, note="Đã ký")
    assert dossier.status == Status.RESULT_ISSUED and dossier.result_electronic
    document = ResultDocument.objects.get(dossier=approved)
    assert document.kind == ResultDocument.Kind.GENERATED
    assert document.attachment.kind == Attachment.Kind.RESULT
    assert approved.history.get(action="issue_result").note == "Đã ký"


def test_an_uploaded_scan_is_kept_as_is(approved, officer):
    scan = SimpleUploadedFile("ket-qua.png", PNG, content_type="image/png")
    dossier = services.issue_result(approved, by=officer, mode=services.RESULT_UPLOAD, upload=scan)
    assert dossier.result_electronic
    assert not ResultDocument.objects.exists()  # a scan is not signed
    assert approved.attachments.get().content_type == "image/png"


def test_a_paper_result_attaches_nothing(approved, officer):
    dossier = services.issue_result(approved, by=officer, mode=services.RESULT_PAPER)
    assert dossier.status == Status.RESULT_ISSUED and not dossier.result_electronic
    assert not approved.attachments.exists()


@pytest.mark.parametrize(
    ("mode", "upload"),
    [
        (services.RESULT_UPLOAD, None),
        (services.RESULT_GENERATED, SimpleUploadedFile("a.png", PNG)),
        ("fax", None),
    ],
)
def test_a_mode_and_file_that_do_not_fit_are_refused_before_anything_is_made(
    approved, officer, mode, upload
):
    with pytest.raises(ResultError):
        services.issue_result(approved, by=officer, mode=mode, upload=upload)
    approved.refresh_from_db()
    assert approved.status == Status.APPROVED and not approved.attachments.exists()


def test_when_the_transition_fails_the_signed_file_is_removed(
    approved, officer, settings, monkeypatch
):
    def refuse(*args, **kwargs):
        raise DossierError("Hồ sơ vừa được người khác cập nhật.", code="concurrent_change")

    monkeypatch.setattr(dossier_services, "transition", refuse)
    services.preview_result(approved, by=officer)
    with pytest.raises(DossierError):
        services.issue_result(approved, by=officer)
    approved.refresh_from_db()
    assert approved.status == Status.APPROVED and not approved.attachments.exists()
    assert not ResultDocument.objects.exists()
    assert not stored_files(settings)


def test_issuing_results_builds_the_fonts_once(approved, officer, agency, version, monkeypatch):
    # A new WeasyPrint FontConfiguration per result was memory a web worker never got
    # back (about 0.2 MB a result, no plateau): the documents share one per thread.
    from weasyprint.text.fonts import FontConfiguration

    from tests.factories import dossier_in_status

    made = []
    original = FontConfiguration.__init__

    def counting_init(self, *args, **kwargs):
        made.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(FontConfiguration, "__init__", counting_init)
    others = [
        dossier_in_status(
            Status.APPROVED, applicant=approved.applicant, procedure_version=version, agency=agency
        )
        for _ in range(2)
    ]
    for dossier in [approved, *others]:
        services.preview_result(dossier, by=officer)
        assert services.issue_result(dossier, by=officer).status == Status.RESULT_ISSUED
    assert ResultDocument.objects.count() == 3
    assert len(made) <= 1
