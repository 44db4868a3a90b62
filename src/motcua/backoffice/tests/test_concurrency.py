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
    assert sum("Đã thực hiện" in p for p in pages) == 1
    assert sum("tải lại" in p for p in pages) == 1
    assert StatusChange.objects.filter(dossier=dossier).count() == 1
    dossier.refresh_from_db()
    assert dossier.status == Status.RECEIVED
