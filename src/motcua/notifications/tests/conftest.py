"""Fixtures shared by the notification tests (``officer`` and ``make_dossier`` come from
tests/fixtures.py)."""

import pytest

from motcua.notifications import sms
from tests.factories import AgencyFactory, ApplicantFactory, procedure_version


@pytest.fixture(autouse=True)
def _outbox_settings(settings):
    # The outbox is tested as a worker sees it; inline sending has its own tests.
    settings.MOTCUA_NOTIFICATIONS_INLINE = False
    settings.MOTCUA_NOTIFICATIONS_CHANNELS = ["email", "sms"]
    settings.MOTCUA_NOTIFICATIONS_MAX_ATTEMPTS = 4
    settings.MOTCUA_NOTIFICATIONS_BACKOFF_S = 60
    settings.MOTCUA_NOTIFICATIONS_BACKOFF_MAX_S = 3600
    settings.MOTCUA_SMS_BACKEND = "motcua.notifications.sms.LocmemSmsBackend"
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def applicant():
    return ApplicantFactory(name="Nguyễn Thị Hoa", email="hoa@example.vn", phone="0912345678")


@pytest.fixture
def version():
    return procedure_version("TB.01", name="Đăng ký khai sinh")


@pytest.fixture
def agency():
    return AgencyFactory(code="UBX", name="UBND xã An Bình")
