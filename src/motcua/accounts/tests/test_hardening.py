"""Hardening seen from the browser: the Content-Security-Policy and the other security
headers on the main pages, no inline code in any page, CSRF everywhere it applies, and
idle expiry of officers' and citizens' sessions."""

from __future__ import annotations

import datetime as dt
import re
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import pytest
from csp.exceptions import CSPNonceError
from csp.utils import build_policy
from django.conf import settings
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import URLResolver, get_resolver
from django.utils import timezone

from motcua.accounts.middleware import LAST_SEEN, ContentSecurityPolicyMiddleware
from motcua.agencies.models import Role
from tests.factories import AgencyFactory, MembershipFactory, UserFactory, procedure_version

SRC = Path(settings.BASE_DIR)
PASSWORD = "matkhau-demo-123"


# --- Helpers ---------------------------------------------------------------------------------


class InlineCode(HTMLParser):
    """Collects what a strict policy blocks: inline scripts, ``<style>`` blocks, ``style``
    attributes, ``on…`` handlers and ``javascript:`` links."""

    DATA_SCRIPTS = {"application/json", "application/ld+json"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._inline_script = False

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        for name, value in attrs:
            if name == "style":
                self.found.append(f'<{tag} style="{value}">')
            elif name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            elif name in ("href", "action", "src") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}=javascript:…>")
        if tag == "style":
            self.found.append("<style> block")
        if tag == "script":
            kind = (attributes.get("type") or "").lower()
            self._inline_script = not attributes.get("src") and kind not in self.DATA_SCRIPTS

    def handle_data(self, data):
        if self._inline_script and data.strip():
            self.found.append(f"<script> {data.strip()[:40]}")

    def handle_endtag(self, tag):
        if tag == "script":
            self._inline_script = False


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


# --- The pages ---------------------------------------------------------------------------------


@pytest.fixture
def world(db):
    """A published procedure, a desk officer of an agency, a citizen."""
    agency = AgencyFactory(name="Phường Kinh Bắc")
    officer = UserFactory(username="motcua.kinhbac")
    MembershipFactory(user=officer, agency=agency, role=Role.DESK_OFFICER)
    citizen = UserFactory(username="001090001111", personal_id="001090001111")
    version = procedure_version("HT.01")
    return {"agency": agency, "officer": officer, "citizen": citizen, "version": version}


def pay_page_url() -> str:
    from motcua.paygate import services, signing

    now = timezone.now()
    params = {
        "vnp_Version": "2.1.0",
        "vnp_Command": "pay",
        "vnp_TmnCode": settings.MOTCUA_PAYGATE_TMN_CODE,
        "vnp_Amount": "1500000",
        "vnp_CurrCode": "VND",
        "vnp_TxnRef": "DONHANG0001",
        "vnp_OrderInfo": "Nop phi ho so 001",
        "vnp_OrderType": "other",
        "vnp_Locale": "vn",
        "vnp_ReturnUrl": "http://testserver/thanh-toan/ket-qua/",
        "vnp_IpAddr": "127.0.0.1",
        "vnp_CreateDate": services.vnp_time(now),
        "vnp_ExpireDate": services.vnp_time(now + dt.timedelta(minutes=15)),
    }
    params["vnp_SecureHash"] = signing.sign_query(settings.MOTCUA_PAYGATE_HASH_SECRET, params)
    return f"/mo-phong/thanh-toan/paymentv2/vpcpay.html?{urlencode(params)}"


