"""Audited writes of two agencies do not wait for each other (PostgreSQL; skips on SQLite).

Transaction 1 holds agency A's chain lock (the chain's head row, ``services.head_sql``)
and stays open (as a writer between its audit write and its commit). A transaction
auditing agency B completes meanwhile; one auditing agency A waits — seen in
``pg_locks`` as a lock not granted — and completes once transaction 1 ends, linked onto
the record transaction 1 wrote (it read the head only once it had the lock). Both
chains verify.
"""

import threading
import time

import pytest
from django.db import connection, transaction
from django.utils import timezone

from motcua.audit.models import AuditRecord, chain_key
from motcua.audit.selectors import verify_chain
from motcua.audit.services import record, write_entries

from .conftest import tamper

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

A, B = 101, 202


@pytest.fixture
def audit_rows_removed_afterwards(transactional_db):
    yield
    tamper("DELETE FROM {table}")


def _waiting_locks() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        return cursor.fetchone()[0]


def _audited_write(agency_id: int, done: threading.Event, errors: list) -> None:
    try:
        with transaction.atomic():
            record("dossier.receive", agency_id=agency_id, object_id=agency_id)
        done.set()
    except BaseException as exc:  # noqa: BLE001 - reported to the test
        errors.append(exc)
    finally:
        connection.close()


def test_another_agency_does_not_wait_and_the_same_agency_does(
    on_postgres, audit_rows_removed_afterwards
):
    holding, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def first_transaction() -> None:
        try:
            with transaction.atomic():
                # Written at once (outside a service block the record is not deferred):
                # the chain's head row stays locked until this transaction ends.
                write_entries(
                    "default",
                    [
                        AuditRecord(
                            at=timezone.now(),
                            action="dossier.receive",
                            object_id="t1",
                            agency_id=A,
                            chain=chain_key(A),
                        )
                    ],
                )
                holding.set()
                release.wait(30)
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    t1 = threading.Thread(target=first_transaction)
    t1.start()
    assert holding.wait(10)

    other_done = threading.Event()
    started = time.monotonic()
    other = threading.Thread(target=_audited_write, args=(B, other_done, errors))
    other.start()
    other.join(5)
    assert other_done.is_set(), "agency B waited on agency A's transaction"
    assert time.monotonic() - started < 5

    same_done = threading.Event()
    same = threading.Thread(target=_audited_write, args=(A, same_done, errors))
    same.start()
    deadline = time.monotonic() + 5
    while _waiting_locks() == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _waiting_locks() == 1, "agency A's second writer should wait"
    assert not same_done.is_set()

    release.set()
    t1.join(10)
    same.join(10)
    assert same_done.is_set() and not errors, errors
    first, second = AuditRecord.objects.filter(agency_id=A).order_by("id")
    assert (first.object_id, second.prev_hash) == ("t1", first.hash)
    result = verify_chain()
    assert (result.ok, result.checked) == (True, 3), result


def test_concurrent_writers_of_four_agencies_form_four_valid_chains(
    on_postgres, audit_rows_removed_afterwards
):
    threads, per_thread = 8, 5
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            barrier.wait()
            for i in range(per_thread):
                with transaction.atomic():
                    record("dossier.receive", agency_id=n % 4 + 1, object_id=f"{n}-{i}")
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=write, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
    assert not errors, errors
    result = verify_chain()
    assert (result.ok, result.checked, len(result.heads)) == (True, 40, 4), result
