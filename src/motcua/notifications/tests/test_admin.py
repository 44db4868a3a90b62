"""Officers look up the outbox in the admin and put failed notifications back."""

import pytest
from django.urls import reverse

from motcua.dossiers.models import Status
from motcua.dossiers.services import transition
from motcua.notifications import services
from motcua.notifications.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BACKENDS = "motcua.notifications.tests.backends."


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="quantri", is_staff=True, is_superuser=True))
    return client


def test_the_outbox_lists_notifications_by_dossier_code(admin_client, make_dossier):
    dossier = make_dossier(Status.DRAFT)
    transition(dossier, "submit")
    page = admin_client.get(
        reverse("admin:notifications_notification_changelist"), {"q": dossier.code}
    )
    assert page.status_code == 200
    listed = page.context["cl"]
    assert listed.result_count == 2  # the email and the SMS of the submission
    assert {n.dossier_code for n in listed.result_list} == {dossier.code}


def test_failed_notifications_are_put_back_from_the_admin(admin_client, make_dossier, settings):
    settings.MOTCUA_SMS_BACKEND = BACKENDS + "RejectingSmsBackend"
    transition(make_dossier(Status.DRAFT), "submit")
    services.process_outbox()
    failed = Notification.objects.get(status=Notification.Status.FAILED)
    response = admin_client.post(
        reverse("admin:notifications_notification_changelist"),
        {"action": "retry_failed", "_selected_action": [failed.pk]},
        follow=True,
    )
    assert "Đã đưa 1 thông báo trở lại hàng chờ gửi." in response.content.decode()
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (Notification.Status.PENDING, 0)
