"""The data store's use cases: keeping uploads, deleting them, reusing them in a dossier."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.audit.models import AuditRecord
from motcua.datastore import selectors, services
from motcua.datastore.exceptions import DatastoreError
from motcua.datastore.models import Document
from motcua.dossiers.exceptions import DossierError
from motcua.dossiers.models import Attachment, Status

from .conftest import EXE, PDF, PNG, STORED_PDF, pdf

pytestmark = pytest.mark.django_db


def test_an_upload_is_kept_with_its_type_size_and_fingerprint(citizen):
    document = services.save_upload(citizen, pdf(), name="Căn cước mặt trước")
    assert selectors.documents_of(citizen).get() == document
    assert (document.name, document.kind, document.content_type, document.size) == (
        "Căn cước mặt trước",
        Document.Kind.UPLOAD,
        "application/pdf",
        len(STORED_PDF),
    )
    with document.file.open("rb") as stored:
        assert stored.read() == STORED_PDF


def test_an_upload_without_a_name_is_named_after_its_file(citizen):
    document = services.save_upload(citizen, pdf("Giay khai sinh.pdf"))
    assert document.name == "Giay khai sinh"


def test_a_renamed_program_is_refused_by_its_content(citizen):
    with pytest.raises(DossierError) as excinfo:
        services.save_upload(citizen, SimpleUploadedFile("hop-dong.pdf", EXE))
    assert "không phải PDF, JPG hoặc PNG" in excinfo.value.message
    assert not Document.objects.exists()


def test_a_zero_byte_file_is_refused(citizen):
    with pytest.raises(DossierError) as excinfo:
        services.save_upload(citizen, SimpleUploadedFile("trong.pdf", b""))
    assert "rỗng (0 byte)" in excinfo.value.message


def test_a_file_over_the_upload_limit_is_refused(citizen, settings):
    settings.MOTCUA_MAX_UPLOAD_BYTES = 1024 * 1024
    big = pdf(content=PDF + b"0" * (1024 * 1024))
    with pytest.raises(DossierError) as excinfo:
        services.save_upload(citizen, big)
    assert "lớn hơn 1 MB" in excinfo.value.message


def test_uploads_past_the_quota_are_refused(citizen, settings):
    settings.MOTCUA_DATASTORE_QUOTA_BYTES = len(STORED_PDF) + len(PNG) - 1
    services.save_upload(citizen, pdf())
    with pytest.raises(DatastoreError) as excinfo:
        services.save_upload(citizen, SimpleUploadedFile("anh.png", PNG))
    assert excinfo.value.code == "quota_exceeded"
    assert "Hãy xóa bớt giấy tờ" in excinfo.value.message


def test_documents_are_listed_newest_first_and_only_the_owners(citizen, stranger):
    first = services.save_upload(citizen, pdf(), name="Một")
    second = services.save_upload(citizen, pdf(), name="Hai")
    services.save_upload(stranger, pdf(), name="Của người khác")
    assert list(selectors.documents_of(citizen)) == [second, first]


def test_deleting_an_own_upload_removes_row_and_file(citizen, django_capture_on_commit_callbacks):
    document = services.save_upload(citizen, pdf())
    storage, path = document.file.storage, document.file.name
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_document(citizen, document)
    assert not selectors.documents_of(citizen).exists()
    assert not storage.exists(path)


def test_deleting_an_upload_is_audited_without_its_name(citizen):
    document = services.save_upload(citizen, pdf(), name="Sổ hộ khẩu")
    services.delete_document(citizen, document)
    entry = AuditRecord.objects.get(action="datastore.delete")
    assert entry.actor == citizen
    assert entry.data == {"kind": "upload", "sha256": document.sha256, "size": len(STORED_PDF)}


def test_nobody_deletes_another_persons_document(citizen, stranger):
    document = services.save_upload(citizen, pdf())
    with pytest.raises(DatastoreError) as excinfo:
        services.delete_document(stranger, document)
    assert excinfo.value.code == "not_owner"
    assert Document.objects.filter(pk=document.pk).exists()


def test_copy_to_dossier_attaches_a_copy_marked_as_from_the_store(citizen, make_dossier):
    dossier = make_dossier(Status.DRAFT)
    component = dossier.procedure_version.components.first()
    document = services.save_upload(citizen, pdf(), name="Căn cước")
    attachment = services.copy_to_dossier(document, dossier, component=component, by=citizen)
    assert attachment.source == Attachment.Source.DATASTORE
    assert (attachment.dossier, attachment.component, attachment.kind) == (
        dossier,
        component,
        Attachment.Kind.COMPONENT,
    )
    assert (attachment.original_name, attachment.sha256) == ("Căn_cước.pdf", document.sha256)
    assert attachment.file.name != document.file.name  # a copy, not the same file


def test_a_copy_for_a_dossier_waiting_for_a_supplement_is_a_supplement(citizen, make_dossier):
    dossier = make_dossier(Status.WAITING_SUPPLEMENT)
    document = services.save_upload(citizen, pdf())
    attachment = services.copy_to_dossier(document, dossier, by=citizen)
    assert attachment.kind == Attachment.Kind.SUPPLEMENT


def test_copy_to_dossier_refuses_a_document_of_another_owner(stranger, make_dossier):
    dossier = make_dossier(Status.DRAFT)
    document = services.save_upload(stranger, pdf())
    with pytest.raises(DatastoreError) as excinfo:
        services.copy_to_dossier(document, dossier, by=stranger)
    assert excinfo.value.code == "not_owner"
    assert not dossier.attachments.exists()


def test_copy_to_dossier_refuses_a_dossier_already_decided(citizen, make_dossier):
    dossier = make_dossier(Status.APPROVED)
    document = services.save_upload(citizen, pdf())
    with pytest.raises(DatastoreError) as excinfo:
        services.copy_to_dossier(document, dossier, by=citizen)
    assert "Đã phê duyệt" in excinfo.value.message


def test_deleting_an_upload_leaves_the_dossiers_copy(citizen, make_dossier):
    dossier = make_dossier(Status.DRAFT)
    document = services.save_upload(citizen, pdf())
    attachment = services.copy_to_dossier(document, dossier, by=citizen)
    services.delete_document(citizen, document)
    with attachment.file.open("rb") as stored:
        assert stored.read() == STORED_PDF
