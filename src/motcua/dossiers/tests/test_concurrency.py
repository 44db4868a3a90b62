"""Concurrent writers on PostgreSQL: unique codes and one winner per transition.

Run with ``DATABASE_URL=postgres://…``; on SQLite these tests skip.
"""

import threading
import time

import pytest
from django.db import connection, transaction

from motcua.dossiers.exceptions import IllegalTransition
from motcua.dossiers.models import CodeCounter, Dossier, Status, StatusChange
from motcua.dossiers.services import next_code, record_counter_dossier, transition

from .helpers import local

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

AT = local(2025, 3, 10, 9)


def run_in_threads(*targets, timeout: float = 60) -> list:
    """Run each callable in its own thread (own DB connection); return results or exceptions."""
    results: list = [None] * len(targets)

    def runner(i, target):
        try:
            results[i] = target()
        except BaseException as exc:  # reported to the test
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=runner, args=(i, t)) for i, t in enumerate(targets)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
        assert not thread.is_alive(), "a thread hung (deadlock?)"
    return results


def wait_until_a_backend_waits_for_a_lock(timeout: float = 10) -> None:
    """Block until another connection is waiting on a row lock."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            )
            if cursor.fetchone()[0]:
                return
        time.sleep(0.02)
    raise AssertionError("no connection ever waited for a lock")


def test_concurrent_counter_recording_gives_distinct_sequential_codes(
    on_postgres, applicant, version, agency, officer
):
    threads, per_thread = 8, 10
    barrier = threading.Barrier(threads)

    def record_ten():
        barrier.wait()
        return [
            record_counter_dossier(
                applicant=applicant, version=version, agency=agency, by=officer, at=AT
            ).code
            for _ in range(per_thread)
        ]

    results = run_in_threads(*[record_ten] * threads)
    errors = [r for r in results if isinstance(r, BaseException)]
    assert not errors, errors
    codes = [code for result in results for code in result]
    assert len(codes) == len(set(codes)) == threads * per_thread
    assert sorted(int(code.rsplit("-", 1)[1]) for code in codes) == list(range(1, 81))
    assert all(code.startswith("STP-250310-") for code in codes)
    assert CodeCounter.objects.get(agency=agency).value == 80
    assert Dossier.objects.count() == StatusChange.objects.count() == 80


def test_concurrent_same_transition_has_exactly_one_winner(on_postgres, make_dossier, officer):
    dossier = make_dossier(Status.SUBMITTED)
    barrier = threading.Barrier(2)

    def receive():
        mine = Dossier.objects.get(pk=dossier.pk)  # each thread holds its own loaded object
        barrier.wait()
        transition(mine, "receive", by=officer)
        return "ok"

    results = run_in_threads(receive, receive)
    assert results.count("ok") == 1
    assert sum(isinstance(r, IllegalTransition) for r in results) == 1
    assert StatusChange.objects.filter(dossier=dossier, action="receive").count() == 1
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED


def release_once_the_other_waits(held: threading.Event, release: threading.Event):
    """A third thread's task: once the first holds its lock, wait until another
    connection waits for a lock, then let the first go on."""

    def referee():
        assert held.wait(10)
        try:
            wait_until_a_backend_waits_for_a_lock()
        finally:
            release.set()

    return referee


def test_concurrent_transition_rereads_the_status_after_waiting_for_the_lock(
    on_postgres, make_dossier, officer
):
    """The loser really waits on the row lock, then sees the winner's status."""
    dossier = make_dossier(Status.SUBMITTED)
    first_holds_lock, release_first = threading.Event(), threading.Event()

    def first():
        with transaction.atomic():
            transition(Dossier.objects.get(pk=dossier.pk), "receive", by=officer)
            first_holds_lock.set()
            assert release_first.wait(10)
        return "ok"

    def second():
        assert first_holds_lock.wait(10)
        stale = Dossier.objects.get(pk=dossier.pk)
        assert stale.status == Status.SUBMITTED  # the first has not committed yet
        transition(stale, "receive", by=officer)
        return "ok"

    referee = release_once_the_other_waits(first_holds_lock, release_first)
    first_result, second_result, referee_result = run_in_threads(first, second, referee)
    assert first_result == "ok"
    assert referee_result is None
    assert isinstance(second_result, IllegalTransition)
    assert StatusChange.objects.filter(dossier=dossier).count() == 1


def test_concurrent_submit_and_counter_recording_at_one_agency_do_not_deadlock(
    on_postgres, make_dossier, applicant, version, agency, officer
):
    """An online submission while the desk records a paper dossier at the same agency."""
    online = make_dossier(Status.DRAFT)
    desk_has_code, submit_waiting = threading.Event(), threading.Event()

    def desk():
        # record_counter_dossier, split where the online submission interleaves.
        with transaction.atomic():
            code = next_code(agency, AT.date())
            desk_has_code.set()
            assert submit_waiting.wait(10)
            Dossier.objects.create(
                applicant=applicant,
                procedure_version=version,
                agency=agency,
                channel="counter",
                status=Status.RECEIVED,
                code=code,
            )
        return code

    def citizen():
        assert desk_has_code.wait(10)
        transition(Dossier.objects.get(pk=online.pk), "submit", at=AT)
        return "ok"

    def referee():
        assert desk_has_code.wait(10)
        try:
            wait_until_a_backend_waits_for_a_lock()
        finally:
            submit_waiting.set()

    desk_result, citizen_result, _ = run_in_threads(desk, citizen, referee)
    assert desk_result == "STP-250310-0001", desk_result
    assert citizen_result == "ok", citizen_result
    online.refresh_from_db()
    assert online.code == "STP-250310-0002"


def test_two_drafts_created_at_once_cannot_both_pass_the_limit(
    on_postgres, applicant, version, agency, settings
):
    """The second creation waits for the first's lock on the applicant, then counts the
    draft the first committed (the count is read after the lock, not before)."""
    from motcua.dossiers.exceptions import DossierError
    from motcua.dossiers.services import create_draft

    settings.MOTCUA_MAX_OPEN_DRAFTS = 1
    first_holds_lock, release_first = threading.Event(), threading.Event()

    def first():
        with transaction.atomic():
            create_draft(applicant=applicant, version=version, agency=agency)
            first_holds_lock.set()
            assert release_first.wait(10)
        return "ok"

    def second():
        assert first_holds_lock.wait(10)
        return create_draft(applicant=applicant, version=version, agency=agency)

    referee = release_once_the_other_waits(first_holds_lock, release_first)
    first_result, second_result, referee_result = run_in_threads(first, second, referee)
    assert first_result == "ok" and referee_result is None
    assert isinstance(second_result, DossierError) and second_result.code == "too_many_drafts"
    assert Dossier.objects.filter(applicant=applicant, status=Status.DRAFT).count() == 1
