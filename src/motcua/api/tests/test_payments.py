"""Fees through the API: online through the gateway simulator over real HTTP, and cash
recorded at the desk."""

from urllib.parse import urlsplit

import pytest
from django.conf import settings

from motcua.agencies.models import Role
from motcua.dossiers.models import Status
from motcua.payments.models import Payment
from motcua.payments.tests.conftest import Browser, gateway  # noqa: F401  (fixture)

from .conftest import as_bearer, error_code


@pytest.mark.django_db(transaction=True)
def test_citizen_pays_online_and_gets_the_receipt(gateway, citizen, make_dossier):  # noqa: F811
    dossier = make_dossier(citizen, Status.RECEIVED, fee_vnd=5000)
    me = as_bearer(citizen)
    # Called at the live server's address: the gateway sends its notice to that origin.
    me.headers["Host"] = urlsplit(gateway.url).netloc
    started = me.post(f"/dossiers/{dossier.public_id}/payments")
    assert started.status_code == 201, started.content
    payment = started.json()
    assert payment["status"] == "pending" and payment["amount_vnd"] == 5000
    assert payment["redirect_url"].startswith(settings.MOTCUA_VNPAY_PAY_URL + "?")

    browser = Browser(gateway.url)
    page = browser.get(payment["redirect_url"])
    assert page.status_code == 200
    # The payer pays; the gateway's notice (IPN) settles it, server to server.
    browser.press(page, follow=False)

    listed = me.get(f"/dossiers/{dossier.public_id}/payments").json()["items"]
    assert [(p["id"], p["status"]) for p in listed] == [(payment["id"], "paid")]
    assert listed[0]["receipt_number"]
    receipt = me.get(f"/dossiers/{dossier.public_id}/payments/{payment['id']}/receipt")
    assert receipt.status_code == 200 and receipt["Content-Type"] == "application/pdf"
    again = me.post(f"/dossiers/{dossier.public_id}/payments")
    assert again.status_code == 409 and error_code(again) == "already_paid"


@pytest.mark.django_db
def test_nothing_due_is_a_conflict(citizen, make_dossier):
    dossier = make_dossier(citizen, Status.RECEIVED, fee_vnd=0)
    response = as_bearer(citizen).post(f"/dossiers/{dossier.public_id}/payments")
    assert response.status_code == 409 and error_code(response) == "nothing_due"


@pytest.mark.django_db
def test_a_pending_payment_has_no_receipt(citizen, make_dossier):
    dossier = make_dossier(citizen, Status.RECEIVED)
    me = as_bearer(citizen)
    payment = me.post(f"/dossiers/{dossier.public_id}/payments").json()
    response = me.get(f"/dossiers/{dossier.public_id}/payments/{payment['id']}/receipt")
    assert response.status_code == 404


@pytest.mark.django_db
def test_only_the_desk_records_cash(citizen, make_dossier, officer_of, commune, desk):
    dossier = make_dossier(citizen, Status.RECEIVED)
    specialist = as_bearer(officer_of(commune, Role.SPECIALIST))
    path = f"/officer/dossiers/{dossier.public_id}/payments/counter"
    refused = specialist.post(path)
    assert refused.status_code == 403 and error_code(refused) == "action_not_permitted"
    first = as_bearer(desk).post(path, key="cash-1")
    replay = as_bearer(desk).post(path, key="cash-1")
    assert first.status_code == replay.status_code == 201
    assert replay.json() == first.json()
    assert Payment.objects.get().status == Payment.Status.PAID
    dossier.refresh_from_db()
    assert dossier.fee_paid_at is not None and not dossier.fee_paid_online


@pytest.mark.django_db
def test_a_system_with_payments_scope_records_cash(citizen, make_dossier, system_client):
    api, _client = system_client
    dossier = make_dossier(citizen, Status.RECEIVED)
    response = api.post(f"/officer/dossiers/{dossier.public_id}/payments/counter")
    assert response.status_code == 201
    assert Payment.objects.get().created_by.full_name == "Cổng dịch vụ công quốc gia"
