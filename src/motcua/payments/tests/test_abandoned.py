"""Abandoned online payment attempts expire: on read (the citizen's pages) and by the
reconciliation job; they are then not shown as pending, and a new attempt can start."""

from __future__ import annotations

import datetime as dt

import pytest
from django.template import Context, Template
from django.utils import timezone

from motcua.payments import services
from motcua.payments.models import Payment

pytestmark = pytest.mark.django_db

WAITING = "đang chờ cổng thanh toán xác nhận"


def attempt(dossier, *, minutes_ago: int, expire_minutes: int = 15) -> Payment:
    started = timezone.now() - dt.timedelta(minutes=minutes_ago)
    return Payment.objects.create(
        dossier=dossier,
        gateway="vnpay",
        amount_vnd=dossier.fee_vnd,
        online=True,
        created_at=started,
        expires_at=started + dt.timedelta(minutes=expire_minutes),
    )


def render_box(dossier) -> str:
    template = Template("{% load payment_tags %}{% payment_box dossier True %}")
    return template.render(Context({"dossier": dossier, "csrf_token": "t" * 32}))


def test_an_attempt_within_its_time_is_shown_as_waiting(dossier):
    fresh = attempt(dossier, minutes_ago=2)
    html = render_box(dossier)
    assert WAITING in html
    fresh.refresh_from_db()
    assert fresh.status == Payment.Status.PENDING


def test_an_abandoned_attempt_expires_on_read_and_is_not_shown_as_pending(dossier):
    stale = attempt(dossier, minutes_ago=40)
    html = render_box(dossier)
    stale.refresh_from_db()
    assert stale.status == Payment.Status.EXPIRED and stale.closed_at is not None
    assert WAITING not in html
    assert "Chưa thanh toán" in html and "Thanh toán ngay" in html
    assert stale.notices.get().verdict == "expired"


def test_a_new_attempt_can_start_after_one_expired(dossier):
    stale = attempt(dossier, minutes_ago=40)
    services.expire_abandoned(dossier=dossier)
    payment, url = services.start_online_payment(
        dossier, by=None, return_url="http://testserver/thanh-toan/ket-qua/", client_ip="127.0.0.1"
    )
    assert payment.pk != stale.pk and payment.status == Payment.Status.PENDING
    assert "vnp_TxnRef=" + payment.txn_ref in url


def test_expiry_on_read_touches_only_that_dossier(dossier, make_dossier):
    ours = attempt(dossier, minutes_ago=40)
    theirs = attempt(make_dossier(), minutes_ago=40)
    assert services.expire_abandoned(dossier=dossier) == 1
    theirs.refresh_from_db()
    ours.refresh_from_db()
    assert (ours.status, theirs.status) == (Payment.Status.EXPIRED, Payment.Status.PENDING)


def test_the_job_expires_attempts_the_gateway_could_not_be_asked_about(dossier, settings):
    # A gateway nobody answers at: the attempt cannot be queried, yet it is abandoned.
    settings.MOTCUA_VNPAY_API_URL = "http://127.0.0.1:9/merchant_webapi/api/transaction"
    settings.MOTCUA_PAYMENT_CONNECT_TIMEOUT_S = 0.5
    stale = attempt(dossier, minutes_ago=40)
    report = services.reconcile()
    stale.refresh_from_db()
    assert stale.status == Payment.Status.EXPIRED
    assert report.expired == 1 and report.unreachable == 1
    # Expired without an answer: asked about once more at the next run.
    assert list(services._unchecked_expired(timezone.now())) == [stale]
    services.reconcile()
    assert list(services._unchecked_expired(timezone.now())) == []


def test_a_late_success_of_an_expired_attempt_is_still_applied(dossier):
    from motcua.payments.gateways import GatewayResult, Outcome

    stale = attempt(dossier, minutes_ago=40)
    services.expire_abandoned(dossier=dossier)
    result = GatewayResult(
        txn_ref=stale.txn_ref,
        outcome=Outcome.PAID,
        amount_vnd=stale.amount_vnd,
        code="00",
        message="",
        params={},
    )
    assert services.apply(stale, result) == "applied"
    dossier.refresh_from_db()
    assert dossier.fee_paid_at is not None
