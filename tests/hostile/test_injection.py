"""Injection attempts in every search and filter field: never a server error, never an
unescaped reflection.

Each payload goes into every field of each page or endpoint (as the caller who may use
it): SQL metacharacters, LIKE wildcards, a very long string, a NUL byte, unicode
oddities (direction overrides, zero-width and combining characters, full-width forms,
emoji), HTML and script in tags and attributes, template syntax, path traversal and
absurd numbers. The answer must be below 500, and an HTML page may show a payload
holding markup characters only escaped.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from django.test import Client

from tests.factories import UserFactory
from tests.faults.helpers import with_trust_middleware

from .conftest import PID

pytestmark = pytest.mark.django_db

PAYLOADS = {
    "sql_quote": "' OR '1'='1' --",
    "sql_stacked": '"; DROP TABLE dossiers_dossier; --',
    "sql_union": "1 UNION SELECT password FROM accounts_user--",
    "like_percent": "%",
    "like_wildcards": "%_%\\%_",
    "long": "Đăng ký khai sinh " * 600,
    "nul_byte": "khai\x00sinh",
    "unicode_oddities": "\u202etxt.exe\u200b\ufeff e\u0301\u0301\u0301 ＡＢＣ ﬁ \U0001f600 đĐ",
    "script_tag": "<script>alert(1337)</script>",
    "attribute_break": '"><svg onload=alert(1337)>',
    "single_quote_attribute": "' onmouseover='alert(1337)' x='",
    "javascript_url": "javascript:alert(1337)",
    "template_syntax": "{{ 7|add:7 }}{% debug %}${7*7}",
    "path_traversal": "../../../../etc/passwd",
    "huge_number": "99999999999999999999999999",
    "negative": "-1",
}
MARKUP = set("<>\"'")
MARKER = "alert(1337)"


class RunnableFinder(HTMLParser):
    """Collects what a browser would run that carries the payloads' marker: a script
    element, an event-handler attribute, a javascript: address."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self._in_script = tag == "script"
        for name, value in attrs:
            value = value or ""
            if name.startswith("on") and MARKER in value:
                self.found.append(f"{tag} {name}={value}")
            if name in ("href", "src", "action", "formaction") and value.strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"{tag} {name}={value}")

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and MARKER in data:
            self.found.append(f"<script>{data}")


def runnable(body: str) -> list[str]:
    finder = RunnableFinder()
    finder.feed(body)
    return finder.found


def _all(payload: str, *names: str) -> dict:
    return dict.fromkeys(names, payload)


# name → (method, path, fields, caller)
TARGETS = {
    "portal_home": ("get", "/", ("q", "linh_vuc", "co_quan", "trang"), None),
    "portal_search": ("get", "/tim-kiem/", ("q", "linh_vuc", "cap"), None),
    "assistant_page": ("get", "/tro-ly/", ("q",), None),
    "assistant_api": ("get", "/tro-ly/api", ("q",), None),
    "public_lookup": ("post", "/tra-cuu/", ("code", "secret"), None),
    "my_dossiers": ("get", "/ho-so/", ("trang",), "citizen"),
    "datastore": ("get", "/kho-du-lieu/", ("loai", "trang"), "citizen"),
    "backoffice_queue": (
        "get",
        "/mot-cua/",
        (
            "hang",
            "code",
            "applicant",
            "procedure",
            "status",
            "received_from",
            "received_to",
            "sau",
            "dao",
        ),
        "desk",
    ),
    "backoffice_intake_picker": ("get", "/mot-cua/tiep-nhan/", ("q", "thu_tuc"), "desk"),
    "monitoring_overview": (
        "get",
        "/giam-sat/",
        ("agency", "period", "sector", "level"),
        "supervisor",
    ),
    "monitoring_ranking": ("get", "/giam-sat/xep-hang/", ("period", "measure"), "supervisor"),
    "monitoring_dossiers": (
        "get",
        "/giam-sat/ho-so/",
        ("agency", "period", "measure", "truoc", "sector", "level"),
        "supervisor",
    ),
    "monitoring_procedures": (
        "get",
        "/giam-sat/thu-tuc/",
        ("agency", "period", "measure", "sector", "level"),
        "supervisor",
    ),
    "monitoring_targets": ("get", "/giam-sat/chi-tieu/", ("year", "agency"), "supervisor"),
    "monitoring_plans": ("get", "/giam-sat/ke-hoach/", ("year", "agency"), "supervisor"),
    "monitoring_public": ("get", "/giam-sat/cong-khai/", ("agency", "period", "sector"), None),
    "monitoring_public_procedures": (
        "get",
        "/giam-sat/cong-khai/thu-tuc/",
        ("agency", "period", "measure"),
        None,
    ),
    "api_procedures": ("get", "/api/v1/procedures", ("q", "sector", "level", "cursor"), None),
    "api_citizen_dossiers": ("get", "/api/v1/dossiers", ("status", "cursor"), "citizen"),
    "api_officer_dossiers": (
        "get",
        "/api/v1/officer/dossiers",
        ("status", "procedure", "received_from", "received_to", "cursor"),
        "desk",
    ),
    "admin_dossier_search": ("get", "/quan-tri/dossiers/dossier/", ("q", "status"), "admin"),
    "admin_user_search": ("get", "/quan-tri/accounts/user/", ("q",), "admin"),
}
# Values in the path itself.
PATH_TARGETS = {
    "procedure_page": "/thu-tuc/{}/",
    "result_verification": "/ket-qua/xac-minh/{}/",
    "api_procedure": "/api/v1/procedures/{}",
}


