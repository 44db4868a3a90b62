"""The site's own error pages (motcua.portal.errors): Vietnamese, in the portal's layout,
with a way back; Django's stock texts, the select placeholder and dates in Vietnamese."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.test import Client, RequestFactory
from django.utils import formats, translation

from motcua import urls
from motcua.accounts.models import Applicant
from motcua.portal import errors

pytestmark = pytest.mark.django_db

ENGLISH = ("Not Found", "Forbidden", "Server Error", "Bad Request", "CSRF verification")


def assert_site_page(response, status: int, *texts: str) -> str:
    assert response.status_code == status
    html = response.content.decode()
    assert 'lang="vi"' in html
    assert 'class="site-header"' in html  # the portal's layout
    assert 'href="/"' in html  # a way back home
    assert "portal/icons/favicon.svg" in html
    for text in texts:
        assert text in html, text
    for english in ENGLISH:
        assert english not in html, english
    return html


def test_handlers_are_the_sites_own():
    assert urls.handler400 == "motcua.portal.errors.bad_request"
    assert urls.handler403 == "motcua.portal.errors.permission_denied"
    assert urls.handler404 == "motcua.portal.errors.page_not_found"
    assert urls.handler500 == "motcua.portal.errors.server_error"


def test_a_mistyped_address_gets_the_vietnamese_404_with_a_search(client):
    html = assert_site_page(
        client.get("/thu-tuc-khong-co/"), 404, "Không tìm thấy trang bạn cần", "Mã lỗi 404"
    )
    assert 'action="/tim-kiem/"' in html
    assert "Tra cứu hồ sơ bằng mã hồ sơ" in html


def test_the_404_leads_back_to_the_page_the_visitor_came_from(client):
    html = assert_site_page(
        client.get("/khong-co/", HTTP_REFERER="http://testserver/tra-cuu/?ma=1"), 404
    )
    assert 'href="/tra-cuu/?ma=1"' in html
    assert "Quay lại trang trước" in html
    # Another site's address is not offered as the way back.
    html = client.get("/khong-co/", HTTP_REFERER="https://evil.example/x").content.decode()
    assert "evil.example" not in html


def test_an_officer_is_led_back_to_the_queue(client, officer):
    client.force_login(officer)
    html = assert_site_page(client.get("/mot-cua/khong-co/"), 404)
    assert "Về danh sách hồ sơ cần xử lý" in html


def test_a_forbidden_page_is_the_vietnamese_403():
    request = RequestFactory().get("/mot-cua/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = errors.permission_denied(request)
    assert_site_page(response, 403, "Bạn không có quyền xem trang này", "hãy đăng nhập")


def test_a_post_without_its_csrf_token_gets_the_expired_session_page():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/tra-cuu/", {"ma": "X"})
    assert_site_page(
        response, 403, "Chưa gửi được: phiên làm việc đã hết hạn", "tải lại trang rồi gửi lại"
    )


def test_a_request_for_a_host_not_served_gets_the_vietnamese_400(client):
    response = client.get("/", HTTP_HOST="khong-phai-cong.example")
    assert_site_page(response, 400, "Yêu cầu không hợp lệ", "Mã lỗi 400")


def test_the_500_page_needs_neither_the_database_nor_the_request_context(
    django_assert_num_queries,
):
    request = RequestFactory().get("/")  # no user, no session: nothing to read them from
    with django_assert_num_queries(0):
        response = errors.server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert "Đã có lỗi xảy ra" in html and 'href="/"' in html and 'lang="vi"' in html
    assert "Server Error" not in html


def test_an_unhandled_exception_renders_the_500_page(client, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    client.raise_request_exception = False
    from django.urls import path

    monkeypatch.setattr(urls, "urlpatterns", [path("hong/", boom), *urls.urlpatterns])
    from django.urls import clear_url_caches

    clear_url_caches()
    try:
        response = client.get("/hong/")
    finally:
        monkeypatch.undo()
        clear_url_caches()
    assert response.status_code == 500
    assert "Đã có lỗi xảy ra" in response.content.decode()


# --- Django's own texts in Vietnamese ---------------------------------------------------------


def test_djangos_sign_in_and_password_messages_are_vietnamese():
    with translation.override("vi"):
        message = AuthenticationForm.error_messages["invalid_login"] % {"username": "x"}
        assert message.startswith("Tên đăng nhập hoặc mật khẩu chưa đúng")
        from django.contrib.auth.password_validation import MinimumLengthValidator

        with pytest.raises(forms.ValidationError) as raised:
            MinimumLengthValidator(8).validate("ngan")
        assert "Mật khẩu quá ngắn: cần ít nhất 8 ký tự." in raised.value.messages


def test_the_login_page_speaks_vietnamese_on_a_wrong_password(client, officer):
    response = client.post("/dang-nhap/", {"username": "canbo", "password": "sai-mat-khau"})
    html = response.content.decode()
    assert "Tên đăng nhập hoặc mật khẩu chưa đúng" in html
    assert "Please enter" not in html


def test_select_lists_offer_chon_instead_of_dashes():
    class ApplicantForm(forms.ModelForm):
        class Meta:
            model = Applicant
            fields = ["kind", "representative"]

    with translation.override("vi"):
        form = ApplicantForm()
        html = str(form)
    assert "---------" not in html
    assert "— Chọn —" in html
    assert form.fields["kind"].choices[0] == ("", "— Chọn —")


def test_dates_are_typed_and_shown_day_first():
    with translation.override("vi"):
        assert forms.DateField().clean("07/05/2026") == dt.date(2026, 5, 7)
        assert forms.DateField().clean("7/5/26") == dt.date(2026, 5, 7)
        assert forms.DateField().clean("2026-05-07") == dt.date(2026, 5, 7)  # <input type=date>
        assert formats.date_format(dt.date(2026, 5, 7)) == "07/05/2026"
        assert formats.date_format(dt.date(2026, 5, 7), "SHORT_DATE_FORMAT") == "07/05/2026"
        # An HTML date input keeps its ISO value (the browser shows it in the locale).
        from motcua.backoffice.forms import SearchForm

        html = str(SearchForm(initial={"received_from": dt.date(2026, 5, 7)}))
        assert 'value="2026-05-07"' in html
