import time

import pytest

from motcua.catalog.formschema import default_schema
from motcua.registries.http_connector import budget_seconds
from motcua.registries.models import LookupLog
from motcua.registries.services import lookup, prefill_form
from motcua.registrysim import selectors as sim_selectors
from motcua.registrysim import services as sim
from tests.factories import ApplicantFactory

from .conftest import PID


def test_slow_registry_beyond_the_timeout_is_given_up_within_the_budget(citizen_record, settings):
    settings.MOTCUA_REGISTRY_TIMEOUT_S = 0.5
    sim.set_mode("dan_cu", "slow", latency_ms=4000)
    applicant = ApplicantFactory(personal_id=PID)

    started = time.monotonic()
    prefill = prefill_form(default_schema(["dan_cu"]), applicant)
    elapsed = time.monotonic() - started

    assert "dan_cu" in prefill.unavailable and prefill.values == {}
    assert budget_seconds() == 1.0  # 2 attempts × 0.5 s
    assert elapsed < budget_seconds() + 1.0 < 4.0  # far below the registry's 4 s
    log = LookupLog.objects.get()
    assert (log.outcome, log.detail, log.attempts) == ("unavailable", "timeout", 2)


def test_a_flaky_registry_is_retried_and_the_lookup_succeeds(citizen_record):
    sim.set_mode("dan_cu", "flaky")  # fails the 1st, 3rd… request

    result = lookup("dan_cu", PID)

    assert result.found and result.attributes["full_name"] == "Nguyễn Thị Hoa"
    assert sim_selectors.request_count("dan_cu") == 2
    assert LookupLog.objects.get().attempts == 2


def test_circuit_opens_after_repeated_failures_and_stops_calling(citizen_record, settings):
    settings.MOTCUA_REGISTRY_RETRIES = 0
    sim.set_mode("dan_cu", "down")

    outcomes = [lookup("dan_cu", PID).outcome for _ in range(5)]

    assert outcomes == ["unavailable"] * 3 + ["circuit_open"] * 2
    assert sim_selectors.request_count("dan_cu") == 3  # the last two never reached it


def test_open_circuit_still_gives_the_citizen_the_unavailable_message(citizen_record, settings):
    settings.MOTCUA_REGISTRY_RETRIES = 0
    settings.MOTCUA_REGISTRY_BREAKER_FAILURES = 1
    sim.set_mode("dan_cu", "down")
    lookup("dan_cu", PID)

    result = lookup("dan_cu", PID)

    assert result.outcome == "circuit_open"
    assert result.message.startswith("Không kết nối được CSDL quốc gia về dân cư")


def test_open_circuit_lets_a_trial_call_through_after_the_reset_time(citizen_record, settings):
    settings.MOTCUA_REGISTRY_RETRIES = 0
    settings.MOTCUA_REGISTRY_BREAKER_FAILURES = 1
    settings.MOTCUA_REGISTRY_BREAKER_RESET_S = 0.3
    sim.set_mode("dan_cu", "down")
    lookup("dan_cu", PID)
    sim.set_mode("dan_cu", "normal")
    assert lookup("dan_cu", PID).outcome == "circuit_open"

    time.sleep(0.4)

    assert lookup("dan_cu", PID).found


def test_a_missing_record_does_not_count_towards_opening_the_circuit(registry_server, settings):
    settings.MOTCUA_REGISTRY_BREAKER_FAILURES = 1

    outcomes = [lookup("dan_cu", "001090009999").outcome for _ in range(3)]

    assert outcomes == ["not_found"] * 3


def test_a_cache_hit_avoids_a_second_http_call(citizen_record):
    first = lookup("dan_cu", PID)
    second = lookup("dan_cu", PID)

    assert first.attributes == second.attributes
    assert (first.from_cache, second.from_cache) == (False, True)
    assert sim_selectors.request_count("dan_cu") == 1
    assert list(LookupLog.objects.order_by("id").values_list("from_cache", flat=True)) == [
        False,
        True,
    ]


def test_cached_values_serve_while_the_registry_is_down(citizen_record):
    lookup("dan_cu", PID)
    sim.set_mode("dan_cu", "down")

    assert lookup("dan_cu", PID).attributes["full_name"] == "Nguyễn Thị Hoa"


def test_zero_cache_seconds_turns_the_cache_off(citizen_record, settings):
    settings.MOTCUA_REGISTRY_CACHE_SECONDS = 0

    lookup("dan_cu", PID)
    lookup("dan_cu", PID)

    assert sim_selectors.request_count("dan_cu") == 2


def test_failed_lookups_are_not_cached(citizen_record):
    sim.set_mode("dan_cu", "down")
    lookup("dan_cu", PID)
    sim.set_mode("dan_cu", "normal")

    assert lookup("dan_cu", PID).found


def test_registries_of_one_form_are_asked_in_parallel(citizen_record, business_record):
    sim.set_mode("dan_cu", "slow", latency_ms=1000)
    sim.set_mode("dat_dai", "slow", latency_ms=1000)
    applicant = ApplicantFactory(personal_id=PID)

    started = time.monotonic()
    prefill = prefill_form(default_schema(["dan_cu", "dat_dai"]), applicant)

    assert set(prefill.sources.values()) == {"dan_cu", "dat_dai"}
    assert time.monotonic() - started < 1.9  # one after the other takes at least 2 s


def test_unreachable_server_is_unavailable_not_an_error(settings, db):
    settings.MOTCUA_REGISTRY_BASE_URL = "http://127.0.0.1:9/mo-phong/csdl/"  # discard port
    settings.MOTCUA_REGISTRY_RETRIES = 0

    result = lookup("dan_cu", PID)

    assert result.outcome == "unavailable"
    assert LookupLog.objects.get().detail == "connection failed"


@pytest.mark.parametrize("path", ["/khong-ton-tai/", "/"])
def test_a_base_url_answering_html_404_is_unavailable_not_missing(registry_server, settings, path):
    settings.MOTCUA_REGISTRY_BASE_URL = registry_server.url + path

    assert lookup("dan_cu", PID).outcome == "unavailable"


def test_the_environment_proxy_is_read_once_for_the_registry_address(settings, monkeypatch):
    """The session takes the proxy of the environment that applies to the registry's
    address when it is made (and no longer scans the environment on each call)."""
    from motcua.registries.http_connector import HttpConnector

    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.tinh.gov.vn:3128")
    monkeypatch.setenv("NO_PROXY", "")
    settings.MOTCUA_REGISTRY_BASE_URL = "https://lgsp.tinh.gov.vn/csdl/"
    proxied = HttpConnector("dan_cu")._new_session(frozenset({"GET"}))
    assert proxied.proxies.get("https") == "http://proxy.tinh.gov.vn:3128"
    assert proxied.trust_env is False

    monkeypatch.setenv("NO_PROXY", "lgsp.tinh.gov.vn")
    direct = HttpConnector("dan_cu")._new_session(frozenset({"GET"}))
    assert "https" not in direct.proxies