# name: (path or a function of the world, who is signed in, the heading it shows)
PAGES = {
    "portal home": ("/", None, "Cổng dịch vụ công"),
    "procedure": ("/thu-tuc/HT.01/", None, "Đăng ký khai sinh"),
    "search": ("/tim-kiem/?q=khai+sinh", None, "khai sinh"),
    "look-up": ("/tra-cuu/", None, "Tra cứu"),
    "officer login": ("/dang-nhap/", None, "Đăng nhập cán bộ"),
    "back-office queue": ("/mot-cua/", "officer", "Một cửa điện tử"),
    "monitoring": ("/giam-sat/", "officer", "Giám sát"),
    "public figures": ("/giam-sat/cong-khai/", None, "Công khai"),
    "admin login": ("/quan-tri/login/", None, "Django"),
    "admin users": ("/quan-tri/accounts/user/", "admin", "người dùng"),
    "API docs": ("/api/docs", None, "swagger-ui"),
    "gateway simulator": (pay_page_url, None, "Nop phi ho so 001"),
    "verification": ("/ket-qua/xac-minh/", None, "Xác minh"),
    "identity provider login": ("/idp/dang-nhap/", None, "Đăng nhập"),
    "my dossiers": ("/ho-so/", "citizen", "Hồ sơ của tôi"),
    "data store": ("/kho-du-lieu/", "citizen", "Kho dữ liệu của tôi"),
    "data store upload": ("/kho-du-lieu/tai-len/", "citizen", "Tải lên giấy tờ"),
    "citizen account": ("/cong-dan/tu-cach/", "citizen", "Tài khoản công dân"),
}


def open_page(client, world, name):
    path, who, heading = PAGES[name]
    if who == "admin":
        client.force_login(UserFactory(username="quantri", is_staff=True, is_superuser=True))
    elif who:
        client.force_login(world[who])
    response = client.get(path() if callable(path) else path)
    assert response.status_code == 200, (name, response.status_code)
    body = response.content.decode()
    assert heading in body, name
    return response, body


@pytest.mark.parametrize("name", list(PAGES))
def test_main_pages_send_a_strict_policy_and_carry_no_inline_code(client, world, name):
    response, body = open_page(client, world, name)
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["form-action"][0] == "'self'"
    found = inline_code(body)
    assert found == [], (name, found)


def test_the_api_docs_load_swagger_ui_from_this_site(client):
    body = client.get("/api/docs").content.decode()
    sources = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', body)
    assert any(s.endswith("swagger-ui-bundle.js") for s in sources)
    assert all(s.startswith(settings.STATIC_URL) or s.startswith("/") for s in sources), sources


def test_the_charts_width_limit_comes_from_the_stylesheet(client, world):
    _response, body = open_page(client, world, "monitoring")
    assert "monitoring/monitoring.css" in body
    css = (SRC / "monitoring" / "static" / "monitoring" / "monitoring.css").read_text()
    assert ".charts svg { max-width: 640px; }" in css


def test_forms_may_post_to_the_gateway_and_the_identity_provider_only(client, db, settings):
    settings.MOTCUA_VNPAY_PAY_URL = "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html"
    settings.MOTCUA_OIDC_DISCOVERY_URL = (
        "https://sso.dinhdanh.gov.vn/.well-known/openid-configuration"
    )
    settings.MOTCUA_OIDC_REDIRECT_URI = ""
    directives = policy(client.get("/"))
    assert directives["form-action"] == [
        "'self'",
        "https://sandbox.vnpayment.vn",
        "https://sso.dinhdanh.gov.vn",
    ]


def test_pdf_downloads_get_no_document_policy():
    middleware = ContentSecurityPolicyMiddleware(lambda request: None)
    request = RequestFactory().get("/ho-so/x/bien-nhan/pdf/")
    middleware.process_request(request)
    pdf = middleware.process_response(
        request, HttpResponse(b"%PDF", content_type="application/pdf")
    )
    page = middleware.process_response(request, HttpResponse(b"<p>", content_type="text/html"))
    assert "Content-Security-Policy" not in pdf
    assert "Content-Security-Policy" in page


def test_a_path_can_get_additions_to_the_policy(client, db, settings):
    settings.MOTCUA_CSP_PATH_UPDATES = {"/tra-cuu/": {"img-src": ["https://anh.example.vn"]}}
    assert policy(client.get("/tra-cuu/"))["img-src"] == [
        "'self'",
        "data:",
        "https://anh.example.vn",
    ]
    assert policy(client.get("/"))["img-src"] == ["'self'", "data:"]


