"""The payment-gateway simulator speaks VNPay: it refuses unsigned or altered requests,
and answers querydr and refund calls with signed JSON."""

import datetime as dt
import io
from urllib.parse import urlencode

import pytest
from django.core.management import call_command
from django.utils import timezone

from motcua.paygate import services, signing
from motcua.paygate.models import Merchant, SimTransaction

pytestmark = pytest.mark.django_db

SECRET = "bi-mat-cua-don-vi-thu-nghiem"


@pytest.fixture(autouse=True)
def demo_merchant(settings):
    settings.MOTCUA_PAYGATE_TMN_CODE = "SIMTEST1"
    settings.MOTCUA_PAYGATE_HASH_SECRET = SECRET
    settings.MOTCUA_PAYGATE_IPN_PATH = "/thanh-toan/ipn/"


def pay_request(**overrides) -> dict[str, str]:
    now = timezone.now()
    params = {
        "vnp_Version": "2.1.0",
        "vnp_Command": "pay",
        "vnp_TmnCode": "SIMTEST1",
        "vnp_Amount": "1500000",
        "vnp_CurrCode": "VND",
        "vnp_TxnRef": "DONHANG0001",
        "vnp_OrderInfo": "Nop phi ho so 001",
        "vnp_OrderType": "other",
        "vnp_Locale": "vn",
        "vnp_ReturnUrl": "http://127.0.0.1:9/thanh-toan/ket-qua/",
        "vnp_IpAddr": "127.0.0.1",
        "vnp_CreateDate": services.vnp_time(now),
        "vnp_ExpireDate": services.vnp_time(now + dt.timedelta(minutes=15)),
    }
    params.update(overrides)
    return {**params, "vnp_SecureHash": signing.sign_query(SECRET, params)}


def open_page(client, params):
    return client.get(f"/mo-phong/thanh-toan/paymentv2/vpcpay.html?{urlencode(params)}")


def test_a_signed_request_shows_the_payment_page_for_the_demo_merchant(client):
    response = open_page(client, pay_request())
    assert response.status_code == 200
    body = response.content.decode()
    assert "15.000 VND" in body and "Nop phi ho so 001" in body
    assert Merchant.objects.get(tmn_code="SIMTEST1").hash_secret == SECRET  # no admin step
    assert SimTransaction.objects.get().status == "pending"


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({**pay_request(), "vnp_Amount": "100"}, "97"),  # altered after signing
        (pay_request(vnp_TmnCode="KHONGCO1"), "02"),
        (pay_request(vnp_CurrCode="USD"), "03"),
        (pay_request(vnp_ExpireDate="20200101000000"), "11"),
    ],
)
def test_a_bad_request_gets_an_error_page_with_vnpays_code(client, params, code):
    response = open_page(client, params)
    assert response.status_code == 400
    assert f"Mã lỗi: {code}" in response.content.decode()
    assert not SimTransaction.objects.exists()


def test_a_used_reference_cannot_be_paid_again(client):
    open_page(client, pay_request())
    services.complete(SimTransaction.objects.get().public_id, pay=True, scenario="never")
    response = open_page(client, pay_request())
    assert response.status_code == 400 and "Mã lỗi: 01" in response.content.decode()


def api(client, body, fields):
    body = {**body, "vnp_SecureHash": signing.sign_fields(SECRET, body, fields)}
    answer = client.post(
        "/mo-phong/thanh-toan/merchant_webapi/api/transaction",
        body,
        content_type="application/json",
    ).json()
    if "vnp_SecureHash" in answer:
        fields_back = (
            signing.QUERYDR_RESPONSE_FIELDS
            if body["vnp_Command"] == "querydr"
            else signing.REFUND_RESPONSE_FIELDS
        )
        assert signing.matches(
            signing.sign_fields(SECRET, answer, fields_back), answer["vnp_SecureHash"]
        )
    return answer


def querydr(client, txn_ref="DONHANG0001", **overrides):
    body = {
        "vnp_RequestId": "r1",
        "vnp_Version": "2.1.0",
        "vnp_Command": "querydr",
        "vnp_TmnCode": "SIMTEST1",
        "vnp_TxnRef": txn_ref,
        "vnp_OrderInfo": "Tra cuu",
        "vnp_TransactionDate": "20260101000000",
        "vnp_CreateDate": services.vnp_time(),
        "vnp_IpAddr": "127.0.0.1",
        **overrides,
    }
    return api(client, body, signing.QUERYDR_REQUEST_FIELDS)


def refund(client, amount="1500000"):
    body = {
        "vnp_RequestId": "r2",
        "vnp_Version": "2.1.0",
        "vnp_Command": "refund",
        "vnp_TmnCode": "SIMTEST1",
        "vnp_TransactionType": "02",
        "vnp_TxnRef": "DONHANG0001",
        "vnp_Amount": amount,
        "vnp_TransactionNo": "0",
        "vnp_TransactionDate": "20260101000000",
        "vnp_CreateBy": "thu-nghiem",
        "vnp_CreateDate": services.vnp_time(),
        "vnp_IpAddr": "127.0.0.1",
        "vnp_OrderInfo": "Hoan phi",
    }
    return api(client, body, signing.REFUND_REQUEST_FIELDS)


def test_querydr_tells_the_state_of_a_transaction(client):
    assert querydr(client)["vnp_ResponseCode"] == "91"
    open_page(client, pay_request())
    answer = querydr(client)
    assert (answer["vnp_ResponseCode"], answer["vnp_TransactionStatus"]) == ("00", "01")
    services.complete(SimTransaction.objects.get().public_id, pay=True, scenario="never")
    answer = querydr(client)
    assert (answer["vnp_TransactionStatus"], answer["vnp_Amount"]) == ("00", "1500000")


def test_api_calls_with_a_wrong_signature_are_refused(client):
    body = {"vnp_Command": "querydr", "vnp_TmnCode": "SIMTEST1", "vnp_SecureHash": "00"}
    answer = client.post(
        "/mo-phong/thanh-toan/merchant_webapi/api/transaction",
        body,
        content_type="application/json",
    ).json()
    assert answer["vnp_ResponseCode"] == "97"


def test_refund_only_once_and_only_what_was_paid(client):
    open_page(client, pay_request())
    assert refund(client)["vnp_ResponseCode"] == "95"  # not paid yet
    services.complete(SimTransaction.objects.get().public_id, pay=True, scenario="never")
    assert refund(client, amount="9900000")["vnp_ResponseCode"] == "03"
    assert refund(client)["vnp_ResponseCode"] == "00"
    assert refund(client)["vnp_ResponseCode"] == "94"
    assert SimTransaction.objects.get().status == "refunded"


def test_paygate_deliver_retries_an_unanswered_ipn(client):
    open_page(client, pay_request())
    txn = services.complete(SimTransaction.objects.get().public_id, pay=True, scenario="late")
    assert txn.ipn_status == "queued"
    out = io.StringIO()

    call_command("paygate_deliver", stdout=out)  # the merchant at 127.0.0.1:9 is unreachable

    txn.refresh_from_db()
    assert txn.ipn_status == "failed" and txn.ipn_answers[0]["error"] == "ConnectionError"
    assert "IPN sent: 1" in out.getvalue()
