"""Paying a dossier's fee through the simulated VNPay gateway, over real HTTP, whatever
order the browser's return and the gateway's notice (IPN) arrive in."""

import datetime as dt
import io
import re

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from motcua.paygate.models import SimTransaction
from motcua.payments import services
from motcua.payments.models import Payment

from .conftest import Browser, fee_paid_events, pay_at_gateway, start_payment, verdicts

pytestmark = pytest.mark.django_db(transaction=True)


def assert_paid_once(dossier, payment, fee_events):
    dossier.refresh_from_db()
    assert payment.status == Payment.Status.PAID
    assert re.fullmatch(r"BL\d{4}-\d{6}", payment.receipt_number)
    assert dossier.fee_paid_at is not None and dossier.fee_paid_online
    assert fee_events == [dossier.pk]
    assert fee_paid_events(dossier) == 1


def ipn_codes(payment) -> list[str]:
    txn = SimTransaction.objects.get(txn_ref=payment.txn_ref)
    return [answer["body"]["RspCode"] for answer in txn.ipn_answers]


def test_citizen_pays_online_from_start_to_return_page(gateway, citizen, dossier, fee_events):
    browser = Browser(gateway.url, citizen)
    started = browser.post(f"/thanh-toan/{dossier.public_id}/bat-dau/")
    assert started.status_code == 302
    assert started.headers["Location"].startswith(settings.MOTCUA_VNPAY_PAY_URL + "?")

    page = browser.get(started.headers["Location"])
    assert page.status_code == 200
    assert "20.000 VND" in page.text and "Thanh toán" in page.text and "Hủy giao dịch" in page.text

    back = browser.press(page)
    assert back.url.startswith(f"{gateway.url}/thanh-toan/ket-qua/?")
    assert back.status_code == 200
    payment = Payment.objects.get(dossier=dossier)
    assert "Đã thanh toán 20.000 đồng" in back.text
    assert payment.receipt_number in back.text
    assert f"/ho-so/{dossier.public_id}/" in back.text
    assert_paid_once(dossier, payment, fee_events)
    assert payment.bank_code == "VCB" and payment.gateway_transaction_no
    # The IPN came first (server to server), then the browser: logged as a duplicate.
    assert verdicts(payment) == [("ipn", "applied"), ("return", "duplicate")]
    assert ipn_codes(payment) == ["00"]


def test_ipn_sent_twice_is_applied_once(gateway, dossier, fee_events):
    payment, back = pay_at_gateway(gateway.url, dossier, scenario="twice")
    assert "Đã thanh toán" in back.text
    assert_paid_once(dossier, payment, fee_events)
    assert verdicts(payment) == [("ipn", "applied"), ("ipn", "duplicate"), ("return", "duplicate")]
    assert ipn_codes(payment) == ["00", "02"]


def test_late_ipn_after_the_return_page_is_harmless(gateway, dossier, fee_events):
    payment, back = pay_at_gateway(gateway.url, dossier, scenario="late")
    # No IPN yet: the return page asked the gateway itself before applying.
    assert "Đã thanh toán" in back.text
    assert verdicts(payment) == [("return", "unconfirmed"), ("query", "applied")]

    call_command("paygate_deliver", stdout=io.StringIO())

    assert verdicts(payment)[-1] == ("ipn", "duplicate")
    assert ipn_codes(payment) == ["02"]
    assert_paid_once(dossier, payment, fee_events)


def test_late_ipn_after_reconciliation_is_harmless(gateway, dossier, fee_events):
    # The citizen closes the browser on the gateway: no return, no IPN yet.
    payment, _ = pay_at_gateway(gateway.url, dossier, scenario="late", follow=False)
    assert payment.status == Payment.Status.PENDING

    report = services.reconcile()
    assert (report.checked, report.applied) == (1, 1)
    payment.refresh_from_db()
    assert verdicts(payment) == [("query", "applied")]

    out = io.StringIO()
    call_command("paygate_deliver", stdout=out)
    assert "IPN sent: 1" in out.getvalue()
    assert verdicts(payment)[-1] == ("ipn", "duplicate")
    assert_paid_once(dossier, payment, fee_events)


def test_without_any_ipn_reconciliation_applies_the_payment(gateway, dossier, fee_events):
    payment, _ = pay_at_gateway(gateway.url, dossier, scenario="never", follow=False)
    assert payment.status == Payment.Status.PENDING
    assert SimTransaction.objects.get(txn_ref=payment.txn_ref).ipn_status == "skipped"

    out = io.StringIO()
    call_command("reconcile_payments", stdout=out)

    assert "Payments checked: 1; applied: 1" in out.getvalue()
    payment.refresh_from_db()
    assert_paid_once(dossier, payment, fee_events)
    assert verdicts(payment) == [("query", "applied")]


def test_cancelled_at_the_gateway_nothing_is_paid(gateway, dossier, fee_events):
    payment, back = pay_at_gateway(gateway.url, dossier, action="cancel")

    assert "Bạn đã hủy giao dịch" in back.text
    assert payment.status == Payment.Status.CANCELLED
    dossier.refresh_from_db()
    assert dossier.fee_paid_at is None and fee_events == []
    assert verdicts(payment) == [("ipn", "cancelled"), ("return", "duplicate")]
    # The citizen may try again.
    assert services.is_payable_online(dossier)


def test_payment_never_made_expires_at_reconciliation(gateway, dossier):
    payment, _url = start_payment(gateway.url, dossier)  # the browser never reaches the gateway

    services.reconcile(now=timezone.now() + dt.timedelta(minutes=30))

    payment.refresh_from_db()
    assert payment.status == Payment.Status.EXPIRED
    assert verdicts(payment) == [("query", "pending"), ("query", "expired")]


def test_success_after_expiry_is_still_applied(gateway, dossier, fee_events):
    payment, url = start_payment(gateway.url, dossier)
    browser = Browser(gateway.url)
    page = browser.get(url)  # the citizen is on the gateway's page …
    services.reconcile(now=timezone.now() + dt.timedelta(minutes=30))
    payment.refresh_from_db()
    assert payment.status == Payment.Status.EXPIRED

    back = browser.press(page)  # … and pays after the platform gave up: the money was taken

    payment.refresh_from_db()
    assert "Đã thanh toán" in back.text
    assert_paid_once(dossier, payment, fee_events)
    assert verdicts(payment)[-2:] == [("ipn", "applied"), ("return", "duplicate")]
