"""Concurrent desks on PostgreSQL: every dossier counted once, no deadlock.

Run with ``DATABASE_URL=postgres://…``; on SQLite these tests skip.
"""

import threading

import pytest
from django.db import connection

from motcua.dossiers.services import record_counter_dossier, transition
from motcua.monitoring.models import DailyRollup, MonthlyRollup
from motcua.monitoring.rebuild import rebuild
from motcua.monitoring.tests.conftest import local
from motcua.monitoring.tests.test_rollups import snapshot
from tests.factories import ApplicantFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

DESKS = 6


def test_concurrent_intakes_and_decisions_are_all_counted(on_postgres, version, department):
    applicants = [ApplicantFactory() for _ in range(DESKS)]
    start = threading.Barrier(DESKS)
    errors: list[BaseException] = []

    def desk(applicant):
        try:
            start.wait(10)
            for _ in range(3):
                dossier = record_counter_dossier(
                    applicant=applicant,
                    version=version,
                    agency=department,
                    by=None,
                    at=local(2026, 10, 5),
                )
                transition(dossier, "start_processing", at=local(2026, 10, 6))
                transition(dossier, "approve", at=local(2026, 10, 6))
        except BaseException as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=desk, args=(a,)) for a in applicants]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
        assert not thread.is_alive(), "a desk hung (deadlock?)"

    assert errors == []
    day = DailyRollup.objects.get(day=local(2026, 10, 5).date())
    assert day.received == DESKS * 3
    assert DailyRollup.objects.get(day=local(2026, 10, 6).date()).finished == DESKS * 3
    assert MonthlyRollup.objects.get(day=local(2026, 10, 1).date()).received == DESKS * 3
    live = snapshot()
    rebuild()
    assert snapshot() == live
