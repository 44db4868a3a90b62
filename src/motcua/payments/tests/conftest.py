"""Fixtures of the payment tests: the gateway simulator served over real HTTP, a citizen
with a dossier whose fee is due, a browser, and signed VNPay messages."""

from __future__ import annotations

import re
import secrets
from html import unescape
from urllib.parse import urljoin

import pytest
import requests
from django.test import Client
from django.utils import timezone

from motcua.audit.models import AuditRecord
from motcua.dossiers.models import Status
from motcua.dossiers.signals import dossier_event
from motcua.payments.gateways.vnpay import sign_query, vnp_time
from tests.factories import (
    AgencyFactory,
    UserFactory,
    citizen_user,
    dossier_in_status,
    offered_version,
)

FEE = 20_000
SECRET = "bi-mat-thu-nghiem-cong-thanh-toan"
TMN = "MCTEST01"

_FORM = re.compile(r'<form method="post" action="([^"]*/giao-dich/[^"]*)"')
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def gateway(live_server, settings):
    """The simulator served over HTTP, and the platform pointed at it."""
    settings.MOTCUA_PAYMENT_GATEWAY = "vnpay"
    settings.MOTCUA_VNPAY_PAY_URL = f"{live_server.url}/mo-phong/thanh-toan/paymentv2/vpcpay.html"
    settings.MOTCUA_VNPAY_API_URL = (
        f"{live_server.url}/mo-phong/thanh-toan/merchant_webapi/api/transaction"
    )
    settings.MOTCUA_VNPAY_TMN_CODE = settings.MOTCUA_PAYGATE_TMN_CODE = TMN
    settings.MOTCUA_VNPAY_HASH_SECRET = settings.MOTCUA_PAYGATE_HASH_SECRET = SECRET
    settings.MOTCUA_PAYMENT_CONNECT_TIMEOUT_S = 2
    settings.MOTCUA_PAYMENT_READ_TIMEOUT_S = 10
    settings.MOTCUA_PAYGATE_IPN_TIMEOUT_S = 10
    settings.MOTCUA_PAYGATE_DEFAULT_SCENARIO = "normal"
    settings.MOTCUA_PAYGATE_LATE_DELAY_S = 0
    settings.MOTCUA_PAYMENT_RECONCILE_AFTER_S = 0
    settings.MOTCUA_PAYMENT_REFUND_MAX_ATTEMPTS = 3
    return live_server


@pytest.fixture
def agency():
    return AgencyFactory(code="BN.KB", name="UBND phường Kinh Bắc")


@pytest.fixture
def version(agency):
    return offered_version("HT.09", [agency], name="Đăng ký kết hôn", fee_vnd=FEE)


@pytest.fixture
def citizen():
    return citizen_user("congdan", "Nguyễn Thị Hoa", "001090001111")


@pytest.fixture
def other_citizen():
    return citizen_user("hangxom", "Trần Văn Bình", "001090002222")


@pytest.fixture
def officer():
    return UserFactory(username="motcua.kb", full_name="Lê Văn Cán")


@pytest.fixture
def make_dossier(citizen, version, agency):
    def make(status: str = Status.RECEIVED, fee: int | None = FEE, user=None):
        applicant = (user or citizen).applicants.get(kind="person")
        return dossier_in_status(
            status,
            applicant=applicant,
            procedure_version=version,
            agency=agency,
            fee_vnd=fee,
            submitted_at=timezone.now(),
        )

    return make


@pytest.fixture
def dossier(make_dossier):
    return make_dossier()


@pytest.fixture
def fee_events():
    """The ``fee_paid`` dossier events sent while the test runs (by any thread)."""
    seen = []

    def receiver(sender, dossier, event, **kwargs):
        if event == "fee_paid":
            seen.append(dossier.pk)

    dossier_event.connect(receiver, weak=False, dispatch_uid="payments-tests-fee-events")
    yield seen
    dossier_event.disconnect(dispatch_uid="payments-tests-fee-events")


