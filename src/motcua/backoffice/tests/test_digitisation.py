"""Digitisation at the desk (Decree 118/2025 Art. 17(1)(c), Circular 03/2025 Art. 5):
scans marked at intake or later, copied to the citizen's data store and reused online."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.agencies.models import Role
from motcua.audit.models import AuditRecord
from motcua.backoffice.tests.test_roles_and_steps import PDF
from motcua.datastore.models import Document
from motcua.dossiers import services as dossier_services
from motcua.dossiers.files import add_attachment
from motcua.dossiers.models import Attachment, Channel, Dossier, IdentityAssurance, Status
from tests.factories import offered_version
from tests.fixtures import PID

pytestmark = pytest.mark.django_db

URL = "/mot-cua/tiep-nhan/"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def version(commune):
    """Offered online at the commune too, so the citizen can file it again later."""
    return offered_version("HT.01", [commune], processing_days=3)


def scan(name="giay-chung-sinh.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def component(version, name="Giấy chứng sinh"):
    return version.components.get(name=name)


def intake(client, agency, version, personal_id=PID, **extra):
    data = {
        "token": str(uuid.uuid4()),
        "agency": agency.pk,
        "procedure": version.pk,
        "kind": "person",
        "name": "Nguyễn Văn An",
        "personal_id": personal_id,
        "tax_code": "",
        "phone": "0912345678",
        "address": "Bắc Ninh",
        "components": [c.pk for c in version.components.all()],
    }
    data.update(extra)
    return client.post(URL, data)


@pytest.fixture
def desk(client, commune, officer_of):
    client.force_login(officer_of(commune))
    return client


def test_counter_intake_records_the_id_card_check_and_digitises_a_marked_scan(
    desk, commune, version, citizen
):
    birth = component(version)
    response = intake(
        desk, commune, version, **{f"scan_{birth.pk}": scan(), f"digitised_{birth.pk}": "on"}
    )
    assert response.status_code == 302, response.content.decode()
    dossier = Dossier.objects.get()
    assert dossier.identity_assurance == IdentityAssurance.COUNTER_ID_CARD
    attachment = dossier.attachments.get(component=birth)
    assert attachment.kind == Attachment.Kind.COMPONENT
    assert attachment.digitised and attachment.digitised_at is not None
    assert attachment.digitised_by.username == f"{Role.DESK_OFFICER}-{commune.code}".lower()
    audit = AuditRecord.objects.filter(action="dossier.digitise").get()
    assert audit.data["attachments"][0]["component"] == "Giấy chứng sinh"
    # The citizen's data store keeps the certified copy under the component's name.
    document = Document.objects.get(owner=citizen)
    assert document.kind == Document.Kind.DIGITISED
    assert document.component_name == "Giấy chứng sinh"
    assert document.digitised_at == attachment.digitised_at
    assert document.source_dossier_code == dossier.code
    assert not document.deletable


def test_a_scan_kept_without_the_mark_is_not_digitised_and_not_copied(
    desk, commune, version, citizen
):
    birth = component(version)
    assert intake(desk, commune, version, **{f"scan_{birth.pk}": scan()}).status_code == 302
    attachment = Dossier.objects.get().attachments.get(component=birth)
    assert not attachment.digitised and attachment.digitised_at is None
    assert not Document.objects.exists()
    assert not AuditRecord.objects.filter(action="dossier.digitise").exists()


def test_digitised_without_a_scan_is_refused_with_a_vietnamese_message(desk, commune, version):
    birth = component(version)
    response = intake(desk, commune, version, **{f"digitised_{birth.pk}": "on"})
    assert response.status_code == 400
    assert "khi đã đính kèm bản quét của “Giấy chứng sinh”" in response.content.decode()
    assert not Dossier.objects.exists()


@pytest.mark.parametrize(
    ("handling", "digitised", "message"),
    [
        ("shown", "on", "chỉ xuất trình để đối chiếu, không lưu nên không số hóa"),
        ("secret", "", "là tài liệu mật: không lưu bản quét và không số hóa"),
        ("secret", "on", "là tài liệu mật: không lưu bản quét và không số hóa"),
    ],
)
def test_papers_only_shown_or_secret_are_not_digitised(
    desk, commune, version, handling, digitised, message
):
    birth = component(version)
    fields = {f"scan_{birth.pk}": scan(), f"handling_{birth.pk}": handling}
    if digitised:
        fields[f"digitised_{birth.pk}"] = digitised
    response = intake(desk, commune, version, **fields)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Dossier.objects.exists() and not Attachment.objects.exists()


def test_a_scan_of_a_paper_only_shown_may_be_kept_undigitised(desk, commune, version):
    birth = component(version)
    fields = {f"scan_{birth.pk}": scan(), f"handling_{birth.pk}": "shown"}
    assert intake(desk, commune, version, **fields).status_code == 302
    assert not Attachment.objects.get().digitised


def test_the_intake_page_shows_the_digitisation_column(desk, commune, version):
    page = desk.get(URL, {"thu_tuc": version.pk}).content.decode()
    assert "Bản quét và số hóa từng thành phần" in page
    assert "Đã số hóa, đối chiếu bản chính" in page
    assert f'name="scan_{component(version).pk}"' in page


def counter_dossier_with_scan(desk, commune, version, **extra):
    birth = component(version)
    assert (
        intake(desk, commune, version, **{f"scan_{birth.pk}": scan()}, **extra).status_code == 302
    )
    dossier = Dossier.objects.get()
    return dossier, dossier.attachments.get(component=birth)


def mark_url(dossier, attachment):
    return f"/mot-cua/ho-so/{dossier.public_id}/tep/{attachment.public_id}/so-hoa/"


def test_the_desk_marks_a_scan_digitised_later_from_the_dossier_page(
    desk, commune, version, citizen
):
    dossier, attachment = counter_dossier_with_scan(desk, commune, version)
    page = desk.get(f"/mot-cua/ho-so/{dossier.public_id}/").content.decode()
    assert f'data-digitise="{attachment.public_id}"' in page
    assert "Đối chiếu thẻ căn cước tại quầy" in page  # the assurance line of the summary
    response = desk.post(mark_url(dossier, attachment), follow=True)
    assert "đã số hóa, đối chiếu bản chính" in response.content.decode()
    attachment.refresh_from_db()
    assert attachment.digitised and attachment.digitised_by is not None
    record = AuditRecord.objects.filter(action="dossier.digitise").get()
    assert record.object_id == str(dossier.pk)
    assert Document.objects.get(owner=citizen).component_name == "Giấy chứng sinh"
    # Once digitised it is shown as such and cannot be marked again.
    page = desk.get(f"/mot-cua/ho-so/{dossier.public_id}/").content.decode()
    assert "data-digitised" in page and f'data-digitise="{attachment.public_id}"' not in page
    again = desk.post(mark_url(dossier, attachment), follow=True)
    assert "đã được số hóa trước đó" in again.content.decode()
    assert AuditRecord.objects.filter(action="dossier.digitise").count() == 1


def test_the_whole_dossier_scan_is_named_as_a_component_when_marked(
    desk, commune, version, citizen
):
    response = intake(desk, commune, version, scan=scan("ho-so.pdf"))
    assert response.status_code == 302
    dossier = Dossier.objects.get()
    whole = dossier.attachments.get(kind=Attachment.Kind.COUNTER_SCAN)
    birth = component(version)
    desk.post(mark_url(dossier, whole), {"component": birth.pk})
    whole.refresh_from_db()
    assert whole.digitised and whole.component == birth
    assert Document.objects.get(owner=citizen).component_name == "Giấy chứng sinh"


def test_only_the_dossier_agencys_desk_may_mark_a_scan(
    client, desk, commune, version, officer_of, other_commune
):
    dossier, attachment = counter_dossier_with_scan(desk, commune, version)
    client.force_login(officer_of(commune, Role.SPECIALIST, "chuyenvien"))
    assert client.post(mark_url(dossier, attachment)).status_code == 403
    client.force_login(officer_of(other_commune, Role.DESK_OFFICER, "motcua-khac"))
    assert client.post(mark_url(dossier, attachment)).status_code == 404
    attachment.refresh_from_db()
    assert not attachment.digitised
    assert not AuditRecord.objects.filter(action="dossier.digitise").exists()


def test_a_file_of_an_online_dossier_is_not_digitised(desk, commune, version, citizen):
    applicant = citizen.applicants.get(kind="person")
    draft = dossier_services.create_draft(applicant=applicant, version=version, agency=commune)
    attachment = add_attachment(
        draft, scan(), kind=Attachment.Kind.COMPONENT, by=citizen, component=component(version)
    )
    Dossier.objects.filter(pk=draft.pk).update(status=Status.RECEIVED, code="BN.KB-1")
    page = desk.get(f"/mot-cua/ho-so/{draft.public_id}/").content.decode()
    assert "data-digitise=" not in page
    response = desk.post(mark_url(draft, attachment), follow=True)
    assert "Hồ sơ nộp trực tuyến đã là hồ sơ điện tử" in response.content.decode()
    attachment.refresh_from_db()
    assert not attachment.digitised


def test_a_digitised_component_is_offered_and_reused_in_a_later_online_dossier(
    client, desk, commune, version, citizen
):
    birth = component(version)
    fields = {f"scan_{birth.pk}": scan(), f"digitised_{birth.pk}": "on"}
    assert intake(desk, commune, version, **fields).status_code == 302
    first = Dossier.objects.get()
    document = Document.objects.get(owner=citizen)

    # Later the citizen files the same procedure online.
    client.force_login(citizen)
    applicant = citizen.applicants.get(kind="person")
    draft = dossier_services.create_draft(applicant=applicant, version=version, agency=commune)
    page = client.get(f"/ho-so/{draft.public_id}/giay-to/").content.decode()
    assert "Dùng giấy tờ đã số hóa trong kho dữ liệu" in page
    assert page.count("Dùng giấy tờ đã số hóa trong kho dữ liệu") == 1  # only for that component
    assert f'value="{document.public_id}" checked' in page
    assert first.code in page

    response = client.post(
        f"/ho-so/{draft.public_id}/giay-to/tu-kho/",
        {"component": birth.pk, "document": str(document.public_id)},
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.reused_data
    reused = draft.attachments.get(component=birth)
    assert reused.source == Attachment.Source.DATASTORE
    assert reused.digitised  # the certified copy stays one
    assert reused.digitised_at == document.digitised_at
    assert reused.digitised_by == first.attachments.get(component=birth).digitised_by
    assert reused.sha256 == document.sha256


def test_an_applicant_without_an_account_gets_no_store_copy(desk, commune, version):
    birth = component(version)
    fields = {f"scan_{birth.pk}": scan(), f"digitised_{birth.pk}": "on"}
    assert intake(desk, commune, version, personal_id="001090999999", **fields).status_code == 302
    assert Attachment.objects.get().digitised
    assert not Document.objects.exists()
    assert Dossier.objects.get().channel == Channel.COUNTER
