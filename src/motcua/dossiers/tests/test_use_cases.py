"""The use cases the back office and the API share: an officer's action with the file it
brings (``perform``), counter intake (``receive_at_counter``), and the lists the
workflow table determines."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.accounts.models import Applicant
from motcua.audit.models import AuditRecord
from motcua.dossiers import services, workflow
from motcua.dossiers.exceptions import DossierError, IllegalTransition
from motcua.dossiers.models import Attachment, Channel, Status
from tests.factories import ApplicantFactory

pytestmark = pytest.mark.django_db

# A real (one blank page) PDF: uploads are read by qpdf and rebuilt.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
PID = "001090123456"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def files_in(folder) -> list:
    return [p for p in folder.rglob("*") if p.is_file()]


def test_a_supplement_received_at_the_desk_is_attached_and_the_clock_resumes(make_dossier, officer):
    dossier = make_dossier(Status.WAITING_SUPPLEMENT)
    upload = SimpleUploadedFile("bo-sung.pdf", PDF, content_type="application/pdf")
    services.perform(dossier, "provide_supplement", by=officer, supplement=upload)
    dossier.refresh_from_db()
    assert dossier.status == Status.IN_PROCESS
    assert dossier.attachments.get().kind == Attachment.Kind.SUPPLEMENT


def test_a_refused_action_leaves_no_supplement_file_behind(make_dossier, officer, media):
    dossier = make_dossier(Status.RECEIVED)  # not waiting for a supplement
    upload = SimpleUploadedFile("bo-sung.pdf", PDF, content_type="application/pdf")
    with pytest.raises(IllegalTransition):
        services.perform(dossier, "provide_supplement", by=officer, supplement=upload)
    assert not dossier.attachments.exists()
    assert not files_in(media)


def test_counter_intake_creates_the_applicant_records_the_dossier_and_its_scan(
    agency, version, officer, media
):
    component = version.components.first()
    scan = SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf")
    dossier = services.receive_at_counter(
        applicant={
            "kind": "person",
            "personal_id": PID,
            "tax_code": "",
            "name": "Nguyễn Văn An",
            "phone": "0912345678",
            "address": "Bắc Ninh",
        },
        version=version,
        agency=agency,
        by=officer,
        component_ids=[component.pk],
        token="t-1",
        scan=scan,
    )
    assert dossier.status == Status.RECEIVED and dossier.channel == Channel.COUNTER
    assert dossier.applicant.personal_id == PID and dossier.applicant.phone == "0912345678"
    assert dossier.form_data["intake_token"] == "t-1"
    assert dossier.form_data["components_received"] == [component.name]
    assert dossier.attachments.get().kind == Attachment.Kind.COUNTER_SCAN
    assert AuditRecord.objects.filter(action="applicant.created").count() == 1


def test_counter_intake_uses_the_known_applicant_unchanged(agency, version, officer):
    known = ApplicantFactory(personal_id=PID, name="Nguyễn Văn An", phone="0911111111")
    dossier = services.receive_at_counter(
        applicant={
            "kind": "person",
            "personal_id": PID,
            "tax_code": "",
            "name": "Tên khác",
            "phone": "0999999999",
            "address": "",
        },
        version=version,
        agency=agency,
        by=officer,
    )
    assert dossier.applicant_id == known.pk
    assert Applicant.objects.get(pk=known.pk).phone == "0911111111"
    assert not AuditRecord.objects.filter(action="applicant.created").exists()


def test_a_version_not_in_force_records_neither_applicant_nor_dossier(agency, version, officer):
    version.status = version.Status.DRAFT
    version.save()
    with pytest.raises(DossierError):
        services.receive_at_counter(
            applicant={"kind": "person", "personal_id": PID, "name": "An", "phone": ""},
            version=version,
            agency=agency,
            by=officer,
        )
    assert not Applicant.objects.filter(personal_id=PID).exists()


def test_the_officer_actions_are_the_table_rows_officers_do_in_button_order():
    assert workflow.OFFICER_ACTIONS == (
        "receive",
        "refuse_intake",
        "start_processing",
        "assign",
        "give_opinion",
        "forward",
        "request_supplement",
        "provide_supplement",
        "approve",
        "refuse",
        "transfer",
        "accept_transfer",
        "issue_result",
        "return_result",
        "stop",
    )
    assert {"submit", "withdraw", "expire_supplement", "complete_intake"}.isdisjoint(
        workflow.OFFICER_ACTIONS
    )


def test_the_lists_derived_from_the_table():
    assert workflow.ASSIGNING == {"start_processing", "assign", "give_opinion", "forward"}
    assert workflow.STEP_MOVES == {"assign", "give_opinion", "forward"}
    assert workflow.NOTE_REQUIRED == {
        "refuse_intake",
        "refuse",
        "request_supplement",
        "give_opinion",
        "transfer",
        "stop",
    }
