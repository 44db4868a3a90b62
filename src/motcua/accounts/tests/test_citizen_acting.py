"""Whom a signed-in citizen acts for (current_applicant, citizen:acting, citizen_required)."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from motcua.accounts.citizen import citizen_required, current_applicant
from motcua.accounts.models import Applicant
from tests.factories import ApplicantFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen():
    return UserFactory(personal_id="001090005555", full_name="Bùi Quang Huy")


@pytest.fixture
def person(citizen):
    return ApplicantFactory(personal_id=citizen.personal_id, name=citizen.full_name, user=citizen)


@pytest.fixture
def business(person):
    return Applicant.objects.create(
        kind=Applicant.Kind.BUSINESS,
        name="Công ty TNHH Quang Huy",
        tax_code="4201234567",
        representative=person,
    )


def acting_as(client, user):
    """current_applicant for the client's session, as the portal's views would call it."""
    request = RequestFactory().get("/")
    request.user = user
    request.session = client.session
    return current_applicant(request)


def test_anonymous_visitors_act_as_nobody(client):
    request = RequestFactory().get("/")
    request.session = client.session
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    assert current_applicant(request) is None


def test_a_citizen_logged_in_any_way_acts_as_their_own_new_applicant_record(client, citizen):
    client.force_login(citizen)
    applicant = acting_as(client, citizen)
    assert (applicant.kind, applicant.personal_id, applicant.name, applicant.user) == (
        Applicant.Kind.PERSON,
        "001090005555",
        "Bùi Quang Huy",
        citizen,
    )
    assert acting_as(client, citizen) == applicant


def test_an_account_without_a_personal_id_acts_as_nobody(client):
    officer = UserFactory()
    client.force_login(officer)
    assert acting_as(client, officer) is None
    page = client.get("/cong-dan/tu-cach/").content.decode()
    assert "chưa có số định danh cá nhân" in page


def test_the_acting_page_offers_oneself_and_the_represented_businesses(client, citizen, business):
    client.force_login(citizen)
    page = client.get("/cong-dan/tu-cach/").content.decode()
    assert "Cá nhân: Bùi Quang Huy" in page
    assert (
        "Người đại diện theo pháp luật của Công ty TNHH Quang Huy (mã số thuế 4201234567)" in page
    )
    assert 'name="viewport"' in page


def test_choosing_a_represented_business_makes_it_the_applicant(client, citizen, business):
    client.force_login(citizen)
    response = client.post("/cong-dan/tu-cach/", {"acting_as": business.pk})
    assert response.status_code == 302
    assert acting_as(client, citizen) == business
    page = client.get("/cong-dan/tu-cach/").content.decode()
    assert "với tư cách: <strong>Công ty TNHH Quang Huy</strong>" in page


def test_choosing_oneself_again_returns_to_the_person(client, citizen, person, business):
    client.force_login(citizen)
    client.post("/cong-dan/tu-cach/", {"acting_as": business.pk})
    client.post("/cong-dan/tu-cach/", {"acting_as": "self"})
    assert acting_as(client, citizen) == person


def test_a_business_one_does_not_represent_cannot_be_chosen(client, citizen, person):
    stranger = Applicant.objects.create(
        kind=Applicant.Kind.BUSINESS, name="Công ty người khác", tax_code="4209999999"
    )
    client.force_login(citizen)
    response = client.post("/cong-dan/tu-cach/", {"acting_as": stranger.pk})
    assert response.status_code == 400
    assert "Bạn không phải người đại diện theo pháp luật" in response.content.decode()
    assert acting_as(client, citizen) == person


def test_a_business_one_stopped_representing_falls_back_to_the_person(
    client, citizen, person, business
):
    client.force_login(citizen)
    client.post("/cong-dan/tu-cach/", {"acting_as": business.pk})
    business.representative = None
    business.save()
    assert acting_as(client, citizen) == person


def test_choosing_returns_to_a_safe_next_page(client, citizen, business):
    client.force_login(citizen)
    response = client.post(
        "/cong-dan/tu-cach/", {"acting_as": business.pk, "next": "/thu-tuc/TEST.01/"}
    )
    assert response["Location"] == "/thu-tuc/TEST.01/"


def test_an_outside_next_page_is_ignored(client, citizen, business):
    client.force_login(citizen)
    response = client.post(
        "/cong-dan/tu-cach/", {"acting_as": business.pk, "next": "https://lua-dao.example/"}
    )
    assert response["Location"] == "/cong-dan/tu-cach/"


def test_citizen_required_sends_anonymous_visitors_to_sign_in_and_back():
    from django.contrib.auth.models import AnonymousUser

    view = citizen_required(lambda request: HttpResponse("ok"))
    request = RequestFactory().get("/ho-so/moi/?thu-tuc=1")
    request.user = AnonymousUser()
    response = view(request)
    assert response.status_code == 302
    assert response["Location"] == "/cong-dan/dang-nhap/?next=/ho-so/moi/%3Fthu-tuc%3D1"


def test_citizen_required_lets_signed_in_citizens_through(citizen):
    view = citizen_required(lambda request: HttpResponse("ok"))
    request = RequestFactory().get("/ho-so/moi/")
    request.user = citizen
    assert view(request).content == b"ok"


def test_signing_out_ends_the_portal_session(client, citizen):
    client.force_login(citizen)
    response = client.post("/cong-dan/dang-xuat/")
    assert response.status_code == 302
    assert client.get("/cong-dan/tu-cach/").status_code == 302
