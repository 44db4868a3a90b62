"""The demo pays a dossier's fee through the gateway simulator over real HTTP, before any
development server is running."""

import pytest
from django.conf import settings
from django.utils import timezone

from motcua.demo.payment_walk import pay_through_simulator, serve_in_background
from motcua.dossiers.models import Status
from tests.factories import (
    AgencyFactory,
    ApplicantFactory,
    UserFactory,
    dossier_in_status,
    procedure_version,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_pay_through_simulator_round_trip():
    user = UserFactory(username="congdan.demo", personal_id="001090003333")
    applicant = ApplicantFactory(user=user, personal_id="001090003333")
    agency = AgencyFactory()
    dossier = dossier_in_status(
        Status.RECEIVED,
        applicant=applicant,
        procedure_version=procedure_version("DEMO.01", fee_vnd=50_000),
        agency=agency,
        fee_vnd=50_000,
        submitted_at=timezone.now(),
    )
    pay_url = settings.MOTCUA_VNPAY_PAY_URL

    with serve_in_background() as base_url:
        assert settings.MOTCUA_VNPAY_PAY_URL.startswith(f"{base_url}/mo-phong/thanh-toan/")
        payment = pay_through_simulator(dossier, base_url)

    assert settings.MOTCUA_VNPAY_PAY_URL == pay_url
    assert payment.status == "paid" and payment.receipt_number
    dossier.refresh_from_db()
    assert dossier.fee_paid_online and dossier.fee_paid_at is not None
    channels = list(payment.notices.order_by("id").values_list("channel", "verdict"))
    assert channels == [("ipn", "applied"), ("return", "duplicate")]