def test_the_policy_can_be_tried_in_report_only_mode(client, db, settings):
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY = None
    response = client.get("/")
    assert "Content-Security-Policy" not in response
    assert "script-src 'self'" in response["Content-Security-Policy-Report-Only"]
    assert "form-action 'self'" in response["Content-Security-Policy-Report-Only"]


def _directives(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: sorted(part.split()[1:]) for part in header.split(";") if part.strip()}


def test_the_kept_policy_is_the_one_django_csp_builds(settings):
    """The headers kept per settings and path (no nonce, no view policy) are those
    django-csp's own middleware builds, and follow the settings when they change."""
    from csp.middleware import CSPMiddleware

    settings.MOTCUA_CSP_PATH_UPDATES = {"/tra-cuu/": {"img-src": ["https://anh.example.vn"]}}
    ours = ContentSecurityPolicyMiddleware(lambda request: None)
    for path in ("/", "/tra-cuu/", "/api/v1/procedures", "/tra-cuu/", "/"):
        request = RequestFactory().get(path)
        ours.process_request(request)
        kept = ours.process_response(request, HttpResponse(b"<p>"))
        theirs = CSPMiddleware(lambda request: None)
        plain = RequestFactory().get(path)
        theirs.process_request(plain)
        parts = ours.get_policy_parts(plain, HttpResponse())  # the same additions
        built = build_policy(config=None, update=parts.update)
        assert _directives(kept["Content-Security-Policy"]) == _directives(built), path
        with pytest.raises(CSPNonceError):  # a nonce after the headers is refused
            str(request.csp_nonce)
    settings.MOTCUA_VNPAY_PAY_URL = "https://thanhtoan.example.vn/pay"
    request = RequestFactory().get("/")
    ours.process_request(request)
    changed = ours.process_response(request, HttpResponse(b"<p>"))
    assert "https://thanhtoan.example.vn" in changed["Content-Security-Policy"]


def test_a_page_that_uses_a_nonce_gets_the_policy_django_csp_builds_for_it():
    middleware = ContentSecurityPolicyMiddleware(lambda request: None)
    request = RequestFactory().get("/")
    middleware.process_request(request)
    nonce = str(request.csp_nonce)  # used by the page: the policy is built for it
    response = middleware.process_response(request, HttpResponse(b"<p>"))
    parts = middleware.get_policy_parts(request, response)
    assert parts.nonce == nonce
    built = build_policy(config=None, update=parts.update, nonce=nonce)
    assert _directives(response["Content-Security-Policy"]) == _directives(built)


# --- Other headers and cookies -----------------------------------------------------------------


def test_pages_forbid_framing_sniffing_and_cross_site_referrers(client, db):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_session_cookie_is_http_only_and_same_site_lax(client, world):
    response = client.post("/dang-nhap/", {"username": "motcua.kinhbac", "password": PASSWORD})
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


# --- CSRF --------------------------------------------------------------------------------------

FORM_RE = re.compile(r"<form\b[^>]*>(.*?)</form>", re.S | re.I)


def template_files():
    roots = [SRC / "templates", *SRC.glob("*/templates")]
    return sorted(path for root in roots for path in root.rglob("*.html"))


def test_every_post_form_in_the_templates_carries_a_csrf_token():
    forms = missing = 0
    for path in template_files():
        text = path.read_text()
        for match in FORM_RE.finditer(text):
            opening = match.group(0)[: match.group(0).index(">") + 1]
            if re.search(r"method\s*=\s*[\"']?post", opening, re.I):
                forms += 1
                if "{% csrf_token %}" not in match.group(1):
                    missing += 1
                    print(f"{path.relative_to(SRC)}: {opening}")
    assert forms > 20  # the walk found the templates
    assert missing == 0


