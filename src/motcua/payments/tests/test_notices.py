"""Notices the platform must not believe (forged, wrong amount, unknown order) and notices
that must not count twice (replays), sent over HTTP to the IPN and return URLs."""

from urllib.parse import parse_qsl, urlsplit

import pytest
import requests

from motcua.audit.models import AuditRecord
from motcua.payments.models import Payment, PaymentNotice, RejectedNotice

from .conftest import fee_paid_events, pay_at_gateway, start_payment, success_notice, verdicts

pytestmark = pytest.mark.django_db(transaction=True)


def ipn(base_url: str, params: dict, method: str = "get") -> dict:
    url = f"{base_url}/thanh-toan/ipn/"
    if method == "post":
        response = requests.post(url, data=params, timeout=30)
    else:
        response = requests.get(url, params=params, timeout=30)
    assert response.status_code == 200
    return response.json()


def rejected_audits() -> list[dict]:
    return list(
        AuditRecord.objects.filter(action="payment.notice_rejected")
        .order_by("id")
        .values_list("data", flat=True)
    )


def test_ipn_with_a_forged_signature_is_refused(gateway, dossier):
    payment, _url = start_payment(gateway.url, dossier)

    answer = ipn(gateway.url, success_notice(payment, secret="khoa-cua-ke-gia-mao"))

    assert answer["RspCode"] == "97"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    dossier.refresh_from_db()
    assert dossier.fee_paid_at is None
    # Anyone can send one: counted per source and day, neither a notice nor an audit record.
    assert verdicts(payment) == []
    assert rejected_audits() == []
    counted = RejectedNotice.objects.get()
    assert (counted.channel, counted.verdict, counted.count) == ("ipn", "forged", 1)
    assert counted.last_txn_ref == payment.txn_ref


def test_ipn_altered_after_signing_is_refused(gateway, dossier):
    payment, _url = start_payment(gateway.url, dossier)
    notice = success_notice(payment)
    notice["vnp_ResponseCode"], notice["vnp_TransactionStatus"] = "00", "00"
    notice["vnp_Amount"] = "100"  # 1 đồng instead of the fee, signature left as it was

    assert ipn(gateway.url, notice)["RspCode"] == "97"
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING


def test_ipn_with_the_wrong_amount_is_refused(gateway, dossier):
    payment, _url = start_payment(gateway.url, dossier)

    answer = ipn(gateway.url, success_notice(payment, amount_vnd=1_000))

    assert answer == {"RspCode": "04", "Message": "Invalid amount"}
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    notice = payment.notices.get()
    assert notice.verdict == "wrong_amount"
    assert "1000" in notice.reason and "20000" in notice.reason
    assert rejected_audits()[0]["verdict"] == "wrong_amount"


def test_ipn_for_an_unknown_order_is_refused(gateway, dossier):
    payment, _url = start_payment(gateway.url, dossier)
    # Signed properly, for an order the platform never made.
    notice = success_notice(payment, vnp_TxnRef="KHONGCOGIAODICHNAY")

    assert ipn(gateway.url, notice) == {"RspCode": "01", "Message": "Order not found"}
    logged = PaymentNotice.objects.get(txn_ref="KHONGCOGIAODICHNAY")
    assert (logged.channel, logged.verdict, logged.payment) == ("ipn", "unknown_order", None)
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING


def test_replayed_notices_change_nothing(gateway, dossier, fee_events):
    payment, back = pay_at_gateway(gateway.url, dossier)
    receipt_number = payment.receipt_number
    return_url = back.url

    replayed = dict(parse_qsl(urlsplit(return_url).query))
    assert ipn(gateway.url, replayed) == {"RspCode": "02", "Message": "Order already confirmed"}
    assert ipn(gateway.url, replayed, method="post")["RspCode"] == "02"
    again = requests.get(return_url, timeout=30)

    assert again.status_code == 200 and "Đã thanh toán" in again.text
    payment.refresh_from_db()
    assert payment.receipt_number == receipt_number
    assert fee_events == [dossier.pk] and fee_paid_events(dossier) == 1
    assert verdicts(payment) == [
        ("ipn", "applied"),
        ("return", "duplicate"),
        ("ipn", "duplicate"),
        ("ipn", "duplicate"),
        ("return", "duplicate"),
    ]


def test_forged_return_shows_an_invalid_result_and_applies_nothing(gateway, dossier):
    payment, _url = start_payment(gateway.url, dossier)

    page = requests.get(
        f"{gateway.url}/thanh-toan/ket-qua/",
        params=success_notice(payment, secret="khoa-cua-ke-gia-mao"),
        timeout=30,
    )

    assert page.status_code == 400
    assert "Kết quả thanh toán không hợp lệ" in page.text
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    assert verdicts(payment) == []
    assert RejectedNotice.objects.get().channel == "return"


def test_a_signed_success_on_the_return_url_alone_does_not_apply(gateway, dossier):
    # A correctly signed success for a transaction the gateway has no record of: the
    # platform asks the gateway, which does not confirm it.
    payment, _url = start_payment(gateway.url, dossier)

    page = requests.get(
        f"{gateway.url}/thanh-toan/ket-qua/", params=success_notice(payment), timeout=30
    )

    assert page.status_code == 200
    assert "đang được xác nhận" in page.text
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PENDING
    dossier.refresh_from_db()
    assert dossier.fee_paid_at is None
    assert verdicts(payment) == [("return", "unconfirmed"), ("query", "pending")]