def fee_paid_events(dossier) -> int:
    """How many times the dossier's fee was recorded as paid (its audit records)."""
    return AuditRecord.objects.filter(action="dossier.fee_paid", object_id=str(dossier.pk)).count()


class Browser:
    """A citizen's browser: a requests session that keeps cookies, like a real one."""

    def __init__(self, base_url: str, user=None):
        self.base_url = base_url
        self.session = requests.Session()
        if user is not None:
            client = Client()
            client.force_login(user)
            self.session.cookies.set("sessionid", client.cookies["sessionid"].value)
        # A CSRF cookie and the same token in the header, as a page's form would send.
        self.csrf = secrets.token_hex(16)
        self.session.cookies.set("csrftoken", self.csrf)

    def post(self, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("allow_redirects", False)
        return self.session.post(
            urljoin(self.base_url, path), headers={"X-CSRFToken": self.csrf}, timeout=30, **kwargs
        )

    def get(self, url: str, **kwargs) -> requests.Response:
        return self.session.get(urljoin(self.base_url, url), timeout=30, **kwargs)

    def press(
        self,
        gateway_page: requests.Response,
        action: str = "pay",
        scenario: str = "normal",
        follow: bool = True,
    ) -> requests.Response:
        """Press "Thanh toán" (or "Hủy giao dịch") on the gateway's page; ``follow`` the
        redirect back to the return page, or not (the citizen closed the browser)."""
        form, token = _FORM.search(gateway_page.text), _CSRF.search(gateway_page.text)
        assert form and token, gateway_page.text[:500]
        return self.session.post(
            urljoin(gateway_page.url, unescape(form.group(1))),
            data={
                "csrfmiddlewaretoken": token.group(1),
                "action": action,
                "bank_code": "VCB",
                "scenario": scenario,
            },
            headers={"Referer": gateway_page.url},
            allow_redirects=follow,
            timeout=30,
        )


def sign(params: dict[str, str], secret: str = SECRET) -> dict[str, str]:
    """``params`` with the VNPay signature a gateway holding ``secret`` would add."""
    return {**params, "vnp_SecureHash": sign_query(secret, params)}


def success_notice(payment, *, amount_vnd: int | None = None, secret: str = SECRET, **extra):
    """A signed VNPay success notice (return/IPN parameters) for ``payment``."""
    params = {
        "vnp_Amount": str((payment.amount_vnd if amount_vnd is None else amount_vnd) * 100),
        "vnp_BankCode": "NCB",
        "vnp_BankTranNo": "VNP99999999",
        "vnp_CardType": "ATM",
        "vnp_OrderInfo": payment.order_info,
        "vnp_PayDate": vnp_time(timezone.now()),
        "vnp_ResponseCode": "00",
        "vnp_TmnCode": TMN,
        "vnp_TransactionNo": "14999999",
        "vnp_TransactionStatus": "00",
        "vnp_TxnRef": payment.txn_ref,
        **extra,
    }
    return sign(params, secret)


def verdicts(payment) -> list[tuple[str, str]]:
    """The (channel, verdict) of every logged exchange about ``payment``, in order."""
    return list(payment.notices.order_by("id").values_list("channel", "verdict"))


def start_payment(base_url: str, dossier):
    """The citizen's "start" step through the service, returning to ``base_url``."""
    from motcua.payments import services

    return services.start_online_payment(
        dossier,
        by=dossier.applicant.user,
        return_url=f"{base_url}/thanh-toan/ket-qua/",
        client_ip="127.0.0.1",
    )


def pay_at_gateway(base_url: str, dossier, *, scenario="normal", action="pay", follow=True):
    """Start a payment and press a button on the gateway's page; returns (payment, response)."""
    payment, url = start_payment(base_url, dossier)
    browser = Browser(base_url)
    page = browser.get(url)
    assert page.status_code == 200, page.text[:500]
    response = browser.press(page, action=action, scenario=scenario, follow=follow)
    payment.refresh_from_db()
    return payment, response
