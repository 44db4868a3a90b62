"""Hole 6: the look-up limit is one atomic count shared by the portal and the API, per
client address and per dossier code, and new look-up secrets are long enough that
guessing is hopeless even from many addresses."""

from __future__ import annotations

import re
import threading
import time

import pytest
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.test import Client, RequestFactory

from motcua.accounts.ratelimit import lookup_wait
from motcua.api.throttles import PublicThrottle
from motcua.dossiers.models import Dossier, Status

pytestmark = pytest.mark.django_db

FOUND = "Đã nộp, chờ tiếp nhận"


class RoundTripCache(LocMemCache):
    """The memory cache with a shared cache's round trip before every operation, so
    that concurrent requests interleave between a read and a write as they do on Redis."""

    def _round_trip(self):
        time.sleep(0.002)

    def get(self, *args, **kwargs):
        self._round_trip()
        return super().get(*args, **kwargs)

    def set(self, *args, **kwargs):
        self._round_trip()
        return super().set(*args, **kwargs)

    def add(self, *args, **kwargs):
        self._round_trip()
        return super().add(*args, **kwargs)

    def incr(self, *args, **kwargs):
        self._round_trip()
        return super().incr(*args, **kwargs)


@pytest.fixture
def submitted(citizen, make_dossier):
    return make_dossier(citizen, Status.SUBMITTED)


@pytest.fixture
def limits(settings):
    settings.MOTCUA_LOOKUP_RATE = "3/m"
    settings.MOTCUA_LOOKUP_CODE_RATE = "5/h"
    cache.clear()
    yield settings
    cache.clear()


def web(client, code, secret, address="203.0.113.1"):
    return client.post("/tra-cuu/", {"code": code, "secret": secret}, REMOTE_ADDR=address)


def api(client, code, secret, address="203.0.113.1"):
    return client.post(
        "/api/v1/public/lookup",
        {"code": code, "secret": secret},
        content_type="application/json",
        REMOTE_ADDR=address,
    )


def test_the_portal_and_the_api_share_one_count_per_address(limits, submitted):
    client = Client()
    assert web(client, submitted.code, "WRONG").status_code == 200
    assert api(client, submitted.code, "WRONG").status_code == 404
    assert web(client, "KHAC-000000-0001", "WRONG").status_code == 200
    # The fourth attempt of the minute is refused on both channels, right secret or not.
    refused = api(client, submitted.code, submitted.lookup_secret)
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "throttled"
    assert 1 <= int(refused["Retry-After"]) <= 61
    assert web(client, submitted.code, submitted.lookup_secret).status_code == 429


def test_many_addresses_cannot_try_more_secrets_of_one_dossier(limits, submitted):
    client = Client()
    for n in range(5):
        channel = web if n % 2 else api
        assert channel(client, submitted.code, f"GUESS{n}", f"198.51.100.{n}").status_code in (
            200,
            404,
        )
    # The sixth attempt at this code within the hour is refused from a fresh address,
    # on either channel, and even with the right secret.
    assert api(client, submitted.code, submitted.lookup_secret, "192.0.2.77").status_code == 429
    assert web(client, submitted.code.lower(), "X", "192.0.2.78").status_code == 429
    # Another dossier's code is not affected.
    assert web(client, "KHAC-000000-0001", "X", "192.0.2.79").status_code == 200


@pytest.fixture
def round_trip_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": f"{__name__}.RoundTripCache",
            "LOCATION": "hole-6-burst",
        }
    }
    cache.clear()
    yield
    cache.clear()


def burst(check, count: int = 40) -> int:
    """Run ``check()`` from ``count`` threads at once; how many were allowed."""
    barrier = threading.Barrier(count)
    allowed = []

    def one():
        barrier.wait()
        allowed.append(check())

    threads = [threading.Thread(target=one) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(allowed)


def test_a_concurrent_burst_gets_no_more_answers_than_the_api_limit(settings, round_trip_cache):
    settings.MOTCUA_API_RATE_PUBLIC = "10/m"
    throttle = PublicThrottle()
    request = RequestFactory().post("/api/v1/public/lookup", REMOTE_ADDR="203.0.113.9")
    assert burst(lambda: throttle.allow_request(request)) == 10
    assert throttle.allow_request(request) is False
    assert 1 <= throttle.wait() <= 61


def test_a_concurrent_burst_gets_no_more_look_ups_than_the_limit(settings, round_trip_cache):
    settings.MOTCUA_LOOKUP_RATE = "1000/m"
    settings.MOTCUA_LOOKUP_CODE_RATE = "10/h"
    factory = RequestFactory()

    def attempt():
        request = factory.post("/tra-cuu/", REMOTE_ADDR=f"10.0.{threading.get_ident() % 250}.1")
        return lookup_wait(request, "STP-261015-0001") is None

    assert burst(attempt) == 10


def test_new_secrets_carry_60_random_bits(submitted):
    secrets = {Dossier(applicant=submitted.applicant).lookup_secret for _ in range(50)}
    assert len(secrets) == 50
    for secret in secrets:
        assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{12}", secret)


def test_an_old_eight_character_secret_still_opens_the_look_up(client, submitted):
    Dossier.objects.filter(pk=submitted.pk).update(lookup_secret="0A1B2C3D")
    assert FOUND in web(client, submitted.code, "0a1b2c3d").content.decode()


def test_a_secret_typed_with_dashes_and_look_alike_letters_is_read(client, submitted):
    Dossier.objects.filter(pk=submitted.pk).update(lookup_secret="0K1M2N3P4Q5R")
    typed = "ok1m-2n3p-4q5r"  # O for 0, lower case, grouped as printed
    assert FOUND in web(client, submitted.code, typed).content.decode()
    assert api(Client(), submitted.code, typed).status_code == 200
    assert FOUND not in web(client, submitted.code, "0K1M2N3P4Q5S").content.decode()
