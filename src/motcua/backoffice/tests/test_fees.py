"""Fees at the desk: cash paid at the counter, receipts, cash refunds of refused dossiers."""

import pytest
from django.urls import reverse
from django.utils import timezone

from motcua.agencies.models import Role
from motcua.dossiers import services
from motcua.dossiers.models import Status
from motcua.payments.models import Payment, Refund

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def unpaid(make_dossier):
    return make_dossier(Status.RECEIVED, fee_vnd=200_000, received_at=timezone.now())


def page(client, dossier) -> str:
    return client.get(reverse("backoffice:dossier", args=[dossier.public_id])).content.decode()


def collect(client, dossier):
    return client.post(reverse("backoffice:collect_fee", args=[dossier.public_id]), follow=True)


def test_the_desk_collects_cash_and_prints_the_receipt(client, agency, officer_of, unpaid):
    client.force_login(officer_of(agency, Role.DESK_OFFICER))
    assert "Thu 200.000 đồng tiền mặt tại quầy" in page(client, unpaid)

    response = collect(client, unpaid)
    payment = Payment.objects.get(dossier=unpaid)
    assert (payment.online, payment.status, payment.amount_vnd) == (False, "paid", 200_000)
    assert f"biên lai số {payment.receipt_number}" in response.content.decode()
    unpaid.refresh_from_db()
    assert unpaid.fee_paid_at is not None and unpaid.fee_paid_online is False
    assert list(unpaid.history.values_list("action", flat=True)) == []  # no status change

    after = page(client, unpaid)
    assert "đã nộp tại quầy" in after and "tiền mặt tại quầy</button>" not in after
    receipt = client.get(reverse("backoffice:payment_receipt", args=[payment.public_id]))
    assert receipt.status_code == 200 and receipt.content.startswith(b"%PDF")

    again = collect(client, unpaid)  # a second click (another tab) changes nothing
    assert Payment.objects.filter(dossier=unpaid).count() == 1
    assert "đã" in again.content.decode()


def test_only_the_desk_collects_and_only_in_its_agency(
    client, agency, other_agency, officer_of, unpaid
):
    client.force_login(officer_of(agency, Role.SPECIALIST))
    assert "tiền mặt tại quầy" not in page(client, unpaid)
    assert collect(client, unpaid).status_code == 403

    client.force_login(officer_of(other_agency, Role.DESK_OFFICER))
    assert collect(client, unpaid).status_code == 404
    assert not Payment.objects.exists()


def test_a_receipt_of_another_agency_is_not_found(client, agency, other_agency, officer_of, unpaid):
    from motcua.payments.services import record_counter_payment

    payment = record_counter_payment(unpaid, by=officer_of(agency, Role.DESK_OFFICER))
    client.force_login(officer_of(other_agency, Role.DESK_OFFICER))
    url = reverse("backoffice:payment_receipt", args=[payment.public_id])
    assert client.get(url).status_code == 404


def test_a_refused_dossier_paid_in_cash_is_paid_back_at_the_desk(
    client, agency, officer_of, unpaid
):
    desk = officer_of(agency, Role.DESK_OFFICER)
    leader = officer_of(agency, Role.LEADER)
    client.force_login(desk)
    collect(client, unpaid)
    services.transition(unpaid, "refuse", by=leader, note="Không đủ điều kiện cấp.")
    refund = Refund.objects.get(payment__dossier=unpaid)
    assert refund.at_counter and refund.status == Refund.Status.PENDING
    assert "Đã hoàn trả tiền mặt" in page(client, unpaid)

    url = reverse("backoffice:refund_at_desk", args=[unpaid.public_id])
    response = client.post(url, {"refund": refund.pk}, follow=True)
    assert "Đã ghi nhận hoàn trả tiền mặt" in response.content.decode()
    refund.refresh_from_db()
    assert refund.status == Refund.Status.DONE and refund.completed_by == desk
    twice = client.post(url, {"refund": refund.pk}, follow=True)
    assert "đã được xử lý" in twice.content.decode()
