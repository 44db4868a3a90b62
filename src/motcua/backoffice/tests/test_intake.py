"""Counter intake: a paper dossier recorded at the desk, and its printable receipt."""

import uuid

import pytest
from django.urls import reverse

from motcua.agencies.models import Agency, Role
from motcua.backoffice.intake_forms import intake_agencies
from motcua.backoffice.tests.test_roles_and_steps import PDF
from motcua.dossiers.models import Channel, Dossier, Status
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db

URL = "/mot-cua/tiep-nhan/"


def post_data(agency, version, **overrides):
    data = {
        "token": str(uuid.uuid4()),
        "agency": agency.pk,
        "procedure": version.pk,
        "kind": "person",
        "name": "Nguyễn Văn An",
        "personal_id": "001090123456",
        "tax_code": "",
        "phone": "0912345678",
        "address": "Hà Nội",
        "components": [c.pk for c in version.components.all()],
    }
    data.update(overrides)
    return data


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_desk_officer_records_paper_dossier_and_sees_receipt(client, agency, officer_of, version):
    client.force_login(officer_of(agency))
    response = client.post(URL, post_data(agency, version), follow=True)
    dossier = Dossier.objects.get()
    assert dossier.status == Status.RECEIVED
    assert dossier.channel == Channel.COUNTER
    assert response.redirect_chain[-1][0] == f"/mot-cua/ho-so/{dossier.public_id}/bien-nhan/"
    page = response.content.decode()
    assert dossier.code in page
    assert dossier.due_date.strftime("%d/%m/%Y") in page
    assert dossier.lookup_secret in page
    assert "********3456" in page and "001090123456" not in page
    assert "Giấy chứng sinh" in page
    assert "10.000 đồng" in page


def test_specialist_cannot_open_counter_intake(client, agency, officer_of):
    client.force_login(officer_of(agency, Role.SPECIALIST))
    response = client.get(URL)
    assert response.status_code == 403
    assert "Chỉ cán bộ một cửa" in response.content.decode()


def test_invalid_personal_id_shows_vietnamese_error_and_records_nothing(
    client, agency, officer_of, version
):
    client.force_login(officer_of(agency))
    response = client.post(URL, post_data(agency, version, personal_id="12345"))
    assert response.status_code == 400
    assert "Số định danh cá nhân phải gồm đúng 12 chữ số." in response.content.decode()
    assert not Dossier.objects.exists()


def test_renamed_executable_is_refused_and_nothing_is_stored(
    client, agency, officer_of, version, media
):
    client.force_login(officer_of(agency))
    fake = _upload("scan.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    response = client.post(URL, {**post_data(agency, version), "scan": fake})
    assert response.status_code == 400
    assert "Tệp phải là PDF, JPG hoặc PNG, tối đa 10 MB" in response.content.decode()
    assert not Dossier.objects.exists()
    assert not any(media.rglob("*"))


def test_valid_pdf_scan_is_stored_and_listed(client, agency, officer_of, version, media):
    client.force_login(officer_of(agency))
    pdf = _upload("scan.pdf", PDF, "application/pdf")
    response = client.post(URL, {**post_data(agency, version), "scan": pdf}, follow=True)
    dossier = Dossier.objects.get()
    [scan] = dossier.attachments.all()
    assert scan.kind == "counter_scan" and scan.content_type == "application/pdf"
    assert (media / scan.file.name).read_bytes().startswith(b"%PDF-")
    assert scan.original_name in response.content.decode()


def test_double_submit_with_same_token_creates_one_dossier(client, agency, officer_of, version):
    client.force_login(officer_of(agency))
    data = post_data(agency, version)
    first = client.post(URL, data)
    second = client.post(URL, data)
    assert Dossier.objects.count() == 1
    assert second.status_code == 302
    assert second["Location"] == first["Location"]


def test_receipt_of_another_agencys_dossier_is_404(
    client, agency, other_agency, officer_of, make_dossier
):
    dossier = make_dossier(Status.RECEIVED, agency=other_agency)
    client.force_login(officer_of(agency))
    response = client.get(reverse("backoffice:receipt", args=[dossier.public_id]))
    assert response.status_code == 404


def test_procedure_picker_finds_birth_registration_by_everyday_words(
    client, agency, officer_of, version
):
    other = _other_version()
    client.force_login(officer_of(agency))
    page = client.get(URL, {"q": "khai sinh"}).content.decode()
    assert "Đăng ký khai sinh" in page
    assert other.name not in page


def _other_version():
    from tests.factories import procedure_version

    return procedure_version(
        "DD.01",
        name="Cấp giấy phép xây dựng",
        sector="Xây dựng",
        result_name="Giấy phép xây dựng",
        components=[("Đơn đề nghị", "")],
        data_sources=[],
    )


def _upload(name, content, content_type):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type=content_type)


def test_existing_applicant_is_reused_unchanged(client, agency, officer_of, version):
    from tests.factories import ApplicantFactory

    existing = ApplicantFactory(personal_id="001090123456", name="Tên cũ")
    client.force_login(officer_of(agency))
    client.post(URL, post_data(agency, version, name="Tên mới"))
    dossier = Dossier.objects.get()
    existing.refresh_from_db()
    assert dossier.applicant == existing
    assert existing.name == "Tên cũ"


def test_choosing_a_procedure_lists_its_components_as_checkboxes(
    client, agency, officer_of, version
):
    client.force_login(officer_of(agency))
    page = client.get(URL, {"thu_tuc": version.pk}).content.decode()
    assert 'type="checkbox"' in page
    assert "Giấy chứng sinh" in page


def test_unit_desk_officer_records_for_parent_department_and_prints_receipt(
    client, agency, officer_of, version
):
    from tests.factories import AgencyFactory

    unit = AgencyFactory(code="STP-HT", name="Phòng Hộ tịch", kind="unit", parent=agency)
    client.force_login(officer_of(unit))
    response = client.post(URL, post_data(agency, version), follow=True)
    dossier = Dossier.objects.get()
    assert dossier.agency == agency
    assert response.status_code == 200
    assert dossier.code in response.content.decode()


def test_procedure_picker_ignores_accents(client, agency, officer_of, version):
    client.force_login(officer_of(agency))
    page = client.get(URL, {"q": "dang ky khai sinh"}).content.decode()
    assert "HT.01 – Đăng ký khai sinh" in page


def test_procedure_picker_understands_a_typo(client, agency, officer_of, version):
    client.force_login(officer_of(agency))
    page = client.get(URL, {"q": "khai sihn"}).content.decode()
    assert "Đăng ký khai sinh" in page


def test_a_ward_polices_desk_officer_may_not_record_into_the_ward(officer_of):
    ward = AgencyFactory(kind=Agency.Kind.COMMUNE)
    police = AgencyFactory(kind=Agency.Kind.DEPARTMENT, parent=ward)
    police_desk = AgencyFactory(kind=Agency.Kind.UNIT, parent=police)
    direct = officer_of(police, Role.DESK_OFFICER)
    in_unit = officer_of(police_desk, Role.DESK_OFFICER)
    assert intake_agencies(direct) == [police]
    assert set(intake_agencies(in_unit)) == {police, police_desk}
