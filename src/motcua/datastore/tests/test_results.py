"""Results issued on a dossier land in the applicant's data store and stay there."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.datastore import selectors, services
from motcua.datastore.exceptions import DatastoreError
from motcua.datastore.models import Document
from motcua.dossiers.files import add_attachment
from motcua.dossiers.models import Attachment, Status
from motcua.dossiers.services import transition
from tests.factories import ApplicantFactory, UserFactory

from .conftest import PDF, STORED_PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer():
    return UserFactory(username="canbo")


def issue(dossier, officer, name: str = "Giấy khai sinh.pdf"):
    add_attachment(
        dossier,
        SimpleUploadedFile(name, PDF),
        kind=Attachment.Kind.RESULT,
        by=officer,
    )
    transition(dossier, "issue_result", by=officer)


def test_an_issued_result_lands_in_the_applicants_store(citizen, make_dossier, officer):
    dossier = make_dossier(Status.APPROVED)
    issue(dossier, officer)
    document = selectors.documents_of(citizen).get()
    assert (document.kind, document.name, document.source_dossier_code) == (
        Document.Kind.RESULT,
        "Giấy khai sinh",
        dossier.code,
    )
    with document.file.open("rb") as stored:
        assert stored.read() == STORED_PDF


def test_a_businesss_result_lands_in_its_representatives_store(
    business, stranger, make_dossier, officer
):
    dossier = make_dossier(Status.APPROVED, applicant=business)
    issue(dossier, officer, "Giấy phép kinh doanh.pdf")
    assert selectors.documents_of(stranger).get().name == "Giấy phép kinh doanh"


def test_the_other_files_of_the_dossier_do_not_land_in_the_store(citizen, make_dossier, officer):
    dossier = make_dossier(Status.APPROVED)
    add_attachment(dossier, SimpleUploadedFile("to-khai.pdf", PDF), kind=Attachment.Kind.COMPONENT)
    issue(dossier, officer)
    assert selectors.documents_of(citizen).count() == 1


def test_a_result_lands_only_once_when_offered_again(citizen, make_dossier, officer):
    dossier = make_dossier(Status.APPROVED)
    issue(dossier, officer)
    transition(dossier, "return_result", by=officer)
    services.save_result(citizen, dossier.attachments.get(kind=Attachment.Kind.RESULT))
    assert selectors.documents_of(citizen).count() == 1


def test_a_result_attached_only_on_return_still_lands(citizen, make_dossier, officer):
    dossier = make_dossier(Status.RESULT_ISSUED)
    add_attachment(dossier, SimpleUploadedFile("kq.pdf", PDF), kind=Attachment.Kind.RESULT)
    transition(dossier, "return_result", by=officer)
    assert selectors.documents_of(citizen, Document.Kind.RESULT).count() == 1


def test_the_person_cannot_delete_a_result(citizen, make_dossier, officer):
    dossier = make_dossier(Status.APPROVED)
    issue(dossier, officer)
    document = selectors.documents_of(citizen).get()
    with pytest.raises(DatastoreError) as excinfo:
        services.delete_document(citizen, document)
    assert excinfo.value.code == "result_not_deletable"
    assert dossier.code in excinfo.value.message
    assert Document.objects.filter(pk=document.pk).exists()


def test_a_result_that_cannot_be_copied_does_not_block_issuing_it(citizen, make_dossier, officer):
    dossier = make_dossier(Status.APPROVED)
    add_attachment(dossier, SimpleUploadedFile("kq.pdf", PDF), kind=Attachment.Kind.RESULT)
    attachment = dossier.attachments.get()
    attachment.file.storage.delete(attachment.file.name)  # the file went missing
    transition(dossier, "issue_result", by=officer)
    dossier.refresh_from_db()
    assert dossier.status == Status.RESULT_ISSUED
    assert not selectors.documents_of(citizen).exists()


def test_an_applicant_without_an_account_gets_no_store_copy(make_dossier, officer):
    dossier = make_dossier(Status.APPROVED, applicant=ApplicantFactory(user=None))
    issue(dossier, officer)
    assert dossier.status == Status.RESULT_ISSUED
    assert not Document.objects.exists()


def test_an_issued_result_is_also_kept_as_data_and_shown(citizen, make_dossier, officer, client):
    dossier = make_dossier(Status.APPROVED)
    version = dossier.procedure_version
    # A published form never changes through the model; this fixture sets one directly.
    type(version).objects.filter(pk=version.pk).update(
        form_schema={
            "format": "motcua-eform/2",
            "title": "Tờ khai đăng ký khai sinh",
            "sections": [
                {
                    "key": "child",
                    "title": "Người được khai sinh",
                    "fields": [
                        {"name": "child", "label": "Người được khai sinh", "type": "person"}
                    ],
                }
            ],
            "decision": [{"name": "register_number", "label": "Số đăng ký", "type": "text"}],
        }
    )
    dossier.procedure_version.refresh_from_db()
    dossier.form_data = {
        "child": {"full_name": "Trần Minh An", "birth_date": "2025-12-01", "sex": "nam"}
    }
    dossier.save(update_fields=["form_data"])
    add_attachment(
        dossier, SimpleUploadedFile("Giấy khai sinh.pdf", PDF), kind=Attachment.Kind.RESULT
    )
    # ``Dossier.decision_data`` comes with the back office's assessment; read if present.
    dossier.decision_data = {"register_number": "15/2025"}

    services.save_results_of(dossier)

    document = selectors.documents_of(citizen).get()
    assert document.data == {
        "procedure": version.procedure.code,
        "form": dossier.form_data,
        "decision": {"register_number": "15/2025"},
    }
    client.force_login(citizen)
    page = client.get("/kho-du-lieu/").content.decode()
    assert "Dữ liệu của kết quả" in page
    assert "Người được khai sinh – Họ, chữ đệm và tên" in page
    assert "01/12/2025" in page and "Nam" in page and "15/2025" in page


def test_issuing_a_result_keeps_the_form_data_with_it(citizen, make_dossier, officer):
    dossier = make_dossier(Status.APPROVED)
    dossier.form_data = {"full_name": "Trần Thị Bình", "purpose": "Đi học"}
    dossier.save(update_fields=["form_data"])

    issue(dossier, officer)

    data = selectors.documents_of(citizen).get().data
    assert data["procedure"] == dossier.procedure_version.procedure.code
    assert data["form"] == {"full_name": "Trần Thị Bình", "purpose": "Đi học"}
    assert data["decision"] == {}


def test_the_assessors_internal_fields_stay_out_of_the_citizens_store(
    citizen, make_dossier, officer
):
    from motcua.catalog.models import ProcedureVersion

    dossier = make_dossier(Status.APPROVED)
    definition = {
        "format": "motcua-eform/2",
        "title": "Tờ khai",
        "sections": [{"key": "a", "title": "A", "fields": [{"name": "x", "label": "X"}]}],
        "decision": [
            {"name": "register_number", "label": "Số đăng ký", "type": "text"},
            {"name": "decision_note", "label": "Ghi chú", "type": "textarea", "internal": True},
        ],
    }
    ProcedureVersion.objects.filter(pk=dossier.procedure_version_id).update(form_schema=definition)
    dossier.decision_data = {"register_number": "125", "decision_note": "Đã gọi xác minh"}
    dossier.save(update_fields=["decision_data"])
    issue(dossier, officer)
    document = selectors.documents_of(citizen).get()
    assert document.data["decision"] == {"register_number": "125"}
