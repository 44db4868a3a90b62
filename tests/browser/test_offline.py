"""Installable on a phone, seen in Chromium: after one visit online, "Hồ sơ của tôi" opens
offline with the last known statuses and the "ngoại tuyến" banner; a page never visited
gives the offline page; an e-form saved without a connection is kept on the device and
sent when the connection returns. Also the accessibility of the error and offline pages.

Going offline is real: the browser reaches the live server through a small TCP relay
that the test cuts (Playwright's ``set_offline`` does not reach a service worker's own
requests, microsoft/playwright#2311); ``set_offline`` is switched with it, so that the
page sees ``navigator.onLine`` and the ``online`` event as on a phone.
"""

from __future__ import annotations

import socket
import socketserver
import threading

import pytest
from django.test import Client

from motcua.dossiers.models import Dossier, Status
from tests.factories import ApplicantFactory, dossier_in_status, offered_version
from tests.fixtures import PID

pytestmark = pytest.mark.django_db(transaction=True)


class Relay(socketserver.ThreadingTCPServer):
    """127.0.0.1:<port> → the live server, until ``cut()``: then every connection, open or
    new, is dropped (the network is gone for the page and the service worker alike)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.offline = False
        self.sockets: set[socket.socket] = set()
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), RelayHandler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def cut(self) -> None:
        self.offline = True
        with self.lock:
            for sock in list(self.sockets):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            self.sockets.clear()

    def restore(self) -> None:
        self.offline = False


class RelayHandler(socketserver.BaseRequestHandler):
    def handle(self):
        relay: Relay = self.server
        if relay.offline:
            self.request.close()
            return
        upstream = socket.create_connection(relay.target)
        with relay.lock:
            relay.sockets.update({self.request, upstream})

        def pump(source, sink):
            try:
                while chunk := source.recv(65536):
                    sink.sendall(chunk)
            except OSError:
                pass
            finally:
                for sock in (source, sink):
                    try:
                        sock.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass

        other = threading.Thread(target=pump, args=(upstream, self.request), daemon=True)
        other.start()
        pump(self.request, upstream)
        other.join(timeout=5)
        with relay.lock:
            relay.sockets.difference_update({self.request, upstream})
        upstream.close()


@pytest.fixture
def relay(live_server, settings):
    settings.ALLOWED_HOSTS = ["*"]
    host, port = live_server.thread.host, live_server.thread.port
    server = Relay((host, port))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def citizen_with_dossiers(citizen, commune):
    version = offered_version("HT.OFF", [commune], name="Đăng ký khai sinh")
    applicant = citizen.applicants.get(kind="person")
    received = dossier_in_status(
        Status.RECEIVED, applicant=applicant, procedure_version=version, agency=commune
    )
    supplement = dossier_in_status(
        Status.WAITING_SUPPLEMENT, applicant=applicant, procedure_version=version, agency=commune
    )
    draft = dossier_in_status(
        Status.DRAFT,
        applicant=applicant,
        procedure_version=version,
        agency=commune,
        form_data={
            "full_name": "Nguyễn Văn An",
            "personal_id": PID,
            "birth_date": "1990-05-17",
            "permanent_address": "Số 5 phố Hàng Bông, phường Kinh Bắc",
            "phone": "0912345678",
        },
    )
    # Somebody else's dossier never shows.
    dossier_in_status(
        Status.IN_PROCESS,
        applicant=ApplicantFactory(name="Người Khác"),
        procedure_version=version,
        agency=commune,
        code="KHAC-0001",
    )
    return citizen, received, supplement, draft


def signed_in_context(browser, relay, user, width: int = 390):
    client = Client()
    client.force_login(user)
    context = browser.new_context(
        viewport={"width": width, "height": 844}, locale="vi-VN", base_url=relay.url
    )
    context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "url": relay.url,
            }
        ]
    )
    return context


def go_offline(context, relay):
    relay.cut()
    context.set_offline(True)


def go_online(context, relay):
    relay.restore()
    context.set_offline(False)


def wait_for_worker(page):
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")


def test_my_dossiers_open_offline_with_the_last_statuses(
    browser, relay, citizen_with_dossiers, check
):
    citizen, received, supplement, _draft = citizen_with_dossiers
    context = signed_in_context(browser, relay, citizen)
    page = context.new_page()
    try:
        page.goto("/ho-so/")
        wait_for_worker(page)
        page.reload()  # now through the worker, which keeps a copy
        page.wait_for_function(
            "() => caches.open('motcua-personal').then(c => c.keys()).then(k => k.length > 0)"
        )
        go_offline(context, relay)
        page.goto("/ho-so/")
        banner = page.locator(".offline-banner")
        assert banner.inner_text().startswith("Bạn đang ngoại tuyến – trạng thái cập nhật lúc ")
        text = page.locator("main").inner_text()
        assert received.code in text and "Đã tiếp nhận" in text
        assert supplement.code in text and "Chờ bổ sung hồ sơ" in text
        assert "KHAC-0001" not in text
        check(page, "ngoai-tuyen-ho-so-cua-toi")

        # A page never visited: the offline page, in the portal's look.
        page.goto("/thu-tuc/HT.OFF/")
        assert page.locator("h1").inner_text() == "Bạn đang ngoại tuyến"
        check(page, "ngoai-tuyen")

        # Signing out (back online) drops the personal copy: the next user of the phone
        # does not get it offline.
        go_online(context, relay)
        page.goto("/ho-so/")
        toggle = page.locator(".menu-toggle")
        if toggle.is_visible():  # a phone's header folds its menu ("Danh mục")
            toggle.click()
        page.locator("form[action$='/dang-xuat/'] button").click()
        page.wait_for_load_state()
        page.wait_for_function(
            "() => caches.open('motcua-personal').then(c => c.keys()).then(k => k.length === 0)"
        )
        go_offline(context, relay)
        page.goto("/ho-so/")
        assert page.locator("h1").inner_text() == "Bạn đang ngoại tuyến"
        assert received.code not in page.locator("main").inner_text()
    finally:
        context.close()


def test_a_form_saved_offline_is_kept_and_sent_when_back_online(
    browser, relay, citizen_with_dossiers
):
    citizen, _received, _supplement, draft = citizen_with_dossiers
    context = signed_in_context(browser, relay, citizen)
    page = context.new_page()
    try:
        page.goto(f"/ho-so/{draft.public_id}/khai/")
        wait_for_worker(page)
        go_offline(context, relay)
        page.fill("[name='phone']", "0987654321")
        page.get_by_role("button", name="Lưu nháp").click()
        status = page.locator("#pwa-status")
        assert status.inner_text() == "Đã lưu bản nháp, sẽ gửi khi có mạng."
        kept = page.evaluate("localStorage.getItem('motcua-unsent-drafts')")
        assert "0987654321" in kept
        assert "csrfmiddlewaretoken" not in kept  # the page's current token is sent instead
        assert (Dossier.objects.get(pk=draft.pk).form_data or {}).get("phone") != "0987654321"

        go_online(context, relay)  # the "online" event sends it
        page.wait_for_function(
            "() => document.getElementById('pwa-status').textContent === 'Bản nháp đã được gửi.'"
        )
        assert Dossier.objects.get(pk=draft.pk).form_data["phone"] == "0987654321"
        assert page.evaluate("localStorage.getItem('motcua-unsent-drafts')") is None

        # "Lưu và tiếp tục" without a connection: sent on return, the page goes on to the
        # next step as the server answered.
        go_offline(context, relay)
        page.fill("[name='phone']", "0912000111")
        page.get_by_role("button", name="Lưu và tiếp tục").click()
        assert status.inner_text() == "Đã lưu bản nháp, sẽ gửi khi có mạng."
        go_online(context, relay)
        page.wait_for_function("() => !location.pathname.endsWith('/khai/')")
        assert Dossier.objects.get(pk=draft.pk).form_data["phone"] == "0912000111"
    finally:
        context.close()


def switch_session(context, relay, user) -> None:
    """A new sign-in on the device (as on a phone: a new session, a renewed CSRF cookie)."""
    client = Client()
    client.force_login(user)
    context.clear_cookies()
    context.add_cookies(
        [
            {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": relay.url},
            {"name": "csrftoken", "value": "N" * 32, "url": relay.url},
        ]
    )


def save_offline(page, context, relay, phone: str) -> None:
    go_offline(context, relay)
    page.fill("[name='phone']", phone)
    page.get_by_role("button", name="Lưu nháp").click()
    assert page.locator("#pwa-status").inner_text() == "Đã lưu bản nháp, sẽ gửi khi có mạng."


def test_a_draft_survives_a_new_sign_in_and_never_reaches_another_user(
    browser, relay, citizen_with_dossiers, django_user_model
):
    citizen, _received, _supplement, draft = citizen_with_dossiers
    context = signed_in_context(browser, relay, citizen)
    page = context.new_page()
    try:
        page.goto(f"/ho-so/{draft.public_id}/khai/")
        wait_for_worker(page)
        # Signed in again while offline (new session, new CSRF cookie): the draft is sent
        # with the current token, not refused for ever with a stale one.
        save_offline(page, context, relay, "0987000111")
        switch_session(context, relay, citizen)
        go_online(context, relay)
        page.wait_for_function(
            "() => document.getElementById('pwa-status').textContent === 'Bản nháp đã được gửi.'"
        )
        assert Dossier.objects.get(pk=draft.pk).form_data["phone"] == "0987000111"

        # Another citizen signs in on the same device: the draft is dropped, not sent.
        page.goto(f"/ho-so/{draft.public_id}/khai/")
        save_offline(page, context, relay, "0987000222")
        other = django_user_model.objects.create_user(username="nguoi-sau", password="x" * 20)
        switch_session(context, relay, other)
        page.goto("about:blank")
        go_online(context, relay)
        page.goto("/")
        page.wait_for_function("() => localStorage.getItem('motcua-unsent-drafts') === null")
        assert Dossier.objects.get(pk=draft.pk).form_data["phone"] == "0987000111"

        # A draft older than a day is dropped, not sent.
        switch_session(context, relay, citizen)
        page.goto(f"/ho-so/{draft.public_id}/khai/")
        save_offline(page, context, relay, "0987000333")
        page.evaluate(
            """() => {
              var drafts = JSON.parse(localStorage.getItem('motcua-unsent-drafts'));
              drafts.forEach(function (d) { d.savedAt -= 25 * 60 * 60 * 1000; });
              localStorage.setItem('motcua-unsent-drafts', JSON.stringify(drafts));
            }"""
        )
        page.goto("about:blank")
        go_online(context, relay)
        page.goto("/ho-so/")
        page.wait_for_function("() => localStorage.getItem('motcua-unsent-drafts') === null")
        assert Dossier.objects.get(pk=draft.pk).form_data["phone"] == "0987000111"
    finally:
        context.close()


def test_the_error_pages_are_accessible_and_lead_back(browser, relay, citizen, check):
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=relay.url)
    page = context.new_page()
    try:
        response = page.goto("/thu-tuc/khong-co-thu-tuc-nay/")
        assert response.status == 404
        assert page.locator("h1").inner_text() == "Không tìm thấy trang bạn cần"
        check(page, "loi-404")
        page.get_by_role("link", name="Về trang chủ Cổng dịch vụ công").click()
        assert page.url.rstrip("/") == relay.url

        # A post whose CSRF cookie no longer matches (a page left open for too long).
        page.goto("/tra-cuu/")
        context.add_cookies([{"name": "csrftoken", "value": "x" * 32, "url": relay.url}])
        page.locator("main form[method='post'] button[type='submit']").first.click()
        page.wait_for_load_state()
        assert "Chưa gửi được: phiên làm việc đã hết hạn" in page.locator("h1").inner_text()
        check(page, "loi-403-phien-het-han")
    finally:
        context.close()
