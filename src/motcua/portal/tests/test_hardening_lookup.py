"""The public look-up is limited per client address (MOTCUA_LOOKUP_RATE): beyond it a
Vietnamese "thử lại sau" page with status 429, so the 8-character secret cannot be
guessed by brute force."""

from __future__ import annotations

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db

WRONG = {"code": "BN-261015-0001", "secret": "ABCD1234"}


@pytest.fixture(autouse=True)
def _three_a_minute(settings):
    settings.MOTCUA_LOOKUP_RATE = "3/m"
    cache.clear()
    yield
    cache.clear()


def look_up(client, **extra):
    return client.post("/tra-cuu/", WRONG, **extra)


def test_the_fourth_look_up_in_a_minute_is_refused_in_vietnamese(client):
    assert [look_up(client).status_code for _ in range(3)] == [200, 200, 200]
    refused = look_up(client)
    assert refused.status_code == 429
    body = refused.content.decode()
    assert "Quá nhiều yêu cầu" in body and "Vui lòng thử lại sau 1 phút." in body
    assert 1 <= int(refused["Retry-After"]) <= 61
    assert "no-cache" in refused["Cache-Control"]


def test_the_limit_is_per_client_address(client):
    for _ in range(4):
        look_up(client, REMOTE_ADDR="203.0.113.1")
    assert look_up(client, REMOTE_ADDR="203.0.113.2").status_code == 200


def test_a_forged_forwarded_header_does_not_escape_the_limit(client):
    for n in range(3):
        look_up(client, HTTP_X_FORWARDED_FOR=f"10.9.8.{n}")
    assert look_up(client, HTTP_X_FORWARDED_FOR="10.9.8.77").status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_client_counts(client, settings):
    settings.MOTCUA_TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    for _ in range(4):
        look_up(client, HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5", **proxy)
    # The client may write anything on the left; the proxy appends the real address.
    assert look_up(client, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy).status_code == 429
    assert look_up(client, HTTP_X_FORWARDED_FOR="203.0.113.6", **proxy).status_code == 200


def test_showing_the_form_is_not_counted(client):
    for _ in range(5):
        assert client.get("/tra-cuu/").status_code == 200
    assert look_up(client).status_code == 200


def test_an_empty_rate_turns_the_limit_off(client, settings):
    settings.MOTCUA_LOOKUP_RATE = ""
    assert {look_up(client).status_code for _ in range(5)} == {200}


def test_the_look_up_still_answers_when_the_cache_is_down(client, settings):
    working = settings.CACHES
    settings.CACHES = {
        "default": {
            "BACKEND": "motcua.lib.rediscache.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    try:
        assert {look_up(client).status_code for _ in range(5)} == {200}
    finally:
        settings.CACHES = working
