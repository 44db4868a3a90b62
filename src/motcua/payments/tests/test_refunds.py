"""A refused dossier's fee goes back: through the gateway's refund API after the refusal
commits (retried by reconciliation when the gateway is down), or in cash at the desk."""

import pytest

from motcua.audit.models import AuditRecord
from motcua.dossiers.models import Status
from motcua.dossiers.services import transition
from motcua.paygate.models import SimTransaction
from motcua.payments import services
from motcua.payments.exceptions import PaymentError
from motcua.payments.models import Refund

from .conftest import Browser, pay_at_gateway, start_payment, verdicts

pytestmark = pytest.mark.django_db(transaction=True)

REASON = "Hồ sơ không đủ điều kiện theo quy định."


@pytest.mark.parametrize(
    ("status", "action"), [(Status.RECEIVED, "refuse"), (Status.SUBMITTED, "refuse_intake")]
)
def test_refusal_refunds_an_online_payment_through_the_gateway(
    gateway, make_dossier, officer, status, action
):
    dossier = make_dossier(status)
    payment, _ = pay_at_gateway(gateway.url, dossier)

    transition(dossier, action, by=officer, note=REASON)

    refund = Refund.objects.get(payment=payment)
    assert refund.status == Refund.Status.DONE
    assert (refund.amount_vnd, refund.reason, refund.at_counter) == (20_000, "refused", False)
    assert refund.reference and refund.attempts == 1
    txn = SimTransaction.objects.get(txn_ref=payment.txn_ref)
    assert (txn.status, txn.refunded_x100) == ("refunded", 2_000_000)
    assert verdicts(payment)[-1] == ("refund", "refunded")
    actions = list(AuditRecord.objects.values_list("action", flat=True).order_by("id"))
    assert actions[-3:] == [f"dossier.{action}", "payment.refund_requested", "payment.refunded"]


def test_a_failed_refund_stays_pending_and_reconciliation_retries_it(
    gateway, dossier, officer, settings
):
    payment, _ = pay_at_gateway(gateway.url, dossier)
    api_url = settings.MOTCUA_VNPAY_API_URL
    settings.MOTCUA_VNPAY_API_URL = "http://127.0.0.1:9/merchant_webapi/api/transaction"

    transition(dossier, "refuse", by=officer, note=REASON)

    refund = Refund.objects.get(payment=payment)
    assert refund.status == Refund.Status.PENDING
    assert refund.attempts == 1 and "Không kết nối được cổng thanh toán" in refund.last_error
    assert verdicts(payment)[-1] == ("refund", "refund_failed")

    settings.MOTCUA_VNPAY_API_URL = api_url
    report = services.reconcile()

    refund.refresh_from_db()
    assert (report.refunds_done, refund.status, refund.attempts) == (1, Refund.Status.DONE, 2)
    assert refund.last_error == ""
    assert SimTransaction.objects.get(txn_ref=payment.txn_ref).status == "refunded"


def test_a_refund_that_keeps_failing_is_given_up_and_audited(gateway, dossier, officer, settings):
    payment, _ = pay_at_gateway(gateway.url, dossier)
    settings.MOTCUA_VNPAY_API_URL = "http://127.0.0.1:9/merchant_webapi/api/transaction"
    settings.MOTCUA_PAYMENT_REFUND_MAX_ATTEMPTS = 2

    transition(dossier, "refuse", by=officer, note=REASON)
    services.reconcile()

    refund = Refund.objects.get(payment=payment)
    assert (refund.status, refund.attempts) == (Refund.Status.FAILED, 2)
    assert AuditRecord.objects.filter(action="payment.refund_failed").count() == 1


def test_a_counter_payment_is_paid_back_at_the_desk(gateway, dossier, officer):
    payment = services.record_counter_payment(dossier, by=officer)

    transition(dossier, "refuse", by=officer, note=REASON)

    refund = Refund.objects.get(payment=payment)
    assert (refund.status, refund.at_counter) == (Refund.Status.PENDING, True)
    assert services.reconcile().refunds_pending == 0  # never sent to a gateway
    services.complete_counter_refund(refund, by=officer)
    refund.refresh_from_db()
    assert (refund.status, refund.completed_by) == (Refund.Status.DONE, officer)
    with pytest.raises(PaymentError):
        services.complete_counter_refund(refund, by=officer)


def test_a_payment_arriving_after_the_refusal_is_refunded(gateway, make_dossier, officer):
    dossier = make_dossier(Status.RECEIVED)
    payment, url = start_payment(gateway.url, dossier)
    browser = Browser(gateway.url)
    page = browser.get(url)
    transition(dossier, "refuse", by=officer, note=REASON)

    browser.press(page)  # the money is taken after the refusal: apply it, then give it back

    payment.refresh_from_db()
    refund = Refund.objects.get(payment=payment)
    assert payment.status == "paid"
    assert (refund.reason, refund.status) == ("refused", Refund.Status.DONE)


@pytest.mark.parametrize("ended", [Status.STOPPED, Status.WITHDRAWN])
def test_a_payment_arriving_after_the_dossier_ended_is_refunded(gateway, make_dossier, ended):
    dossier = make_dossier(Status.RECEIVED)
    payment, url = start_payment(gateway.url, dossier)
    browser = Browser(gateway.url)
    page = browser.get(url)
    # The applicant withdrew the dossier (or had its processing stopped) meanwhile.
    type(dossier).objects.filter(pk=dossier.pk).update(status=ended)

    browser.press(page)

    payment.refresh_from_db()
    refund = Refund.objects.get(payment=payment)
    assert payment.status == "paid"
    assert (refund.reason, refund.status) == ("ended", Refund.Status.DONE)
    assert refund.get_reason_display() == "Hồ sơ đã rút hoặc đã dừng giải quyết"


def test_paying_twice_in_two_tabs_refunds_the_second_payment(gateway, dossier, fee_events):
    first, first_url = start_payment(gateway.url, dossier)
    second, second_url = start_payment(gateway.url, dossier)
    browser = Browser(gateway.url)
    first_page, second_page = browser.get(first_url), browser.get(second_url)

    browser.press(first_page)
    browser.press(second_page)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == "paid"
    assert first.receipt_number != second.receipt_number
    assert not Refund.objects.filter(payment=first).exists()
    refund = Refund.objects.get(payment=second)
    assert (refund.reason, refund.status) == ("duplicate", Refund.Status.DONE)
    assert fee_events == [dossier.pk]
