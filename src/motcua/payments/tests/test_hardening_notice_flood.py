"""Hole 5: forged payment notices, which anyone can send, neither grow the append-only
audit trail nor the notice log; they are counted per source and day in a table that is
pruned, and each source may send at most MOTCUA_PAYMENT_NOTICE_RATE notices."""

from __future__ import annotations

import datetime as dt
import io
import time

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from motcua.audit.models import AuditRecord
from motcua.payments.models import PaymentNotice, RejectedNotice

pytestmark = pytest.mark.django_db

FORGED = {
    "vnp_TxnRef": "GIAMAO0001",
    "vnp_Amount": "2000000",
    "vnp_ResponseCode": "00",
    "vnp_TransactionStatus": "00",
    "vnp_TmnCode": "MOTCUA01",
    "vnp_SecureHash": "ab" * 64,
}


@pytest.fixture(autouse=True)
def _fresh_counters(settings):
    settings.MOTCUA_PAYMENT_NOTICE_RATE = "1000/m"
    cache.clear()
    yield
    cache.clear()


def notify(client, address="198.51.100.7", **params):
    return client.get("/thanh-toan/ipn/", {**FORGED, **params}, REMOTE_ADDR=address)


def test_a_flood_of_forged_notices_adds_no_audit_record_and_one_counted_row():
    client = Client()
    audits = AuditRecord.objects.count()
    for n in range(60):
        assert notify(client, vnp_TxnRef=f"GIAMAO{n:04d}").json()["RspCode"] == "97"
    notify(client, address="203.0.113.50")

    assert AuditRecord.objects.count() == audits
    assert not PaymentNotice.objects.exists()
    rows = {r.source: r for r in RejectedNotice.objects.all()}
    assert set(rows) == {"198.51.100.7", "203.0.113.50"}
    flood = rows["198.51.100.7"]
    assert (flood.count, flood.channel, flood.verdict) == (60, "ipn", "forged")
    assert flood.last_txn_ref == "GIAMAO0059"
    assert flood.first_seen <= flood.last_seen
    assert flood.day == timezone.localdate()


def test_each_source_may_send_only_so_many_notices(settings):
    settings.MOTCUA_PAYMENT_NOTICE_RATE = "5/m"
    client = Client()
    # The limit is a fixed window per minute: start well inside one, so that a slow
    # machine does not cross into the next window between the 5th and 6th notice.
    if time.time() % 60 > 40:
        time.sleep(61 - time.time() % 60)
    assert [notify(client).status_code for _ in range(5)] == [200] * 5
    refused = notify(client)
    assert refused.status_code == 429
    assert refused.json()["RspCode"] == "99"
    assert 1 <= int(refused["Retry-After"]) <= 61
    # Refused notices are not even counted as rejected; other sources go on.
    assert RejectedNotice.objects.get().count == 5
    assert notify(client, address="203.0.113.51").status_code == 200


def test_old_counts_are_pruned_and_recent_ones_kept(settings):
    settings.MOTCUA_PAYMENT_REJECTED_KEEP_DAYS = 30
    now = timezone.now()
    for age in (0, 29, 31, 400):
        RejectedNotice.objects.create(
            day=timezone.localdate(now) - dt.timedelta(days=age),
            source=f"192.0.2.{age % 250}",
            gateway="vnpay",
            channel="ipn",
            verdict="forged",
            count=3,
            first_seen=now,
            last_seen=now,
        )
    call_command("prune_rejected_notices", stdout=io.StringIO())
    kept = sorted((timezone.localdate(now) - r.day).days for r in RejectedNotice.objects.all())
    assert kept == [0, 29]