def url_callbacks(patterns=None, namespace=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            full = f"{namespace}:{inner}" if namespace and inner else (inner or namespace)
            yield from url_callbacks(pattern.url_patterns, full)
        else:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern.callback


# The only views that skip Django's CSRF check: called by other servers (the gateway's
# notice, the federation's signed events, the simulator's merchant API standing for
# VNPay's) or OAuth 2.0 endpoints authenticated by client credentials or bearer tokens.
CSRF_EXEMPT = {
    "payments:ipn",
    "registrysim:register",  # the registry simulator's write API (X-API-Key)
    "federation:receive_event",
    "exchange:receive",  # the dossier exchange's signed messages (docs/EXCHANGE.md)
    "paygate:api",
    "postal:receive_event",  # the post's signed delivery events
    "postsim:quote",  # the postal simulator's signed API
    "postsim:book",
    "postsim:track",
    "oauth2_provider:token",
    "oauth2_provider:revoke-token",
    "oauth2_provider:user-info",
}


def test_only_machine_to_machine_endpoints_are_csrf_exempt():
    exempt = {name for name, view in url_callbacks() if getattr(view, "csrf_exempt", False)}
    api = {name for name in exempt if name.startswith("api:")}
    assert exempt - api == CSRF_EXEMPT
    # django-ninja exempts its views and checks CSRF itself for session sign-ins (below).
    assert api and all(
        view.__module__ == "ninja.operation" for name, view in url_callbacks() if name in api
    )


def test_the_api_refuses_a_session_post_without_the_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world["citizen"])
    response = client.post(
        "/api/v1/dossiers", {"procedure": "HT.01"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_failed"


def test_a_page_form_without_the_csrf_token_is_refused(world):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/dang-nhap/", {"username": "motcua.kinhbac", "password": PASSWORD})
    assert response.status_code == 403


# --- Session expiry ----------------------------------------------------------------------------


def sign_in_officer(client) -> None:
    response = client.post("/dang-nhap/", {"username": "motcua.kinhbac", "password": PASSWORD})
    assert response.status_code == 302


def idle_for(client, minutes: float) -> None:
    session = client.session
    session[LAST_SEEN] = int(time.time() - minutes * 60)
    session.save()


def test_an_officers_session_cookie_ends_with_the_browser(client, world):
    response = client.post("/dang-nhap/", {"username": "motcua.kinhbac", "password": PASSWORD})
    client.get("/mot-cua/")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert response.status_code == 302
    assert not cookie["max-age"] and not cookie["expires"]


def test_an_officer_idle_for_30_minutes_is_signed_out(client, world):
    sign_in_officer(client)
    assert client.get("/mot-cua/").status_code == 200
    idle_for(client, 31)
    response = client.get("/mot-cua/")
    assert response.status_code == 302
    assert response["Location"].startswith("/dang-nhap/?next=/mot-cua/")
    login_page = client.get(response["Location"]).content.decode()
    assert "Phiên đăng nhập đã hết hạn vì không thao tác trong 30 phút" in login_page


def test_an_officer_who_keeps_working_stays_signed_in(client, world):
    sign_in_officer(client)
    idle_for(client, 29)
    assert client.get("/mot-cua/").status_code == 200
    # That request counted as activity: the clock starts again from now.
    assert time.time() - client.session[LAST_SEEN] < 5
    assert client.get("/mot-cua/").status_code == 200


def test_the_officers_idle_limit_is_a_setting(client, world, settings):
    settings.MOTCUA_OFFICER_SESSION_IDLE_MINUTES = 5
    sign_in_officer(client)
    client.get("/mot-cua/")
    idle_for(client, 6)
    assert client.get("/mot-cua/").status_code == 302


def test_a_citizen_has_a_longer_limit_and_a_cookie_that_lasts_it(client, world):
    client.force_login(world["citizen"])
    first = client.get("/ho-so/")
    assert first.status_code == 200
    cookie = first.cookies[settings.SESSION_COOKIE_NAME]
    assert int(cookie["max-age"]) == 60 * 60
    idle_for(client, 45)  # beyond an officer's limit, within a citizen's
    assert client.get("/ho-so/").status_code == 200
    idle_for(client, 61)
    response = client.get("/ho-so/")
    assert response.status_code == 302
    assert response["Location"].startswith("/cong-dan/dang-nhap/")


def test_anonymous_visits_write_no_session(client, db):
    response = client.get("/")
    assert settings.SESSION_COOKIE_NAME not in response.cookies
