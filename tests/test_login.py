import pytest

from motcua.agencies.models import Role
from tests.factories import AgencyFactory, MembershipFactory, UserFactory


@pytest.mark.django_db
def test_an_officer_who_is_not_staff_signs_in_and_lands_on_the_back_office(client):
    officer = UserFactory(username="motcua.test", is_staff=False)
    MembershipFactory(user=officer, agency=AgencyFactory(), role=Role.DESK_OFFICER)
    page = client.get("/dang-nhap/")
    assert "Đăng nhập cán bộ" in page.content.decode()
    response = client.post(
        "/dang-nhap/", {"username": "motcua.test", "password": "matkhau-demo-123"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/mot-cua/"
    assert client.get("/mot-cua/").status_code == 200


@pytest.mark.django_db
def test_a_wrong_password_shows_a_vietnamese_error(client):
    UserFactory(username="motcua.test")
    response = client.post("/dang-nhap/", {"username": "motcua.test", "password": "sai"})
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu chưa đúng" in response.content.decode()
