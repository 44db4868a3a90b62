"""The citizen's payment pages: who may start a payment or download a receipt, the signed
request sent to the gateway, and the payment box shown on the dossier's page."""

import datetime as dt
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse

from motcua.dossiers.models import Status
from motcua.payments import services
from motcua.payments.gateways.vnpay import parse_vnp_time, sign_query
from motcua.payments.models import Payment

pytestmark = pytest.mark.django_db


def start_url(dossier) -> str:
    return reverse("payments:start", args=[dossier.public_id])


def test_anonymous_visitors_are_sent_to_sign_in(client, dossier):
    response = client.post(start_url(dossier))
    assert response.status_code == 302
    assert response.url.startswith(reverse("citizen:login"))
    paid = services.record_counter_payment(dossier, by=None)
    response = client.get(reverse("payments:receipt", args=[paid.public_id]))
    assert response.status_code == 302 and response.url.startswith(reverse("citizen:login"))


def test_another_citizen_gets_not_found(client, dossier, other_citizen):
    client.force_login(other_citizen)
    assert client.post(start_url(dossier)).status_code == 404
    paid = services.record_counter_payment(dossier, by=None)
    assert client.get(reverse("payments:receipt", args=[paid.public_id])).status_code == 404
    assert not Payment.objects.filter(online=True).exists()


def test_start_sends_a_signed_vnpay_request(client, citizen, dossier):
    client.force_login(citizen)

    response = client.post(start_url(dossier), REMOTE_ADDR="203.0.113.7")

    assert response.status_code == 302
    url = urlsplit(response.url)
    assert f"{url.scheme}://{url.netloc}{url.path}" == settings.MOTCUA_VNPAY_PAY_URL
    params = dict(parse_qsl(url.query))
    payment = Payment.objects.get(dossier=dossier)
    assert params["vnp_SecureHash"] == sign_query(settings.MOTCUA_VNPAY_HASH_SECRET, params)
    assert {k: params[k] for k in ("vnp_Version", "vnp_Command", "vnp_CurrCode", "vnp_Locale")} == {
        "vnp_Version": "2.1.0",
        "vnp_Command": "pay",
        "vnp_CurrCode": "VND",
        "vnp_Locale": "vn",
    }
    assert params["vnp_TmnCode"] == settings.MOTCUA_VNPAY_TMN_CODE
    assert params["vnp_Amount"] == "2000000"  # 20 000 đồng × 100
    assert params["vnp_TxnRef"] == payment.txn_ref and len(payment.txn_ref) == 24
    assert params["vnp_IpAddr"] == "203.0.113.7"
    assert params["vnp_ReturnUrl"] == "http://testserver/thanh-toan/ket-qua/"
    created, expires = (
        parse_vnp_time(params["vnp_CreateDate"]),
        parse_vnp_time(params["vnp_ExpireDate"]),
    )
    assert expires - created == dt.timedelta(minutes=settings.MOTCUA_PAYMENT_EXPIRE_MINUTES)
    assert abs(created - payment.created_at) < dt.timedelta(seconds=1)
    assert (payment.status, payment.online, payment.amount_vnd) == ("pending", True, 20_000)


@pytest.mark.parametrize(
    ("status", "fee", "message"),
    [
        (Status.RECEIVED, 0, "không phải nộp phí"),
        (Status.RECEIVED, None, "không phải nộp phí"),
        (Status.REFUSED, 20_000, "không thể nộp phí"),
        (Status.DRAFT, 20_000, "không thể nộp phí"),
    ],
)
def test_nothing_to_pay_goes_back_to_the_dossier_with_the_reason(
    client, citizen, make_dossier, status, fee, message
):
    dossier = make_dossier(status, fee=fee)
    client.force_login(citizen)

    response = client.post(start_url(dossier))

    assert response.url == reverse("portal:dossier", args=[dossier.public_id])
    shown = [str(m) for m in response.wsgi_request._messages]
    assert len(shown) == 1 and message in shown[0]
    assert not Payment.objects.exists()


def test_an_already_paid_fee_is_not_paid_again(client, citizen, dossier):
    services.record_counter_payment(dossier, by=None)
    client.force_login(citizen)
    response = client.post(start_url(dossier))
    assert response.url == reverse("portal:dossier", args=[dossier.public_id])
    assert Payment.objects.count() == 1


def test_the_owner_downloads_the_receipt_pdf(client, citizen, dossier):
    paid = services.record_counter_payment(dossier, by=None)
    client.force_login(citizen)

    response = client.get(reverse("payments:receipt", args=[paid.public_id]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert paid.receipt_number in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")


def test_ipn_answers_json_for_an_unknown_order(client):
    response = client.get(reverse("payments:ipn"), {"vnp_TxnRef": "KHONGCO"})
    assert response.json() == {"RspCode": "97", "Message": "Invalid signature"}


def render_box(dossier) -> str:
    template = Template("{% load payment_tags %}{% payment_box dossier %}")
    return template.render(Context({"dossier": dossier, "csrf_token": "t" * 32}))


def test_payment_box_offers_online_payment_when_due(dossier):
    html = render_box(dossier)
    assert "20.000 đồng" in html
    assert "Thanh toán ngay" in html
    assert f'action="{start_url(dossier)}"' in html


def test_payment_box_shows_the_receipt_once_paid(dossier):
    paid = services.record_counter_payment(dossier, by=None)
    html = render_box(dossier)
    assert "Thanh toán ngay" not in html
    assert paid.receipt_number in html
    assert reverse("payments:receipt", args=[paid.public_id]) in html


def test_payment_box_without_a_fee(make_dossier):
    html = render_box(make_dossier(fee=0))
    assert "không phải nộp phí, lệ phí" in html and "<form" not in html


def test_transaction_references_are_unguessable_and_never_look_like_a_personal_id():
    from motcua.payments.models import new_txn_ref

    refs = {new_txn_ref() for _ in range(2000)}
    assert len(refs) == 2000
    assert all(re.fullmatch(r"[A-Z0-9]{24}", ref) and not re.search(r"\d{11}", ref) for ref in refs)
