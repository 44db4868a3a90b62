"""A citizen sees and acts on their own dossiers only, whatever URL they type."""

import uuid

import pytest

from motcua.accounts.models import Applicant
from motcua.dossiers.files import add_attachment
from motcua.dossiers.models import Attachment, Dossier, Rating, Status

from .conftest import applicant_of, pdf_file

pytestmark = pytest.mark.django_db

GET_PAGES = [
    "",
    "khai/",
    "giay-to/",
    "xem-lai/",
    "bien-nhan/",
    "bien-nhan/pdf/",
    "bo-sung/",
    "rut/",
    "danh-gia/",
]


@pytest.fixture
def theirs(make_dossier, other_citizen):
    """Another citizen's dossier, with a file."""
    dossier = make_dossier(other_citizen, Status.DRAFT)
    component = dossier.procedure_version.components.first()
    add_attachment(
        dossier, pdf_file("bi-mat.pdf"), kind=Attachment.Kind.COMPONENT, component=component
    )
    return dossier


@pytest.mark.parametrize("page", GET_PAGES)
def test_another_citizens_dossier_pages_are_not_found(citizen_client, theirs, page):
    response = citizen_client.get(f"/ho-so/{theirs.public_id}/{page}")
    assert response.status_code == 404


def test_another_citizens_file_is_not_found(citizen_client, theirs):
    attachment = theirs.attachments.get()
    response = citizen_client.get(f"/ho-so/{theirs.public_id}/tep/{attachment.public_id}/")
    assert response.status_code == 404


@pytest.mark.parametrize(
    "action, data",
    [
        ("khai/", {"phone": "0900000000", "action": "save"}),
        ("lay-lai-du-lieu/", {}),
        ("nop/", {}),
        ("rut/", {"reason": "thử"}),
        ("danh-gia/", {"score": "1"}),
        ("bo-sung/", {"note": "thử"}),
    ],
)
def test_another_citizens_dossier_cannot_be_changed(citizen_client, theirs, registry, action, data):
    before = Dossier.objects.values().get(pk=theirs.pk)
    response = citizen_client.post(f"/ho-so/{theirs.public_id}/{action}", data)
    assert response.status_code == 404
    assert Dossier.objects.values().get(pk=theirs.pk) == before
    assert not Rating.objects.exists()


def test_another_citizens_files_cannot_be_added_or_removed(citizen_client, theirs):
    component = theirs.procedure_version.components.first()
    attachment = theirs.attachments.get()
    added = citizen_client.post(
        f"/ho-so/{theirs.public_id}/giay-to/tai-len/",
        {"component": component.pk, "file": pdf_file()},
    )
    removed = citizen_client.post(f"/ho-so/{theirs.public_id}/giay-to/{attachment.public_id}/xoa/")
    assert added.status_code == removed.status_code == 404
    assert list(theirs.attachments.all()) == [attachment]


def test_a_file_of_another_dossier_cannot_be_removed_through_ones_own(
    citizen_client, citizen, theirs, make_dossier
):
    mine = make_dossier(citizen, Status.DRAFT)
    attachment = theirs.attachments.get()
    response = citizen_client.post(f"/ho-so/{mine.public_id}/giay-to/{attachment.public_id}/xoa/")
    assert response.status_code == 404
    assert theirs.attachments.exists()


def test_my_dossiers_lists_only_the_citizens_own(citizen_client, citizen, theirs, make_dossier):
    mine = make_dossier(citizen, Status.SUBMITTED)
    body = citizen_client.get("/ho-so/").content.decode()
    assert mine.code in body
    assert str(theirs.public_id) not in body


def test_an_unknown_dossier_id_is_not_found(citizen_client):
    assert citizen_client.get(f"/ho-so/{uuid.uuid4()}/").status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, theirs):
    for page in ["", "bien-nhan/"]:
        response = client.get(f"/ho-so/{theirs.public_id}/{page}")
        assert response.status_code == 302
        assert response.url.startswith("/cong-dan/dang-nhap/")
    assert client.get("/ho-so/").url.startswith("/cong-dan/dang-nhap/")


def test_business_dossiers_show_only_while_acting_for_the_business(
    citizen_client, citizen, make_dossier
):
    business = Applicant.objects.create(
        kind=Applicant.Kind.BUSINESS,
        name="Công ty TNHH Sen Vàng",
        tax_code="0101234567",
        representative=applicant_of(citizen),
        user=citizen,
    )
    company_dossier = make_dossier(citizen, Status.SUBMITTED, applicant=business)
    assert citizen_client.get(f"/ho-so/{company_dossier.public_id}/").status_code == 404
    assert company_dossier.code not in citizen_client.get("/ho-so/").content.decode()

    citizen_client.post("/cong-dan/tu-cach/", {"acting_as": str(business.pk)})

    assert citizen_client.get(f"/ho-so/{company_dossier.public_id}/").status_code == 200
    assert company_dossier.code in citizen_client.get("/ho-so/").content.decode()


def test_signed_in_account_without_a_citizen_identity_is_told_why(client):
    from tests.factories import UserFactory

    officer = UserFactory(username="canbo")
    client.force_login(officer)
    response = client.get("/ho-so/")
    assert response.status_code == 403
    assert "không gắn với một công dân" in response.content.decode()


def test_citizen_pages_are_not_cached(citizen_client):
    response = citizen_client.get("/ho-so/")
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
