"""The national registry or the payment gateway not answering in time: the citizen is told
in plain Vietnamese and carries on (types the data by hand; pays later, or the payment
is settled by reconciliation). Both are reached over real HTTP."""

from __future__ import annotations

import re
import socket
import time
import uuid
from html import unescape
from urllib.parse import urljoin

import pytest
from django.core.management import call_command
from django.utils import timezone

from motcua.dossiers.models import Dossier, Status
from motcua.payments.models import Payment
from motcua.registries.breakers import reset_breakers
from motcua.registrysim import services as sim
from tests.factories import dossier_in_status

from .conftest import FORM, PID, Browser, pdf

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def blackhole():
    """An address that accepts connections and never answers (a hung upstream)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


# --- The national population registry --------------------------------------------------


@pytest.fixture
def slow_registry(live_server, settings):
    settings.MOTCUA_REGISTRY_BASE_URL = f"{live_server.url}/mo-phong/csdl/"
    settings.MOTCUA_REGISTRY_API_KEY = "khoa-thu"
    settings.MOTCUA_REGISTRYSIM_API_KEYS = ["khoa-thu"]
    settings.MOTCUA_REGISTRY_DEFAULT_CONNECTOR = "http"
    settings.MOTCUA_REGISTRY_CONNECTORS = {}
    settings.MOTCUA_REGISTRY_TIMEOUT_S = 0.4
    settings.MOTCUA_REGISTRY_RETRIES = 0
    settings.MOTCUA_REGISTRY_CACHE_SECONDS = 0
    reset_breakers()
    sim.upsert_person(
        personal_id=PID,
        full_name="Nguyễn Văn An",
        birth_date="1990-05-17",
        permanent_address="Số 5 phố Hàng Bông, phường Kinh Bắc",
    )
    sim.set_mode("dan_cu", "slow", latency_ms=3000)
    yield live_server
    reset_breakers()


def test_a_registry_timing_out_leaves_an_empty_form_to_fill_by_hand(
    slow_registry, client, citizen, version, commune
):
    client.force_login(citizen)
    started_at = time.monotonic()
    started = client.post(
        f"/thu-tuc/{version.procedure.code}/nop-ho-so/",
        {"token": str(uuid.uuid4()), "agency": commune.pk},
        follow=True,
    )
    assert time.monotonic() - started_at < 2.5  # far below the registry's 3 s
    page = started.content.decode()
    # Told, in Vietnamese, what happened and what to do.
    assert "Không kết nối được" in page and "dân cư" in page and "tự nhập" in page
    dossier = Dossier.objects.get()
    assert dossier.prefill_sources == {}
    assert 'name="full_name"' in page
    assert not re.search(r'<input[^>]*name="full_name"[^>]*readonly', page)

    typed = client.post(f"/ho-so/{dossier.public_id}/khai/", {**FORM, "action": "next"})
    assert typed.status_code == 302
    for component in version.components.all():
        client.post(
            f"/ho-so/{dossier.public_id}/giay-to/tai-len/",
            {"component": component.pk, "file": pdf()},
        )
    sim.set_mode("dan_cu", "normal", latency_ms=0)  # nothing to verify: no locked field
    submitted = client.post(f"/ho-so/{dossier.public_id}/nop/")
    assert submitted.status_code == 302
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED
    assert dossier.form_data["full_name"] == "Nguyễn Văn An"


# --- The payment gateway ----------------------------------------------------------------

SECRET, TMN = "bi-mat-cong-thanh-toan-thu", "MCFAULT1"
_FORM = re.compile(r'<form method="post" action="([^"]*/giao-dich/[^"]*)"')
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def gateway(live_server, settings):
    settings.MOTCUA_PAYMENT_GATEWAY = "vnpay"
    settings.MOTCUA_VNPAY_PAY_URL = f"{live_server.url}/mo-phong/thanh-toan/paymentv2/vpcpay.html"
    settings.MOTCUA_VNPAY_API_URL = (
        f"{live_server.url}/mo-phong/thanh-toan/merchant_webapi/api/transaction"
    )
    settings.MOTCUA_VNPAY_TMN_CODE = settings.MOTCUA_PAYGATE_TMN_CODE = TMN
    settings.MOTCUA_VNPAY_HASH_SECRET = settings.MOTCUA_PAYGATE_HASH_SECRET = SECRET
    settings.MOTCUA_PAYMENT_CONNECT_TIMEOUT_S = 0.5
    settings.MOTCUA_PAYMENT_READ_TIMEOUT_S = 0.5
    settings.MOTCUA_PAYGATE_IPN_TIMEOUT_S = 10
    settings.MOTCUA_PAYGATE_LATE_DELAY_S = 0
    settings.MOTCUA_PAYMENT_RECONCILE_AFTER_S = 0
    return live_server


@pytest.fixture
def due(citizen, version, commune):
    return dossier_in_status(
        Status.RECEIVED,
        applicant=citizen.applicants.get(kind="person"),
        procedure_version=version,
        agency=commune,
        fee_vnd=20_000,
        submitted_at=timezone.now(),
    )


def test_a_gateway_that_does_not_answer_never_holds_the_citizen(
    gateway, blackhole, settings, citizen, due
):
    settings.MOTCUA_VNPAY_PAY_URL = f"{blackhole}/paymentv2/vpcpay.html"
    browser = Browser(citizen, gateway.url)
    started_at = time.monotonic()
    started = browser.post(f"/thanh-toan/{due.public_id}/bat-dau/")
    # Starting asks the gateway nothing: the browser is sent there at once…
    assert started.status_code == 302 and started.headers["Location"].startswith(blackhole)
    assert time.monotonic() - started_at < 2
    # …and when it does not load, the dossier page still offers to pay.
    page = browser.get(f"/ho-so/{due.public_id}/").text
    assert "Thanh toán ngay" in page
    assert Payment.objects.get(dossier=due).status == Payment.Status.PENDING


def test_the_return_page_tolerates_a_gateway_query_timing_out(
    gateway, blackhole, settings, citizen, due
):
    browser = Browser(citizen, gateway.url)
    started = browser.post(f"/thanh-toan/{due.public_id}/bat-dau/")
    page = browser.get(started.headers["Location"])
    form, token = _FORM.search(page.text), _CSRF.search(page.text)
    paid = browser.session.post(
        urljoin(page.url, unescape(form.group(1))),
        data={
            "csrfmiddlewaretoken": token.group(1),
            "action": "pay",
            "bank_code": "VCB",
            "scenario": "never",  # no server-to-server notice: only the browser returns
        },
        headers={"Referer": page.url},
        allow_redirects=False,
        timeout=30,
    )
    return_url = paid.headers["Location"]
    # The gateway now answers no query (it hangs).
    settings.MOTCUA_VNPAY_API_URL = f"{blackhole}/merchant_webapi/api/transaction"

    started_at = time.monotonic()
    back = browser.get(return_url)
    assert time.monotonic() - started_at < 5
    assert back.status_code == 200
    assert "đang được xác nhận" in back.text and "vui lòng không thanh toán lại" in back.text
    payment = Payment.objects.get(dossier=due)
    assert payment.status == Payment.Status.PENDING
    assert payment.notices.filter(channel="query", verdict="error").exists()

    # The gateway is back: the reconciliation job settles the payment.
    settings.MOTCUA_VNPAY_API_URL = (
        f"{gateway.url}/mo-phong/thanh-toan/merchant_webapi/api/transaction"
    )
    call_command("reconcile_payments")
    payment.refresh_from_db()
    assert payment.status == Payment.Status.PAID and payment.receipt_number
