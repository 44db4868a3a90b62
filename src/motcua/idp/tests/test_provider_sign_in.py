"""Signing in at the demo provider: its own page, its own session."""

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def citizen():
    return UserFactory(personal_id="001090000321", full_name="Lê Văn Cường")


def test_the_sign_in_page_asks_for_the_personal_id_in_vietnamese_on_a_phone(client):
    page = client.get("/idp/dang-nhap/").content.decode()
    assert "Số định danh cá nhân" in page
    assert 'inputmode="numeric"' in page
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in page


def test_a_wrong_password_shows_a_vietnamese_error(client, citizen):
    response = client.post(
        "/idp/dang-nhap/", {"personal_id": citizen.personal_id, "password": "sai-mat-khau"}
    )
    assert response.status_code == 200
    assert "Số định danh cá nhân hoặc mật khẩu không đúng" in response.content.decode()


def test_an_unknown_personal_id_shows_the_same_error_as_a_wrong_password(client, citizen):
    response = client.post(
        "/idp/dang-nhap/", {"personal_id": "079099999999", "password": "matkhau-demo-123"}
    )
    assert "Số định danh cá nhân hoặc mật khẩu không đúng" in response.content.decode()


def test_a_personal_id_that_is_not_12_digits_is_explained(client, citizen):
    response = client.post("/idp/dang-nhap/", {"personal_id": "12345", "password": "x"})
    assert "phải gồm đúng 12 chữ số" in response.content.decode()


def test_a_deactivated_citizen_cannot_sign_in(client, citizen):
    citizen.is_active = False
    citizen.save()
    response = client.post(
        "/idp/dang-nhap/", {"personal_id": citizen.personal_id, "password": "matkhau-demo-123"}
    )
    assert response.status_code == 200
    assert "mật khẩu không đúng" in response.content.decode()


def test_signing_in_at_the_provider_shows_the_citizen_there(client, citizen):
    response = client.post(
        "/idp/dang-nhap/",
        {"personal_id": citizen.personal_id, "password": "matkhau-demo-123"},
        follow=True,
    )
    assert "Lê Văn Cường" in response.content.decode()
    assert response.redirect_chain[-1][0] == "/idp/"


def test_signing_in_at_the_provider_does_not_sign_in_at_the_portal(client, citizen):
    client.post(
        "/idp/dang-nhap/", {"personal_id": citizen.personal_id, "password": "matkhau-demo-123"}
    )
    # The test client sends every cookie everywhere, the provider's included.
    assert "motcua_idp_session" in client.cookies
    response = client.get("/cong-dan/tu-cach/")
    assert response.status_code == 302
    assert response["Location"].startswith("/cong-dan/dang-nhap/")
    assert "sessionid" not in client.cookies or "_auth_user_id" not in client.session


def test_the_provider_session_cookie_is_limited_to_the_provider(client, citizen):
    response = client.post(
        "/idp/dang-nhap/", {"personal_id": citizen.personal_id, "password": "matkhau-demo-123"}
    )
    cookie = response.cookies["motcua_idp_session"]
    assert cookie["path"] == "/idp/"
    assert cookie["httponly"]


def test_a_portal_session_does_not_sign_anyone_in_at_the_provider(client, citizen):
    client.force_login(citizen)
    page = client.get("/idp/").content.decode()
    assert "Bạn chưa đăng nhập" in page


def test_signing_out_of_the_provider_leaves_the_portal_session_alone(client, citizen):
    client.force_login(citizen)
    client.post(
        "/idp/dang-nhap/", {"personal_id": citizen.personal_id, "password": "matkhau-demo-123"}
    )
    client.post("/idp/dang-xuat/")
    assert "Bạn chưa đăng nhập" in client.get("/idp/").content.decode()
    assert client.get("/cong-dan/tu-cach/").status_code == 200
