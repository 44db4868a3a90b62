"""The national dossier code: format, agency identifier, system part, startup check, and
unique consecutive numbers under concurrency (PostgreSQL)."""

import datetime as dt
import threading

import pytest
from django.db import connection, transaction

from motcua.dossiers.checks import check_code_format
from motcua.dossiers.effects import format_code, next_code, next_sequence
from motcua.dossiers.models import CodeCounter

DAY = dt.date(2026, 10, 8)


def test_the_default_format_is_the_provincial_national_structure(settings):
    settings.MOTCUA_SYSTEM_CODE = ""
    assert format_code("000.00.31.H29", DAY, 975) == "000.00.31.H29-261008-0975"
    assert format_code("000.00.31.H29", DAY, 12345) == "000.00.31.H29-261008-12345"


def test_a_nationally_centralised_system_adds_its_two_digits(settings):
    settings.MOTCUA_SYSTEM_CODE = "01"
    assert format_code("000.00.31.H29", DAY, 975) == "000.00.31.H29-261008-010975"


@pytest.mark.django_db
def test_the_code_carries_the_identifier_else_the_agency_code(agency, settings):
    settings.MOTCUA_SYSTEM_CODE = ""
    assert next_code(agency, DAY) == f"{agency.code}-261008-0001"
    agency.identifier = "000.00.31.H29"
    assert next_code(agency, DAY) == "000.00.31.H29-261008-0002"
    assert next_code(agency, DAY + dt.timedelta(days=1)) == "000.00.31.H29-261009-0001"
    assert CodeCounter.objects.get(agency=agency, day=DAY).value == 2


@pytest.mark.django_db
def test_the_counter_is_one_upsert_statement(agency, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert next_sequence(agency.pk, DAY) == 1
    with django_assert_num_queries(1):
        assert next_sequence(agency.pk, DAY) == 2


def test_the_startup_check_accepts_the_defaults():
    assert check_code_format() == []


@pytest.mark.parametrize(
    ("fmt", "system", "error"),
    [
        ("{agency}-{date:%y%m%d}-{system}{seq:04d}", "1", "dossiers.E001"),
        ("{agency}-{date:%y%m%d}-{system}{seq:04d}", "AB", "dossiers.E001"),
        ("{agency}-{day}-{seq:04d}", "", "dossiers.E002"),
        ("{agency}-{date:%y%m%d}-{seq:04q}", "", "dossiers.E002"),
        ("{agency}-{date:%y%m%d}", "", "dossiers.E003"),
        ("{agency}-{seq:04d}", "", "dossiers.E003"),
        ("{agency} {date:%y%m%d} {seq:04d}", "", "dossiers.E004"),
    ],
)
def test_the_startup_check_refuses_unusable_formats(settings, fmt, system, error):
    settings.MOTCUA_DOSSIER_CODE_FORMAT = fmt
    settings.MOTCUA_SYSTEM_CODE = system
    assert error in [e.id for e in check_code_format()]


def test_the_national_front_door_needs_its_system_code(settings):
    # Its codes would otherwise collide with a province's (same agency part, same day).
    settings.MOTCUA_EXCHANGE_ROLE = "national"
    settings.MOTCUA_SYSTEM_CODE = ""
    assert [e.id for e in check_code_format()] == ["dossiers.E005"]
    settings.MOTCUA_SYSTEM_CODE = "01"
    assert check_code_format() == []
    settings.MOTCUA_EXCHANGE_ROLE = "province"
    settings.MOTCUA_SYSTEM_CODE = ""
    assert check_code_format() == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_allocations_for_one_agency_and_day_are_distinct_and_consecutive(
    on_postgres, agency, settings
):
    settings.MOTCUA_SYSTEM_CODE = "01"
    agency.identifier = "000.00.31.H29"
    agency.save(update_fields=["identifier"])
    threads, per_thread = 8, 25
    barrier = threading.Barrier(threads)
    results: list = []
    lock = threading.Lock()

    def allocate() -> None:
        try:
            barrier.wait()
            mine = []
            for _ in range(per_thread):
                with transaction.atomic():
                    mine.append(next_code(agency, DAY))
            with lock:
                results.extend(mine)
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            with lock:
                results.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=allocate) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors
    assert len(results) == len(set(results)) == threads * per_thread
    assert all(code.startswith("000.00.31.H29-261008-01") for code in results)
    numbers = sorted(int(code.rsplit("-", 1)[1][2:]) for code in results)
    assert numbers == list(range(1, threads * per_thread + 1))
