"""Concurrent notices and payments on PostgreSQL: one application, distinct receipt numbers.

Run with ``DATABASE_URL=postgres://…``; on SQLite these tests skip.
"""

import threading

import pytest
import requests
from django.db import connection

from motcua.payments import services
from motcua.payments.models import Payment

from .conftest import fee_paid_events, start_payment, success_notice, verdicts

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def at_once(*targets, timeout: float = 60) -> list:
    """Run the callables in threads released together; return their results or exceptions."""
    barrier = threading.Barrier(len(targets))
    results: list = [None] * len(targets)

    def runner(i, target):
        try:
            barrier.wait()
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


def test_two_ipns_at_once_apply_the_payment_once(on_postgres, gateway, dossier, fee_events):
    payment, _url = start_payment(gateway.url, dossier)
    notice = success_notice(payment)

    def send():
        response = requests.get(f"{gateway.url}/thanh-toan/ipn/", params=notice, timeout=30)
        return response.json()["RspCode"]

    codes = at_once(send, send)

    assert sorted(codes) == ["00", "02"]
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert sorted(v for _, v in verdicts(payment)) == ["applied", "duplicate"]
    assert fee_events == [dossier.pk] and fee_paid_events(dossier) == 1


def test_concurrent_counter_payments_get_distinct_receipt_numbers(
    on_postgres, make_dossier, officer
):
    dossiers = [make_dossier() for _ in range(4)]

    payments = at_once(
        *[lambda d=d: services.record_counter_payment(d, by=officer) for d in dossiers]
    )

    assert all(isinstance(p, Payment) for p in payments), payments
    numbers = sorted(int(p.receipt_number.rsplit("-", 1)[1]) for p in payments)
    assert numbers == [1, 2, 3, 4]
