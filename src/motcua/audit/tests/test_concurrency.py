"""Concurrent writers on PostgreSQL chain one after the other. Skips on SQLite."""

import threading

import pytest
from django.db import connection, transaction

from motcua.audit.models import AuditRecord
from motcua.audit.selectors import verify_chain
from motcua.audit.services import record

from .conftest import tamper

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def audit_rows_removed_afterwards(transactional_db):
    yield
    # The trigger refuses Django's end-of-test TRUNCATE of a filled table.
    tamper("DELETE FROM {table}")


def test_concurrent_records_from_six_threads_form_one_valid_chain(
    on_postgres, officer, audit_rows_removed_afterwards
):
    threads, per_thread = 6, 10
    barrier = threading.Barrier(threads)
    errors: list[BaseException] = []

    def write_ten(n: int) -> None:
        try:
            barrier.wait()
            for i in range(per_thread):
                with transaction.atomic():
                    record("dossier.receive", actor=officer, object_id=f"{n}-{i}")
        except BaseException as exc:  # noqa: BLE001 - reported to the test
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=write_ten, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert not worker.is_alive(), "a writer hung"

    assert not errors, errors
    assert AuditRecord.objects.count() == threads * per_thread
    result = verify_chain()
    assert (result.ok, result.checked) == (True, 60), result
