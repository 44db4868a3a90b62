"""The WSGI hot path (motcua.portal.hotpath): cached look-ups and procedure pages answered
before Django, byte for byte as Django answers them, through real WSGI calls."""

from __future__ import annotations

import io
import json
import os
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.cache import cache, caches
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from motcua.accounts import ratelimit
from motcua.dossiers.models import Status
from motcua.dossiers.services import transition
from motcua.portal import hotpath, lookup_cache
from motcua.wsgi import request_id, with_hot_path
from tests.factories import procedure_version
from tests.redis_cache import redis_caches

pytestmark = pytest.mark.django_db

LOOKUP = "/api/v1/public/lookup"


@pytest.fixture(params=["memory", "redis"])
def backend(request, settings):
    """Each test runs on the memory cache and on Redis (one Lua script per request)."""
    if request.param == "redis":
        settings.CACHES = redis_caches("motcua-test-hotpath")
    caches["default"].clear()
    yield request.param
    caches["default"].clear()


class Spy:
    """Django's WSGI handler, counting the requests that reach it."""

    def __init__(self):
        self.app, self.calls = WSGIHandler(), 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.app(environ, start_response)


@pytest.fixture
def keep_connection():
    """As Django's test client does: a request does not close the test's database
    connection (on PostgreSQL it holds the test's transaction)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def django_app(backend, keep_connection):
    return Spy()


@pytest.fixture
def hot(django_app):
    return with_hot_path(django_app)


def call(app, method, path, body=b"", request_id="req-1", **environ):
    """One WSGI call; (status, headers, body)."""
    env = {}
    setup_testing_defaults(env)
    env.update(
        {
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "REMOTE_ADDR": "198.51.100.20",
            "CONTENT_LENGTH": str(len(body)),
            "HTTP_X_REQUEST_ID": request_id,
            **environ,
        }
    )
    env["wsgi.input"] = io.BytesIO(body)
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"], seen["headers"] = status, list(headers)

    result = app(env, start_response)
    try:
        data = b"".join(result)
    finally:
        getattr(result, "close", lambda: None)()
    return seen["status"], seen["headers"], data


def look_up(app, code, secret, **environ):
    body = json.dumps({"code": code, "secret": secret}).encode()
    return call(app, "POST", LOOKUP, body, CONTENT_TYPE="application/json", **environ)


@pytest.fixture
def submitted(citizen, make_dossier):
    return make_dossier(citizen, Status.SUBMITTED)


def test_a_cached_look_up_is_answered_before_django_exactly_as_django_answers(
    submitted, hot, django_app, django_assert_num_queries
):
    first = look_up(hot, submitted.code, submitted.lookup_secret)
    assert django_app.calls == 1 and first[0] == "200 OK"
    with django_assert_num_queries(0):
        served = look_up(hot, submitted.code, submitted.lookup_secret)
    assert django_app.calls == 1, "the second look-up never reached Django"
    answered = look_up(WSGIHandler(), submitted.code, submitted.lookup_secret)
    assert served == answered == first
    headers = dict(served[1])
    assert json.loads(served[2])["status"] == Status.SUBMITTED
    assert headers["Content-Type"] == "application/json; charset=utf-8"
    for name in (
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
        "Content-Security-Policy",
        "X-Frame-Options",
        "Vary",
    ):
        assert name in headers
    assert headers["X-Request-ID"] == "req-1"


def test_each_answer_carries_its_own_request_id(submitted, hot):
    look_up(hot, submitted.code, submitted.lookup_secret)
    mine = dict(look_up(hot, submitted.code, submitted.lookup_secret, request_id="abc-2")[1])
    assert mine["X-Request-ID"] == "abc-2"
    forged = dict(look_up(hot, submitted.code, submitted.lookup_secret, request_id="a b\n")[1])
    assert forged["X-Request-ID"] != "a b\n" and len(forged["X-Request-ID"]) == 32


def test_a_miss_goes_to_django_and_fills_the_cache(submitted, hot, django_app):
    key = lookup_cache.rendered_key(submitted.code, "vi")
    assert cache.get(key) is None
    status, _headers, body = look_up(hot, submitted.code.lower(), submitted.lookup_secret)
    assert status == "200 OK" and django_app.calls == 1
    assert cache.get(key)[2] == body
    # Typed otherwise (lower case, the secret with a dash), the same entry answers.
    typed = submitted.lookup_secret[:4] + "-" + submitted.lookup_secret[4:].lower()
    assert look_up(hot, submitted.code, typed)[2] == body
    assert django_app.calls == 1


def test_a_wrong_secret_gets_djangos_404_and_counts_against_the_code(
    submitted, hot, django_app, settings
):
    settings.MOTCUA_LOOKUP_CODE_RATE = "3/h"
    look_up(hot, submitted.code, submitted.lookup_secret)  # cached
    wrong = look_up(hot, submitted.code, "00000000")
    assert wrong == look_up(WSGIHandler(), submitted.code, "00000000", REMOTE_ADDR="192.0.2.1")
    assert wrong[0] == "404 Not Found" and django_app.calls == 2
    # 1 right + 1 wrong here + 1 wrong straight to Django: the code's 3 attempts are used.
    assert look_up(hot, submitted.code, submitted.lookup_secret)[0].startswith("429")


def test_a_look_up_is_counted_once(submitted, hot, django_app, settings):
    settings.MOTCUA_LOOKUP_RATE = "2/m"
    assert look_up(hot, submitted.code, submitted.lookup_secret)[0] == "200 OK"  # Django
    assert look_up(hot, submitted.code, submitted.lookup_secret)[0] == "200 OK"  # hot
    assert django_app.calls == 1
    assert look_up(hot, submitted.code, submitted.lookup_secret)[0].startswith("429")


def test_the_hot_path_and_the_portal_page_share_the_address_counter(
    submitted, hot, settings, client
):
    settings.MOTCUA_LOOKUP_RATE = "2/m"
    look_up(hot, submitted.code, submitted.lookup_secret, REMOTE_ADDR="203.0.113.5")
    form = {"code": submitted.code, "secret": submitted.lookup_secret}
    assert client.post("/tra-cuu/", form, REMOTE_ADDR="203.0.113.5").status_code == 200
    refused = look_up(hot, submitted.code, submitted.lookup_secret, REMOTE_ADDR="203.0.113.5")
    assert refused[0] == "429 Too Many Requests"


def test_behind_a_trusted_proxy_the_forwarded_address_is_counted(submitted, hot, settings, client):
    settings.MOTCUA_TRUSTED_PROXY_COUNT = 1
    settings.MOTCUA_LOOKUP_RATE = "2/m"
    proxied = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.77"}
    look_up(hot, submitted.code, submitted.lookup_secret, **proxied)
    form = {"code": submitted.code, "secret": submitted.lookup_secret}
    page = client.post("/tra-cuu/", form, REMOTE_ADDR="203.0.113.77")
    assert page.status_code == 200
    assert look_up(hot, submitted.code, submitted.lookup_secret, **proxied)[0].startswith("429")
    other = {**proxied, "HTTP_X_FORWARDED_FOR": "203.0.113.78"}
    assert look_up(hot, submitted.code, submitted.lookup_secret, **other)[0] == "200 OK"


def test_an_unreachable_cache_leaves_the_look_up_to_django(submitted, hot, django_app, monkeypatch):
    look_up(hot, submitted.code, submitted.lookup_secret)

    def down(*args, **kwargs):
        raise ConnectionError("redis is away")

    monkeypatch.setattr(hotpath.ratelimit, "count_and_read", down)
    answered = look_up(hot, submitted.code, submitted.lookup_secret)
    assert answered[0] == "200 OK" and django_app.calls == 2


def test_a_refusal_is_djangos_429(submitted, hot, django_app, settings, monkeypatch):
    settings.MOTCUA_LOOKUP_RATE = "1/d"
    monkeypatch.setattr(ratelimit.time, "time", lambda: 1_800_000_000.0)
    look_up(hot, submitted.code, submitted.lookup_secret)
    learnt = look_up(hot, submitted.code, submitted.lookup_secret)  # Django's 429, learnt
    assert django_app.calls == 2
    served = look_up(hot, submitted.code, submitted.lookup_secret)
    assert django_app.calls == 2, "the second refusal never reached Django"
    other = {"REMOTE_ADDR": "192.0.2.44"}
    look_up(WSGIHandler(), submitted.code, submitted.lookup_secret, **other)
    answered = look_up(WSGIHandler(), submitted.code, submitted.lookup_secret, **other)
    assert served == learnt == answered
    assert served[0] == "429 Too Many Requests"
    assert json.loads(served[2])["error"]["code"] == "throttled"
    assert dict(served[1])["Retry-After"] == str(86400 - 1_800_000_000 % 86400 + 1)


def test_a_status_change_shows_at_once(
    submitted, hot, django_app, django_capture_on_commit_callbacks
):
    look_up(hot, submitted.code, submitted.lookup_secret)
    look_up(hot, submitted.code, submitted.lookup_secret)
    assert django_app.calls == 1
    with django_capture_on_commit_callbacks(execute=True):
        transition(submitted, "refuse_intake", note="Giấy tờ bị mờ")
    after = look_up(hot, submitted.code, submitted.lookup_secret)
    assert json.loads(after[2])["status"] == Status.REFUSED and django_app.calls == 2
    assert look_up(hot, submitted.code, submitted.lookup_secret)[2] == after[2]
    assert django_app.calls == 2


def test_an_answer_is_not_served_once_djangos_own_entry_is_gone(submitted, hot, django_app):
    look_up(hot, submitted.code, submitted.lookup_secret)
    cache.delete(lookup_cache.cache_key(submitted.code))  # expired
    look_up(hot, submitted.code, submitted.lookup_secret)
    assert django_app.calls == 2


def test_the_language_is_chosen_as_django_chooses_it(submitted, hot, django_app):
    english = {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.8"}
    look_up(hot, submitted.code, submitted.lookup_secret)
    look_up(hot, submitted.code, submitted.lookup_secret, **english)
    calls = django_app.calls
    served = look_up(hot, submitted.code, submitted.lookup_secret, **english)
    assert django_app.calls == calls
    assert served == look_up(WSGIHandler(), submitted.code, submitted.lookup_secret, **english)
    assert dict(served[1])["Content-Language"] == "en"
    by_cookie = {"HTTP_COOKIE": "django_language=en", "HTTP_ACCEPT_LANGUAGE": "vi"}
    assert (
        dict(look_up(hot, submitted.code, submitted.lookup_secret, **by_cookie)[1])[
            "Content-Language"
        ]
        == "en"
    )
    assert django_app.calls == calls


@pytest.mark.parametrize(
    "body",
    [
        b'{"code": "X"}',
        b'{"code": "BN.KB-1", "secret": "12345678", "more": 1}',
        b'{"code": "BN.KB-1", "secret": 12345678}',
        b"not json",
        '{"code": "BN.KB-1", "secret": "ĐĐĐĐ"}'.encode(),
    ],
)
def test_an_unusual_body_goes_to_django_readable_again(body, hot, django_app):
    answered = call(hot, "POST", LOOKUP, body, CONTENT_TYPE="application/json")
    assert django_app.calls == 1
    assert answered == call(WSGIHandler(), "POST", LOOKUP, body, CONTENT_TYPE="application/json")
    assert answered[0][:3] in {"400", "404", "422"}


def test_a_signed_in_browser_and_a_query_string_go_to_django(submitted, hot, django_app):
    look_up(hot, submitted.code, submitted.lookup_secret)
    look_up(hot, submitted.code, submitted.lookup_secret, HTTP_COOKIE="sessionid=abc")
    look_up(hot, submitted.code, submitted.lookup_secret, QUERY_STRING="x=1")
    assert django_app.calls == 3


def test_a_host_django_refuses_goes_to_django(submitted, hot, django_app):
    look_up(hot, submitted.code, submitted.lookup_secret)
    refused = look_up(hot, submitted.code, submitted.lookup_secret, HTTP_HOST="evil.example")
    assert refused[0].startswith("400") and django_app.calls == 2


def test_hot_answers_are_counted_for_prometheus(submitted, hot):
    served = hotpath.RESPONSES.labels(route="lookup", outcome="served")
    before = served._value.get()
    look_up(hot, submitted.code, submitted.lookup_secret)
    look_up(hot, submitted.code, submitted.lookup_secret)
    assert served._value.get() == before + 1


def test_a_hot_look_up_is_one_redis_round_trip(submitted, hot, backend, monkeypatch):
    if backend != "redis":
        pytest.skip("Redis only")
    look_up(hot, submitted.code, submitted.lookup_secret)
    from redis.connection import AbstractConnection

    commands = []
    real = AbstractConnection.send_command

    def spy(self, *args, **options):
        commands.append(args[0])
        return real(self, *args, **options)

    monkeypatch.setattr(AbstractConnection, "send_command", spy)
    assert look_up(hot, submitted.code, submitted.lookup_secret)[0] == "200 OK"
    assert commands == ["EVALSHA"]


def test_a_redis_that_forgot_the_script_is_taught_it_again(submitted, hot, django_app, backend):
    if backend != "redis":
        pytest.skip("Redis only")
    look_up(hot, submitted.code, submitted.lookup_secret)
    caches["default"]._cache.get_client().script_flush()
    assert look_up(hot, submitted.code, submitted.lookup_secret)[0] == "200 OK"
    assert django_app.calls == 1


# --- the procedure page -----------------------------------------------------------------


@pytest.fixture
def page():
    procedure_version("T.HOT", name="Đăng ký khai sinh")
    return "/thu-tuc/T.HOT/"


def test_an_anonymous_visitor_gets_the_cached_page_exactly_as_django_sends_it(
    page, hot, django_app, django_assert_num_queries
):
    call(hot, "GET", page)  # rendered and cached
    learnt = call(hot, "GET", page)  # from the page cache, through Django
    assert django_app.calls == 2
    with django_assert_num_queries(0):
        served = call(hot, "GET", page)
    assert django_app.calls == 2
    assert served == learnt == call(WSGIHandler(), "GET", page)
    assert "Đăng ký khai sinh" in served[2].decode()


def test_signed_in_visitors_and_query_strings_get_django(page, hot, django_app):
    for _ in range(2):
        call(hot, "GET", page)
    call(hot, "GET", page, HTTP_COOKIE="sessionid=abc")
    call(hot, "GET", page, QUERY_STRING="utm=1")
    call(hot, "HEAD", page)
    assert django_app.calls == 5


def test_each_language_has_its_own_page_and_headers(page, hot, django_app):
    english = {"HTTP_COOKIE": "django_language=en"}
    for _ in range(2):
        call(hot, "GET", page)
    calls = django_app.calls
    first = call(hot, "GET", page, **english)
    assert django_app.calls == calls + 1, "not the Vietnamese page"
    call(hot, "GET", page, **english)
    served = call(hot, "GET", page, **english)
    assert django_app.calls == calls + 2
    assert served == call(WSGIHandler(), "GET", page, **english)
    assert dict(served[1])["Content-Language"] == "en" and served[2] == first[2]


def test_over_https_the_replayed_headers_carry_hsts(page, backend, settings, keep_connection):
    settings.SECURE_HSTS_SECONDS = 3600  # read by SecurityMiddleware when it is built
    django_app = Spy()
    hot = with_hot_path(django_app)
    secure = {"wsgi.url_scheme": "https", "SERVER_PORT": "443"}
    for _ in range(2):
        call(hot, "GET", page, **secure)
        call(hot, "GET", page)
    calls = django_app.calls
    served = call(hot, "GET", page, **secure)
    plain = call(hot, "GET", page)
    assert django_app.calls == calls
    assert dict(served[1])["Strict-Transport-Security"] == "max-age=3600"
    assert "Strict-Transport-Security" not in dict(plain[1])
    assert served == call(WSGIHandler(), "GET", page, **secure)


def test_a_published_version_shows_at_once(page, hot, django_capture_on_commit_callbacks):
    from motcua.catalog import services as catalog_services
    from motcua.catalog.models import Procedure

    for _ in range(2):
        call(hot, "GET", page)
    draft = catalog_services.new_draft_version(Procedure.objects.get(code="T.HOT"))
    draft.name = "Đăng ký khai sinh (mới)"
    draft.save()
    with django_capture_on_commit_callbacks(execute=True):
        catalog_services.publish_version(draft)
    assert "Đăng ký khai sinh (mới)" in call(hot, "GET", page)[2].decode()


def test_an_unknown_procedure_is_djangos_404(hot, django_app, backend):
    for _ in range(2):
        assert call(hot, "GET", "/thu-tuc/NOPE/")[0].startswith("404")
    assert django_app.calls == 2


def test_the_request_id_follows_the_middlewares_rule(settings):
    assert request_id({"HTTP_X_REQUEST_ID": "lb-7"}) == "lb-7"
    assert request_id({}) != request_id({})
    settings.MOTCUA_REQUEST_ID_TRUST = False
    assert request_id({"HTTP_X_REQUEST_ID": "lb-7"}) != "lb-7"


def test_gunicorns_application_is_behind_the_hot_path_only_when_the_setting_is_on():
    import subprocess
    import sys

    import motcua.wsgi

    assert motcua.wsgi.application is motcua.wsgi.django_application  # off in the tests
    script = "import motcua.wsgi as w; print(type(w.application).__name__)"
    env = {**os.environ, "MOTCUA_HOTPATH": "1", "DJANGO_SETTINGS_MODULE": "motcua.settings"}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "HotPath"