@pytest.fixture
def callers(citizen, desk, supervisor, dossier):
    admin = UserFactory(username="quantri", is_staff=True, is_superuser=True)
    return {"citizen": citizen, "desk": desk, "supervisor": supervisor, "admin": admin}


@pytest.fixture
def browser(settings):
    settings.MIDDLEWARE = with_trust_middleware(settings.MIDDLEWARE)
    return Client(raise_request_exception=False)


def problem(response, payload: str) -> str | None:
    """What is wrong with ``response`` to a request carrying ``payload``, or None."""
    if response.status_code >= 500:
        return f"status {response.status_code}"
    if "html" not in response.get("Content-Type", ""):
        return None
    body = response.content.decode("utf-8", "replace")
    if runnable(body):
        return f"runnable markup: {runnable(body)}"
    if MARKUP & set(payload):
        for piece in [payload, *re.findall(r"[^\s]*[<>\"'][^\s]*", payload)]:
            if piece in body:
                return f"reflected unescaped: {piece!r}"
    return None


def attack(browser, callers, target: str, payload: str):
    method, path, fields, caller = TARGETS[target]
    if caller is not None:
        browser.force_login(callers[caller])
    return getattr(browser, method)(path, _all(payload, *fields))


@pytest.mark.parametrize("target", TARGETS.keys())
def test_search_and_filter_fields_resist_injection(browser, callers, target):
    problems = []
    for name, payload in PAYLOADS.items():
        found = problem(attack(browser, callers, target, payload), payload)
        if found:
            problems.append(f"{name}: {found}")
    assert not problems


@pytest.mark.parametrize("target", PATH_TARGETS.keys())
def test_values_in_the_path_resist_injection(browser, callers, target):
    problems = []
    for name, payload in PAYLOADS.items():
        response = browser.get(PATH_TARGETS[target].format(quote(payload, safe="")))
        found = problem(response, payload)
        if found:
            problems.append(f"{name}: {found}")
    assert not problems


def test_like_wildcards_match_literally_in_the_officer_search(browser, callers, dossier):
    """A "%" typed in the applicant search finds names with "%", not every dossier."""
    browser.force_login(callers["desk"])
    everything = browser.get("/mot-cua/", {"hang": "tat-ca"}).content.decode()
    wildcard = browser.get("/mot-cua/", {"hang": "tat-ca", "applicant": "%"}).content.decode()
    assert dossier.code in everything
    assert dossier.code not in wildcard


def test_the_lookup_does_not_match_by_sql_tricks(browser, dossier):
    response = browser.post(
        "/tra-cuu/", {"code": f"{dossier.code}' OR '1'='1", "secret": "' OR '1'='1"}
    )
    assert response.status_code == 200
    assert "Không tìm thấy hồ sơ" in response.content.decode()
    assert PID not in response.content.decode()
