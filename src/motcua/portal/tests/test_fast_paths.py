"""The cached public paths: the look-up's answer per dossier code, the shared rate
counters, and the catalogue's procedure pages (motcua.portal.lookup_cache, page_cache,
motcua.accounts.ratelimit)."""

from __future__ import annotations

import threading

import pytest
from django.core.cache import cache
from django.test import Client

from motcua.accounts import ratelimit
from motcua.catalog import services as catalog_services
from motcua.dossiers.models import Status
from motcua.dossiers.services import transition
from motcua.portal import lookup_cache
from tests.factories import procedure_version
from tests.redis_cache import redis_caches

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def submitted(citizen, make_dossier):
    return make_dossier(citizen, Status.SUBMITTED)


def _api_lookup(dossier, secret=None):
    return Client().post(
        "/api/v1/public/lookup",
        {"code": dossier.code, "secret": secret or dossier.lookup_secret},
        content_type="application/json",
    )


def test_a_cached_look_up_reads_no_row_and_a_status_change_shows_at_once(
    submitted, django_assert_num_queries, django_capture_on_commit_callbacks
):
    assert _api_lookup(submitted).json()["status"] == Status.SUBMITTED
    with django_assert_num_queries(0):
        again = _api_lookup(submitted)
    assert again.json()["status_label"] == "Đã nộp, chờ tiếp nhận"

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        transition(submitted, "refuse_intake", note="Giấy tờ bị mờ")
    assert callbacks, "the entry is dropped again once the change commits"

    after = _api_lookup(submitted).json()
    assert after["status"] == Status.REFUSED
    assert [e["status_label"] for e in after["timeline"]][-1] == after["status_label"]
    # The portal's page reads the same entry.
    page = Client().post("/tra-cuu/", {"code": submitted.code, "secret": submitted.lookup_secret})
    assert after["status_label"] in page.content.decode()


def test_an_answer_read_during_a_change_does_not_outlive_its_commit(
    submitted, django_capture_on_commit_callbacks
):
    """The receiver drops the entry after the commit too: an answer cached from the old
    row while the change was in flight goes with it."""
    with django_capture_on_commit_callbacks(execute=True):
        transition(submitted, "refuse_intake", note="Giấy tờ bị mờ")
        # A concurrent look-up caches the answer in between (here: the same transaction).
        stale = lookup_cache._read(submitted.code)
        cache.set(lookup_cache.cache_key(submitted.code), stale)
    assert cache.get(lookup_cache.cache_key(submitted.code)) is None


def test_the_secret_is_compared_in_constant_time_and_never_cached_in_clear(submitted, monkeypatch):
    compared = []
    real = lookup_cache.hmac.compare_digest

    def spy(a, b):
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(lookup_cache.hmac, "compare_digest", spy)
    assert _api_lookup(submitted).status_code == 200
    assert _api_lookup(submitted, secret="00000000").status_code == 404
    assert len(compared) == 2
    assert all(len(a) == len(b) == 64 for a, b in compared)  # HMAC-SHA-256 hex on both sides
    entry = cache.get(lookup_cache.cache_key(submitted.code))
    assert submitted.lookup_secret not in repr(entry)
    # Typed as people do: lower case with a dash.
    typed = submitted.lookup_secret.lower()[:4] + "-" + submitted.lookup_secret.lower()[4:]
    assert lookup_cache.find_answer(submitted.code.lower(), typed) is not None


def _burst(limit: int, threads: int, each: int) -> int:
    allowed = []
    lock = threading.Lock()
    start = threading.Barrier(threads)

    def work():
        start.wait()
        for _ in range(each):
            if ratelimit.hit("burst", "203.0.113.9", f"{limit}/h") is None:
                with lock:
                    allowed.append(1)

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return len(allowed)


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = redis_caches("motcua-test-fast-paths")
    from django.core.cache import caches

    caches["default"].clear()
    yield caches["default"]
    caches["default"].clear()


def test_a_concurrent_burst_does_not_pass_the_limit_in_redis(redis_cache):
    assert _burst(limit=50, threads=16, each=10) == 50
    # One counter, created with its expiry by the first request of the window.
    client = redis_cache._cache.get_client()
    keys = client.keys("*motcua:limit:burst:*")
    assert len(keys) == 1
    assert 0 < client.ttl(keys[0]) <= 3601
    assert int(client.get(keys[0])) == 160


def test_a_concurrent_burst_does_not_pass_the_limit_in_the_memory_cache():
    assert _burst(limit=30, threads=8, each=10) == 30


def test_a_refused_address_does_not_use_up_the_codes_count(redis_cache, rf, settings):
    settings.MOTCUA_LOOKUP_RATE = "2/m"
    settings.MOTCUA_LOOKUP_CODE_RATE = "100/h"
    request = rf.post("/tra-cuu/", REMOTE_ADDR="198.51.100.7")
    waits = [ratelimit.lookup_wait(request, "BN.X-1") for _ in range(5)]
    assert waits[:2] == [None, None] and all(w for w in waits[2:])
    client = redis_cache._cache.get_client()
    (code_key,) = client.keys("*motcua:limit:lookup-code:*")
    assert int(client.get(code_key)) == 2


def test_the_web_and_api_look_ups_share_one_counter(submitted, settings):
    settings.MOTCUA_LOOKUP_RATE = "3/m"
    web = Client(REMOTE_ADDR="198.51.100.8")
    api = Client(REMOTE_ADDR="198.51.100.8")
    body = {"code": submitted.code, "secret": submitted.lookup_secret}
    assert web.post("/tra-cuu/", body).status_code == 200
    answered = api.post("/api/v1/public/lookup", body, content_type="application/json")
    assert answered.status_code == 200
    assert web.post("/tra-cuu/", body).status_code == 200
    refused = api.post("/api/v1/public/lookup", body, content_type="application/json")
    assert refused.status_code == 429


