"""Redis down (Celery's broker and the shared cache): citizens still submit, officers
still work, and the jobs left in the database outboxes run once Redis is back."""

from __future__ import annotations

import uuid
from types import SimpleNamespace

import pytest
from celery.signals import before_task_publish
from django.core import mail
from kombu import Connection
from kombu.exceptions import OperationalError as BrokerDown

from motcua.celery import app
from motcua.dossiers.models import Dossier, Status
from motcua.notifications.models import Notification
from motcua.ops import tasks

from .conftest import FORM, pdf
from .servers import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_down(settings):
    """The broker and the cache both pointed at a port where nothing listens."""
    dead = f"redis://127.0.0.1:{free_port()}"
    working = settings.CACHES
    settings.CACHES = {
        "default": {
            "BACKEND": "motcua.lib.rediscache.RedisCache",
            "LOCATION": f"{dead}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.MOTCUA_NOTIFICATIONS_INLINE = False  # production: the outbox job sends
    before = {k: app.conf[k] for k in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=f"{dead}/1", task_always_eager=False)
    published = []

    def record(sender=None, **kwargs):
        published.append(sender)

    before_task_publish.connect(record, weak=False, dispatch_uid="faults-broker-down")
    yield SimpleNamespace(url=f"{dead}/1", published=published)
    before_task_publish.disconnect(dispatch_uid="faults-broker-down")
    settings.CACHES = working
    app.conf.update(before)


def test_citizens_submit_and_officers_work_while_redis_is_down(
    redis_down, client, citizen, version, commune, settings
):
    with pytest.raises(BrokerDown):  # the broker really is unreachable
        Connection(redis_down.url, connect_timeout=0.5).ensure_connection(max_retries=0)

    client.force_login(citizen)
    started = client.post(
        f"/thu-tuc/{version.procedure.code}/nop-ho-so/",
        {"token": str(uuid.uuid4()), "agency": commune.pk},
    )
    assert started.status_code == 302
    dossier = Dossier.objects.get()
    assert (
        client.post(f"/ho-so/{dossier.public_id}/khai/", {**FORM, "action": "next"}).status_code
        == 302
    )
    for component in version.components.all():
        client.post(
            f"/ho-so/{dossier.public_id}/giay-to/tai-len/",
            {"component": component.pk, "file": pdf()},
        )
    submitted = client.post(f"/ho-so/{dossier.public_id}/nop/")
    assert submitted.status_code == 302 and submitted.url.endswith("/bien-nhan/")
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED and dossier.code

    # The citizen's e-mail waits in the outbox (a database table), not in Redis.
    waiting = Notification.objects.filter(dossier_code=dossier.code)
    assert waiting.exists()
    assert set(waiting.values_list("status", flat=True)) == {Notification.Status.PENDING}
    assert mail.outbox == []
    assert redis_down.published == []  # nothing on the citizen's path needed the broker


def test_the_jobs_left_waiting_are_delivered_once_redis_is_back(
    redis_down, client, citizen, make_draft, settings
):
    draft = make_draft()
    client.force_login(citizen)
    assert client.post(f"/ho-so/{draft.public_id}/nop/").status_code == 302
    draft.refresh_from_db()
    pending = Notification.objects.filter(dossier_code=draft.code)
    assert pending.exists() and all(n.status == "pending" for n in pending)
    # The officers' queue (which starts the daily deadline job through the cache) works.
    from tests.factories import MembershipFactory, UserFactory

    officer = UserFactory(username="motcua.kb")
    MembershipFactory(user=officer, agency=draft.agency)
    client.force_login(officer)
    assert client.get("/mot-cua/").status_code == 200

    # Redis is back: the beat's next "notifications-outbox" task runs on a worker.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    app.conf.update(task_always_eager=True)
    assert app.tasks[tasks.send_notifications.name].apply().get() == "ok"
    assert {n.status for n in pending.all()} == {Notification.Status.SENT}
    assert [m.to for m in mail.outbox] == [["an@example.vn"]]
    assert draft.code in mail.outbox[0].body
