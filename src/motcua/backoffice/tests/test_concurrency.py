"""Two officers press the same button at once: exactly one succeeds (PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from motcua.dossiers.models import Status, StatusChange

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are tested on PostgreSQL")


def test_two_officers_receiving_at_once_one_succeeds_other_is_told_to_reload(
    agency, officer_of, make_dossier
):
    dossier = make_dossier(Status.SUBMITTED)
    officers = [officer_of(agency, username=f"desk{i}") for i in range(2)]
    url = reverse("backoffice:act", args=[dossier.public_id, "receive"])
    barrier, pages = threading.Barrier(2), []

    def press(user):
        try:
            client = Client()
            client.force_login(user)
            barrier.wait()
            pages.append(client.post(url, {"note": ""}, follow=True).content.decode())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=press, args=(u,)) for u in officers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum("Đã tiếp nhận hồ sơ" in p for p in pages) == 1
    assert sum("tải lại" in p for p in pages) == 1
    assert StatusChange.objects.filter(dossier=dossier).count() == 1
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED


def _race(users, url, data):
    barrier, pages = threading.Barrier(len(users)), []

    def press(user):
        try:
            client = Client()
            client.force_login(user)
            barrier.wait()
            pages.append(client.post(url, data, follow=True).content.decode())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=press, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return pages


def test_two_specialists_handing_over_at_once_leave_one_step_record(
    agency, officer_of, make_dossier
):
    from motcua.agencies.models import Role
    from motcua.dossiers.models import StepRecord

    dossier = make_dossier(Status.RECEIVED)
    users = [officer_of(agency, Role.SPECIALIST, username=f"cv{i}") for i in range(2)]
    url = reverse("backoffice:act", args=[dossier.public_id, "start_processing"])
    pages = _race(users, url, {"note": ""})
    assert sum("Đã chuyển hồ sơ" in p for p in pages) == 1
    assert sum("tải lại" in p for p in pages) == 1
    assert StepRecord.objects.filter(dossier=dossier, finished_at=None).count() == 1


def test_two_leaders_deciding_one_apology_at_once_send_it_once(agency, officer_of, make_dossier):
    import datetime as dt

    from django.utils import timezone

    from motcua.agencies.models import Role
    from motcua.audit.models import AuditRecord
    from motcua.dossiers.deadlines import draft_apology

    dossier = make_dossier(Status.IN_PROCESS, due_date=timezone.localdate())
    letter = draft_apology(
        dossier, reason="Chờ xác minh", new_date=timezone.localdate() + dt.timedelta(days=7)
    )
    users = [officer_of(agency, Role.LEADER, username=f"ld{i}") for i in range(2)]
    url = reverse("backoffice:apology_decide", args=[dossier.public_id, letter.pk])
    pages = _race(users, url, {"decision": "approve"})
    assert (
        sum("Đã duyệt và gửi văn bản xin lỗi và đề nghị gia hạn cho người nộp" in p for p in pages)
        == 1
    )
    assert sum("đã được xử lý" in p for p in pages) == 1
    assert AuditRecord.objects.filter(action="dossier.apology_sent").count() == 1
