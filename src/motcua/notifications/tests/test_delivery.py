"""Sending the outbox: email and SMS, retries with backoff, giving up, never twice."""

import datetime as dt
import io
import threading

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from motcua.dossiers.models import Status
from motcua.dossiers.services import transition
from motcua.notifications import services, sms
from motcua.notifications.models import Notification

from .backends import SlowSmsBackend

pytestmark = pytest.mark.django_db

BACKENDS = "motcua.notifications.tests.backends."


@pytest.fixture
def submitted(make_dossier):
    """A dossier just submitted: one email and one SMS wait in the outbox."""
    dossier = make_dossier(Status.DRAFT)
    transition(dossier, "submit")
    return dossier


def test_the_email_is_sent_to_the_applicant(submitted):
    assert services.process_outbox() == 2
    (message,) = mail.outbox
    assert message.to == ["hoa@example.vn"]
    assert message.subject == f"Hồ sơ {submitted.code} đã được nộp thành công"
    assert "Kính gửi Nguyễn Thị Hoa" in message.body
    email = Notification.objects.get(channel="email")
    assert email.status == Notification.Status.SENT and email.sent_at is not None
    assert message.extra_headers["Message-ID"] == email.external_id


def test_the_sms_is_written_by_the_file_backend(submitted, settings, tmp_path):
    settings.MOTCUA_SMS_BACKEND = "motcua.notifications.sms.FileSmsBackend"
    settings.MOTCUA_SMS_FILE_PATH = str(tmp_path / "sms")
    services.process_outbox()
    (written,) = (tmp_path / "sms").iterdir()
    content = written.read_text(encoding="utf-8")
    assert content.startswith("To: 0912345678\n")
    assert f"Hồ sơ {submitted.code} đã được nộp thành công" in content
    assert Notification.objects.get(channel="sms").status == Notification.Status.SENT


def test_the_file_backend_writes_to_var_sms_by_default(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.MOTCUA_SMS_FILE_PATH = ""
    sms.FileSmsBackend().send_message("0912345678", "Xin chào")
    assert len(list((tmp_path / "sms").iterdir())) == 1


def test_the_console_backend_prints_the_message():
    stream = io.StringIO()
    sms.ConsoleSmsBackend(stream).send_message("0912345678", "Hồ sơ đã có kết quả")
    assert "0912345678" in stream.getvalue() and "Hồ sơ đã có kết quả" in stream.getvalue()


def test_a_sent_notification_is_never_sent_again(submitted):
    services.process_outbox()
    assert services.process_outbox() == 0
    assert len(mail.outbox) == 1 and len(sms.outbox) == 1


def test_a_failing_backend_is_retried_with_exponential_backoff(submitted, settings):
    settings.MOTCUA_SMS_BACKEND = BACKENDS + "FailingSmsBackend"
    start = timezone.now()
    services.process_outbox(now=start)
    text = Notification.objects.get(channel="sms")
    assert (text.status, text.attempts) == (Notification.Status.PENDING, 1)
    assert text.last_error == "DeliveryError: provider unreachable"
    assert text.next_attempt_at == start + dt.timedelta(seconds=60)
    # Not due yet: left alone.
    services.process_outbox(now=start + dt.timedelta(seconds=59))
    text.refresh_from_db()
    assert text.attempts == 1
    services.process_outbox(now=text.next_attempt_at)
    text.refresh_from_db()
    assert text.attempts == 2
    assert text.next_attempt_at == start + dt.timedelta(seconds=60 + 120)


def test_a_notification_retried_later_is_sent_once_the_backend_recovers(submitted, settings):
    settings.MOTCUA_SMS_BACKEND = BACKENDS + "FailingSmsBackend"
    services.process_outbox()
    settings.MOTCUA_SMS_BACKEND = "motcua.notifications.sms.LocmemSmsBackend"
    services.process_outbox(now=timezone.now() + dt.timedelta(minutes=2))
    text = Notification.objects.get(channel="sms")
    assert (text.status, text.attempts, text.last_error) == (Notification.Status.SENT, 2, "")
    assert len(sms.outbox) == 1


def test_a_notification_is_given_up_after_the_last_attempt(submitted, settings):
    settings.MOTCUA_SMS_BACKEND = BACKENDS + "FailingSmsBackend"
    moment = timezone.now()
    for _ in range(6):
        services.process_outbox(now=moment)
        moment += dt.timedelta(hours=2)
    text = Notification.objects.get(channel="sms")
    assert (text.status, text.attempts) == (Notification.Status.FAILED, 4)
    assert "provider unreachable" in text.last_error


def test_backoff_is_capped():
    assert services.backoff(1) == dt.timedelta(seconds=60)
    assert services.backoff(3) == dt.timedelta(seconds=240)
    assert services.backoff(20) == dt.timedelta(hours=1)


def test_a_permanent_refusal_is_not_retried(submitted, settings):
    settings.MOTCUA_SMS_BACKEND = BACKENDS + "RejectingSmsBackend"
    services.process_outbox()
    text = Notification.objects.get(channel="sms")
    assert (text.status, text.attempts) == (Notification.Status.FAILED, 1)


def test_a_failed_notification_can_be_put_back_in_the_outbox(submitted, settings):
    settings.MOTCUA_SMS_BACKEND = BACKENDS + "RejectingSmsBackend"
    services.process_outbox()
    assert services.retry(Notification.objects.all()) == 1
    settings.MOTCUA_SMS_BACKEND = "motcua.notifications.sms.LocmemSmsBackend"
    assert services.process_outbox() == 1
    assert Notification.objects.get(channel="sms").status == Notification.Status.SENT


def test_inline_mode_sends_right_after_the_change_commits(
    make_dossier, settings, django_capture_on_commit_callbacks
):
    settings.MOTCUA_NOTIFICATIONS_INLINE = True
    with django_capture_on_commit_callbacks(execute=True):
        dossier = make_dossier(Status.DRAFT)
        transition(dossier, "submit")
        assert mail.outbox == []  # nothing leaves before the commit
    assert mail.outbox[0].subject == f"Hồ sơ {dossier.code} đã được nộp thành công"
    assert len(sms.outbox) == 1
    assert not Notification.objects.filter(status=Notification.Status.PENDING).exists()


def test_without_inline_mode_notifications_wait_for_the_worker(
    make_dossier, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        transition(make_dossier(Status.DRAFT), "submit")
    assert mail.outbox == []
    assert Notification.objects.filter(status=Notification.Status.PENDING).count() == 2


def test_the_send_notifications_command_empties_the_outbox(submitted):
    out = io.StringIO()
    call_command("send_notifications", stdout=out)
    assert "Đã gửi 2 thông báo." in out.getvalue()
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_workers_send_each_notification_once(on_postgres, settings, make_dossier):
    settings.MOTCUA_SMS_BACKEND = BACKENDS + "SlowSmsBackend"
    SlowSmsBackend.sent.clear()
    for _ in range(6):
        transition(make_dossier(Status.DRAFT), "submit")
    expected = set(Notification.objects.filter(channel="sms").values_list("body", flat=True))
    start = threading.Barrier(2)
    counts: list[int] = []

    def worker():
        try:
            start.wait()
            counts.append(services.process_outbox())
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(counts) == 12
    assert sorted(SlowSmsBackend.sent) == sorted(expected)  # each SMS once
    assert len(mail.outbox) == 6
    assert set(Notification.objects.values_list("status", "attempts")) == {("sent", 1)}