def test_a_procedure_page_is_rendered_once_and_again_when_a_version_is_published(
    client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    version = procedure_version("T.FAST", name="Đăng ký khai sinh")
    first = client.get("/thu-tuc/T.FAST/")
    assert "Đăng ký khai sinh" in first.content.decode()
    with django_assert_num_queries(0):
        cached = client.get("/thu-tuc/T.FAST/")
    assert cached.content == first.content

    draft = catalog_services.new_draft_version(version.procedure)
    draft.name = "Đăng ký khai sinh (phiên bản mới)"
    draft.save()
    # A draft is not shown: the page rendered again still names the published version.
    assert "phiên bản mới" not in client.get("/thu-tuc/T.FAST/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        catalog_services.publish_version(draft)
    assert "Đăng ký khai sinh (phiên bản mới)" in client.get("/thu-tuc/T.FAST/").content.decode()


def test_signed_in_people_get_the_page_rendered_for_them(client, citizen):
    procedure_version("T.FAST2", name="Đăng ký kết hôn")
    assert client.get("/thu-tuc/T.FAST2/").status_code == 200  # cached for visitors
    client.force_login(citizen)
    body = client.get("/thu-tuc/T.FAST2/").content.decode()
    assert "Đăng xuất" in body and "Đăng nhập" not in body


def test_a_code_typed_in_lower_case_shares_the_entry_a_change_drops(
    submitted, django_assert_num_queries, django_capture_on_commit_callbacks
):
    """Codes hold letters (the agency part): every way of typing one is one entry, and
    a change drops it whatever case the citizen used."""
    typed = "  " + submitted.code.lower() + " "
    assert lookup_cache.find_answer(typed, submitted.lookup_secret).status == Status.SUBMITTED
    with django_assert_num_queries(0):
        assert lookup_cache.find_answer(submitted.code, submitted.lookup_secret) is not None
        assert lookup_cache.find_answer(submitted.code.title(), submitted.lookup_secret)
    with django_capture_on_commit_callbacks(execute=True):
        transition(submitted, "refuse_intake", note="Giấy tờ bị mờ")
    again = lookup_cache.find_answer(typed, submitted.lookup_secret)
    assert again.status == Status.REFUSED


def test_an_answer_read_before_a_commit_and_stored_after_it_is_not_served(
    submitted, monkeypatch, django_capture_on_commit_callbacks
):
    """A look-up reads the old row, the change commits and drops the entry, then the
    look-up stores what it read: the next look-up must not serve it."""
    real_read = lookup_cache._read
    interleaved = []

    def read_then_change(code):
        answer = real_read(code)
        if not interleaved:
            interleaved.append(code)
            with django_capture_on_commit_callbacks(execute=True):
                transition(submitted, "refuse_intake", note="Giấy tờ bị mờ")
        return answer

    monkeypatch.setattr(lookup_cache, "_read", read_then_change)
    first = lookup_cache.find_answer(submitted.code, submitted.lookup_secret)
    assert interleaved and first.status == Status.SUBMITTED  # what it read before the change
    assert lookup_cache.find_answer(submitted.code, submitted.lookup_secret).status == (
        Status.REFUSED
    )


def test_the_cached_secret_digest_is_keyed_with_the_server_secret(submitted, settings):
    """A plain SHA-256 of an 8-character secret is brute-forced from a leaked entry; the
    entry holds an HMAC under a key derived from SECRET_KEY instead."""
    import hashlib

    assert _api_lookup(submitted).status_code == 200
    entry = repr(cache.get(lookup_cache.cache_key(submitted.code)))
    plain = hashlib.sha256(submitted.lookup_secret.encode()).hexdigest()
    assert plain not in entry
    digest = lookup_cache.secret_hash(submitted.lookup_secret)
    assert digest in entry
    settings.SECRET_KEY = "another-server-key-" + "x" * 40
    assert lookup_cache.secret_hash(submitted.lookup_secret) != digest


def _redis_commands(monkeypatch) -> list[str]:
    """The commands sent to Redis from now on (their names)."""
    from redis.connection import AbstractConnection

    sent: list[str] = []
    original = AbstractConnection.send_command

    def send_command(self, *args, **kwargs):
        sent.append(str(args[0]))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(AbstractConnection, "send_command", send_command)
    return sent


def test_an_api_call_reads_the_reference_generation_in_its_throttles_round_trip(
    redis_cache, monkeypatch, settings, rf
):
    """The throttle's count and the reference data's generation (``lib.refcache``): one
    round trip to Redis, where each took its own, with the same generation."""
    from motcua.api.throttles import CallerThrottle
    from motcua.lib import refcache

    settings.MOTCUA_API_RATE_AUTHENTICATED = "1000/m"
    throttle = CallerThrottle()

    def call() -> str | None:
        scope = refcache.RequestScopeMiddleware(
            lambda request: (throttle.allow_request(request), refcache.generation())
        )
        allowed, generation = scope(rf.get("/api/v1/dossiers", REMOTE_ADDR="198.51.100.9"))
        assert allowed
        return generation

    wanted = refcache.wanted
    monkeypatch.setattr(refcache, "wanted", lambda: False)  # as before: apart
    call()  # both scripts loaded, the generation made
    monkeypatch.setattr(refcache, "wanted", wanted)
    call()
    sent = _redis_commands(monkeypatch)
    together = call()
    assert sent == ["EVALSHA"], sent
    monkeypatch.setattr(refcache, "wanted", lambda: False)
    sent.clear()
    apart = call()
    assert sent == ["EVALSHA", "GET"], sent
    assert together == apart == redis_cache.get(refcache.KEY)
