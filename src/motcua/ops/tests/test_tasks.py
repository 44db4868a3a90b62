"""The scheduled jobs (eager mode: no broker, as in the zero-setup default)."""

import logging

import pytest
from django.core.cache import cache

from motcua.celery import app
from motcua.ops import tasks
from motcua.ops.context import bound_request_id
from motcua.ops.jobs import run_job


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


def test_every_scheduled_job_is_a_registered_task(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert {"notifications-outbox", "event-deliveries", "payment-reconciliation"} <= set(schedule)
    assert {"deadlines", "monthly-reports"} <= set(schedule)
    assert {"exchange-deliveries", "catalogue-pull"} <= set(schedule)
    for entry in schedule.values():
        assert entry["task"] in app.tasks


def test_without_a_broker_tasks_run_in_the_caller(settings):
    assert settings.CELERY_TASK_ALWAYS_EAGER
    result = tasks.ping.delay("eager")
    assert result.get()["worker"]
    assert cache.get("motcua:ops:ping:eager") == result.get()


@pytest.mark.django_db
def test_the_deadline_job_runs_its_command(caplog):
    with caplog.at_level(logging.INFO, logger="motcua.ops.jobs"):
        assert tasks.check_deadlines.delay().get() == "ok"
    assert "job check_deadlines done" in caplog.text
    assert "văn bản xin lỗi và đề nghị gia hạn đã dự thảo: 0" in caplog.text


@pytest.mark.django_db
def test_the_outbox_job_sends_notifications(caplog):
    with caplog.at_level(logging.INFO, logger="motcua.ops.jobs"):
        assert tasks.send_notifications.delay().get() == "ok"
    assert "Đã gửi 0 thông báo." in caplog.text


def test_a_command_not_installed_yet_is_a_logged_line(caplog):
    with caplog.at_level(logging.WARNING, logger="motcua.ops.jobs"):
        assert run_job("khong_co_lenh_nay") == "missing"
    assert "job khong_co_lenh_nay skipped: the command is not installed" in caplog.text


@pytest.mark.django_db
def test_a_failing_command_is_logged_and_does_not_raise(caplog):
    with caplog.at_level(logging.ERROR, logger="motcua.ops.jobs"):
        assert run_job("check_deadlines", "--date=ngay-sai") == "failed"
    assert "job check_deadlines failed" in caplog.text
    assert cache.add("motcua:ops:job:check_deadlines", 1)  # the lock was released


def test_a_job_still_running_is_not_started_twice(caplog):
    cache.add("motcua:ops:job:check_deadlines", 1)
    with caplog.at_level(logging.INFO, logger="motcua.ops.jobs"):
        assert run_job("check_deadlines") == "busy"
    assert "previous run has not finished" in caplog.text


def test_an_eager_task_keeps_the_request_id_of_its_caller():
    with bound_request_id("req-77"):
        assert tasks.ping.delay("rid").get()["request_id"] == "req-77"


def test_every_job_names_a_command_that_exists():
    from django.core.management import get_commands

    jobs = {
        "send_notifications",
        "deliver_events",
        "deliver_exchange",
        "reconcile_payments",
        "check_deadlines",
        "send_monthly_reports",
        "rebuild_rollups",
        "prune_idempotency_keys",
        "cleanup_orphan_files",
    }
    assert jobs <= set(get_commands())


@pytest.mark.django_db
def test_the_catalogue_pull_job_runs_its_command_with_no_province_to_pull(caplog):
    with caplog.at_level(logging.INFO, logger="motcua.ops.jobs"):
        assert tasks.pull_catalogue.delay().get() == "ok"
    assert "job pull_catalogue done" in caplog.text
