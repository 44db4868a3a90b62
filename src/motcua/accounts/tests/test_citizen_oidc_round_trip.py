"""The whole OpenID Connect sign-in over real HTTP against the bundled provider.

The browser is a ``requests`` session; the portal and the provider are the same live
server, and the portal reaches the provider's discovery document, keys and token
endpoint over HTTP as it would reach VNeID.
"""

import html
import io
import re
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from django.core.management import call_command

from motcua.accounts.models import Applicant
from tests.factories import ApplicantFactory, UserFactory

PASSWORD = "matkhau-demo-123"


@pytest.fixture
def portal(live_server, settings):
    """The portal configured against the provider on the live server."""
    settings.MOTCUA_OIDC_DISCOVERY_URL = f"{live_server.url}/idp/.well-known/openid-configuration"
    settings.MOTCUA_OIDC_CLIENT_ID = "portal-live-test"
    settings.MOTCUA_OIDC_CLIENT_SECRET = "secret-for-the-live-test"
    call_command(
        "setup_idp",
        f"--base-url={live_server.url}",
        "--client-id=portal-live-test",
        "--client-secret=secret-for-the-live-test",
        stdout=io.StringIO(),
    )
    return live_server.url


@pytest.fixture
def browser():
    with requests.Session() as session:
        yield session


@pytest.fixture
def citizen():
    user = UserFactory(personal_id="001090000777", full_name="Phạm Minh Đức", phone="0987654321")
    person = ApplicantFactory(personal_id=user.personal_id, name=user.full_name, user=user)
    Applicant.objects.create(
        kind=Applicant.Kind.BUSINESS,
        name="Công ty Cổ phần Đức Thành",
        tax_code="3301234567",
        representative=person,
    )
    return user


def form_field(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    return html.unescape(match.group(1)) if match else ""


def provider_sign_in_page(browser, portal, next_path="/"):
    response = browser.get(f"{portal}/cong-dan/dang-nhap/", params={"next": next_path})
    assert urlparse(response.url).path == "/idp/dang-nhap/"
    return response


def submit_password(browser, page, personal_id, password=PASSWORD):
    return browser.post(
        page.url,
        data={
            "csrfmiddlewaretoken": form_field(page.text, "csrfmiddlewaretoken"),
            "next": form_field(page.text, "next"),
            "personal_id": personal_id,
            "password": password,
        },
    )


def test_the_portal_sends_the_citizen_to_the_provider_with_pkce_state_and_nonce(browser, portal):
    response = browser.get(f"{portal}/cong-dan/dang-nhap/", allow_redirects=False)
    assert response.status_code == 302
    location = urlparse(response.headers["Location"])
    query = parse_qs(location.query)
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{portal}/idp/authorize/"
    assert query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"]
    assert query["state"] and query["nonce"] and query["code_challenge"]
    assert query["redirect_uri"] == [f"{portal}/cong-dan/dang-nhap/hoan-tat/"]


def test_a_citizen_signs_in_through_the_provider_and_returns_where_they_started(
    browser, portal, citizen
):
    page = provider_sign_in_page(browser, portal, next_path="/cong-dan/tu-cach/?tu=thu-tuc")
    landed = submit_password(browser, page, citizen.personal_id)
    assert landed.status_code == 200
    assert landed.url == f"{portal}/cong-dan/tu-cach/?tu=thu-tuc"
    assert "Phạm Minh Đức" in landed.text
    assert "Đăng xuất" in landed.text


def test_a_next_page_on_another_site_is_dropped(browser, portal, citizen):
    page = provider_sign_in_page(browser, portal, next_path="https://lua-dao.example/")
    landed = submit_password(browser, page, citizen.personal_id)
    assert landed.url == f"{portal}/cong-dan/tu-cach/"


def test_signing_in_creates_the_citizens_applicant_record(browser, portal):
    user = UserFactory(personal_id="001090000778", full_name="Võ Thị Hà", phone="0901111222")
    assert not Applicant.objects.filter(personal_id=user.personal_id).exists()
    submit_password(browser, provider_sign_in_page(browser, portal), user.personal_id)
    person = Applicant.objects.get(kind=Applicant.Kind.PERSON, personal_id=user.personal_id)
    assert (person.name, person.phone, person.user_id) == ("Võ Thị Hà", "0901111222", user.pk)


def test_the_business_the_citizen_represents_can_be_chosen_after_signing_in(
    browser, portal, citizen
):
    submit_password(browser, provider_sign_in_page(browser, portal), citizen.personal_id)
    page = browser.get(f"{portal}/cong-dan/tu-cach/")
    assert "Người đại diện theo pháp luật của Công ty Cổ phần Đức Thành" in page.text
    business = Applicant.objects.get(tax_code="3301234567")
    chosen = browser.post(
        f"{portal}/cong-dan/tu-cach/",
        data={
            "csrfmiddlewaretoken": form_field(page.text, "csrfmiddlewaretoken"),
            "acting_as": str(business.pk),
        },
    )
    assert "Bạn đang thực hiện thủ tục với tư cách: <strong>Công ty Cổ phần Đức Thành" in (
        chosen.text
    )


def test_a_wrong_password_at_the_provider_shows_a_vietnamese_error(browser, portal, citizen):
    page = provider_sign_in_page(browser, portal)
    response = submit_password(browser, page, citizen.personal_id, password="nham-mat-khau")
    assert urlparse(response.url).path == "/idp/dang-nhap/"
    assert "Số định danh cá nhân hoặc mật khẩu không đúng" in response.text
    assert browser.get(f"{portal}/cong-dan/tu-cach/").url.startswith(f"{portal}/idp/")


def test_signing_in_at_the_provider_alone_does_not_sign_in_at_the_portal(browser, portal, citizen):
    page = browser.get(f"{portal}/idp/dang-nhap/")
    assert "Bạn đã đăng nhập" in submit_password(browser, page, citizen.personal_id).text
    response = browser.get(f"{portal}/cong-dan/tu-cach/", allow_redirects=False)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/cong-dan/dang-nhap/")


def test_signing_out_of_the_portal_also_ends_the_provider_session(browser, portal, citizen):
    submit_password(browser, provider_sign_in_page(browser, portal), citizen.personal_id)
    account = browser.get(f"{portal}/cong-dan/tu-cach/")
    signed_out = browser.post(
        f"{portal}/cong-dan/dang-xuat/",
        data={"csrfmiddlewaretoken": form_field(account.text, "csrfmiddlewaretoken")},
    )
    assert urlparse(signed_out.url).path == "/"
    assert urlparse(browser.get(f"{portal}/cong-dan/tu-cach/").url).path == "/idp/dang-nhap/"
    assert "Bạn chưa đăng nhập" in browser.get(f"{portal}/idp/").text
