"""Two identical requests at the same moment still make one dossier (PostgreSQL)."""

import threading
import uuid

import pytest
from django.db import connection
from django.test import Client

from motcua.dossiers.models import Dossier, Status

from .conftest import complete_form_data, pdf_file, public_id_in, start

pytestmark = pytest.mark.django_db(transaction=True)


def _at_once(user, request, times: int = 2) -> list:
    """Send ``request(client)`` from ``times`` threads released together."""
    barrier = threading.Barrier(times)
    results, errors = [], []

    def run():
        client = Client()
        client.force_login(user)
        barrier.wait()
        try:
            results.append(request(client))
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    return results


def test_the_same_start_form_posted_twice_at_once_makes_one_dossier(
    on_postgres, citizen, version, commune, registry
):
    token = uuid.uuid4()
    responses = _at_once(citizen, lambda client: start(client, version, commune, token=token))
    assert [r.status_code for r in responses] == [302, 302]
    assert responses[0].url == responses[1].url
    assert Dossier.objects.count() == 1


def test_a_double_click_on_submit_submits_once(on_postgres, citizen, version, commune, registry):
    client = Client()
    client.force_login(citizen)
    dossier_url = start(client, version, commune).url
    public_id = public_id_in(dossier_url)
    client.post(dossier_url, {**complete_form_data(), "action": "next"})
    for component in version.components.all():
        client.post(
            f"/ho-so/{public_id}/giay-to/tai-len/", {"component": component.pk, "file": pdf_file()}
        )

    responses = _at_once(citizen, lambda c: c.post(f"/ho-so/{public_id}/nop/"))

    assert {r.url for r in responses} == {f"/ho-so/{public_id}/bien-nhan/"}
    dossier = Dossier.objects.get()
    assert dossier.status == Status.SUBMITTED
    assert dossier.history.filter(action="submit").count() == 1
