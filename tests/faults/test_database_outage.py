"""The database going away during load: a clear Vietnamese "try again" page (503), never a
stack trace, and no dossier that was answered as submitted is lost.

On PostgreSQL the server's connections are really cut (``pg_terminate_backend``, what a
restart or a fail-over does to them) while a real gunicorn serves submissions. On
SQLite the cut is simulated with Django's query hook.
"""

from __future__ import annotations

import logging
import threading
import time

import psycopg
import pytest
from django.db import OperationalError, connection
from django.test import Client

from motcua.dossiers.models import Attachment, Dossier, Status, StatusChange
from motcua.lib.db import outage_message

from .conftest import Browser, pdf
from .helpers import with_trust_middleware
from .servers import WebServer, database_url_for_server

TRY_AGAIN = "Vui lòng thử lại sau ít phút"


def _cut_on_dossier_update(execute, sql, params, many, context):
    if sql.lstrip().upper().startswith('UPDATE "DOSSIERS_DOSSIER"'):
        raise OperationalError("server closed the connection unexpectedly")
    return execute(sql, params, many, context)


# A real transaction per request, as in production: submitting opens no savepoint of its
# own (issue #21: a filing in a handful of statements), so the cut rolls back the request's
# whole transaction, which a test case's surrounding transaction would not survive.
@pytest.mark.django_db(transaction=True)
def test_a_lost_connection_during_submission_gives_the_try_again_page(
    settings, citizen, make_draft
):
    settings.MIDDLEWARE = with_trust_middleware(settings.MIDDLEWARE)
    draft = make_draft()
    browser = Client(raise_request_exception=False)
    browser.force_login(citizen)

    with connection.execute_wrapper(_cut_on_dossier_update):
        response = browser.post(f"/ho-so/{draft.public_id}/nop/")

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert TRY_AGAIN in page and "Traceback" not in page
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT and draft.code is None
    assert not StatusChange.objects.filter(dossier=draft).exists()
    # Pressing "Nộp hồ sơ" again once the database is back files it.
    again = browser.post(f"/ho-so/{draft.public_id}/nop/")
    assert again.status_code == 302 and again.url.endswith("/bien-nhan/")
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED and draft.code


def _cut_on_session_update(execute, sql, params, many, context):
    if sql.lstrip().upper().startswith('UPDATE "DJANGO_SESSION"'):
        raise OperationalError("server closed the connection unexpectedly")
    return execute(sql, params, many, context)


@pytest.mark.django_db
def test_a_session_that_cannot_be_saved_on_the_way_out_gives_503_not_400(
    settings, citizen, make_draft
):
    settings.MIDDLEWARE = with_trust_middleware(settings.MIDDLEWARE)
    settings.SESSION_SAVE_EVERY_REQUEST = True
    draft = make_draft()
    browser = Client(raise_request_exception=False)
    browser.force_login(citizen)
    with connection.execute_wrapper(_cut_on_session_update):
        response = browser.post(f"/ho-so/{draft.public_id}/nop/")
    # The submission itself went through; only the reply was lost: "try again" shows
    # the receipt (submitting is idempotent).
    assert response.status_code == 503 and TRY_AGAIN in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    again = browser.post(f"/ho-so/{draft.public_id}/nop/")
    assert again.status_code == 302 and again.url.endswith("/bien-nhan/")


def _tracebacks(caplog) -> list:
    return [r for r in caplog.records if r.exc_info and r.levelno >= logging.ERROR]


def _cut_on_answer_update(execute, sql, params, many, context):
    if sql.lstrip().upper().startswith('UPDATE "API_IDEMPOTENCYRECORD"'):
        raise OperationalError("server closed the connection unexpectedly")
    return execute(sql, params, many, context)


@pytest.mark.django_db
def test_the_api_answers_an_outage_as_the_pages_do_with_one_traceback(
    settings, citizen, make_draft, caplog
):
    settings.MIDDLEWARE = with_trust_middleware(settings.MIDDLEWARE)
    draft = make_draft()
    browser = Client(raise_request_exception=False)
    browser.force_login(citizen)
    with caplog.at_level(logging.INFO), connection.execute_wrapper(_cut_on_dossier_update):
        response = browser.post(
            f"/api/v1/dossiers/{draft.public_id}/submit",
            headers={"Idempotency-Key": "2f1c3c1e-7f55-4f7e-9d7e-1b1c0b5e9a11"},
            content_type="application/json",
            data="{}",
        )
    # Met inside the operation: the API's own handler answers, as the middleware would.
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    error = response.json()["error"]
    assert error["code"] == "service_unavailable"
    assert error["message"] == outage_message() and TRY_AGAIN in error["message"]
    # Where the cut struck is in the log: one stack trace, with the request's id.
    [logged] = _tracebacks(caplog)
    assert response["X-Request-ID"] in logged.getMessage()
    assert "_cut_on_dossier_update" in logging.Formatter().formatException(logged.exc_info)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


@pytest.mark.django_db
def test_an_outage_past_the_api_handler_gets_the_same_answer(settings, citizen, make_draft, caplog):
    settings.MIDDLEWARE = with_trust_middleware(settings.MIDDLEWARE)
    draft = make_draft()
    browser = Client(raise_request_exception=False)
    browser.force_login(citizen)
    # The cut strikes when the answer is stored, after the operation: the middleware
    # answers.
    with caplog.at_level(logging.INFO), connection.execute_wrapper(_cut_on_answer_update):
        response = browser.post(
            f"/api/v1/dossiers/{draft.public_id}/submit",
            headers={"Idempotency-Key": "9b7e1a52-0c1d-4d0e-8a47-5f0a7c1e2b33"},
            content_type="application/json",
            data="{}",
        )
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response.json() == {
        "error": {"code": "service_unavailable", "message": outage_message()}
    }
    [logged] = _tracebacks(caplog)
    assert response["X-Request-ID"] in logged.getMessage()
    assert "_cut_on_answer_update" in logging.Formatter().formatException(logged.exc_info)
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT  # the submission went with its answer


# --- PostgreSQL: the server's connections really cut ---------------------------------------


def _admin_connection() -> psycopg.Connection:
    data = connection.settings_dict
    return psycopg.connect(
        host=data["HOST"] or "127.0.0.1",
        port=data["PORT"] or 5432,
        user=data["USER"],
        password=data["PASSWORD"] or None,
        dbname=data["NAME"],
        autocommit=True,
    )


def _server_backends(admin: psycopg.Connection, spare: set[int]) -> list[int]:
    rows = admin.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
        "AND pid <> pg_backend_pid()"
    ).fetchall()
    return [pid for (pid,) in rows if pid not in spare]


def _server(tmp_path) -> WebServer:
    # Persistent, health-checked connections, as in production: a cut one is replaced.
    return WebServer(
        tmp_path,
        database_url_for_server(tmp_path),
        MOTCUA_DB_CONN_MAX_AGE="60",
        MOTCUA_DB_CONN_HEALTH_CHECKS="1",
    )


@pytest.mark.django_db(transaction=True)
def test_a_connection_cut_mid_submission_gives_503_and_the_retry_files_it(
    on_postgres, tmp_path, citizen, make_draft
):
    draft = make_draft()
    browser = Browser(citizen)
    admin, locker = _admin_connection(), _admin_connection()
    with _server(tmp_path) as server:
        browser.base_url = server.url
        # Hold the dossier's row so the submission waits inside its transaction…
        locker.autocommit = False
        locker.execute("SELECT id FROM dossiers_dossier WHERE id = %s FOR UPDATE", [draft.pk])
        answers = []
        submit = threading.Thread(
            target=lambda: answers.append(browser.post(f"/ho-so/{draft.public_id}/nop/"))
        )
        submit.start()
        waiting = []
        deadline = time.monotonic() + 20
        while not waiting and time.monotonic() < deadline:
            waiting = admin.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'"
            ).fetchall()
            time.sleep(0.05)
        assert waiting, "the submission never reached the database"
        # …and cut its connection there, as a database restart would.
        admin.execute("SELECT pg_terminate_backend(%s)", [waiting[0][0]])
        locker.rollback()
        submit.join(30)

        response = answers[0]
        assert response.status_code == 503
        assert TRY_AGAIN in response.text and "Traceback" not in response.text
        assert response.headers["Retry-After"]
        draft.refresh_from_db()
        assert draft.status == Status.DRAFT

        again = browser.post(f"/ho-so/{draft.public_id}/nop/")
        assert again.status_code == 302 and "/bien-nhan/" in again.headers["Location"]
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED and draft.code
    admin.close()
    locker.close()


@pytest.mark.django_db(transaction=True)
def test_no_submission_answered_as_filed_is_lost_while_connections_keep_being_cut(
    on_postgres, tmp_path, citizen, make_draft
):
    drafts = [make_draft() for _ in range(10)]
    browser = Browser(citizen)
    admin = _admin_connection()
    connection.ensure_connection()
    spare = {connection.connection.info.backend_pid}
    with _server(tmp_path) as server:
        browser.base_url = server.url
        stop = threading.Event()
        cuts = []

        def keep_cutting():
            while not stop.is_set():
                for pid in _server_backends(admin, spare):
                    admin.execute("SELECT pg_terminate_backend(%s)", [pid])
                    cuts.append(pid)
                stop.wait(0.08)

        cutter = threading.Thread(target=keep_cutting)
        cutter.start()
        answers = {}
        try:
            for draft in drafts:
                answers[draft.pk] = browser.post(f"/ho-so/{draft.public_id}/nop/")
        finally:
            stop.set()
            cutter.join(10)
        statuses = [r.status_code for r in answers.values()]
        assert set(statuses) <= {302, 503}, [
            r.text for r in answers.values() if r.status_code not in (302, 503)
        ]
        assert all(TRY_AGAIN in r.text for r in answers.values() if r.status_code == 503)
        assert cuts
        # Every dossier answered as filed is filed; the others are filed on a retry.
        for draft in drafts:
            if answers[draft.pk].status_code == 302:
                assert Dossier.objects.get(pk=draft.pk).status == Status.SUBMITTED
            else:
                retry = browser.post(f"/ho-so/{draft.public_id}/nop/")
                assert retry.status_code == 302
    filed = Dossier.objects.filter(pk__in=[d.pk for d in drafts])
    assert all(d.status == Status.SUBMITTED and d.code for d in filed)
    assert len({d.code for d in filed}) == len(drafts)
    # Exactly one submission each: a retry never filed a dossier twice.
    assert StatusChange.objects.filter(dossier__in=drafts, to_status=Status.SUBMITTED).count() == 10
    admin.close()


@pytest.mark.django_db(transaction=True)
def test_a_connection_cut_between_the_work_and_its_answer_leaves_one_attachment(
    on_postgres, settings, citizen, make_draft
):
    """The soak's duplicate: the server's connection really terminated after the upload's
    statements, as its answer is being stored; the retries with the same key (after the
    key's lock time) make one attachment."""
    settings.MIDDLEWARE = with_trust_middleware(settings.MIDDLEWARE)
    settings.MOTCUA_API_IDEMPOTENCY_LOCK_SECONDS = 0
    draft = make_draft(with_files=False)
    component = draft.procedure_version.components.first()
    browser = Client(raise_request_exception=False)
    browser.force_login(citizen)
    admin = _admin_connection()

    def terminate_before_the_answer(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith('UPDATE "API_IDEMPOTENCYRECORD"'):
            pid = context["connection"].connection.info.backend_pid
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])
        return execute(sql, params, many, context)

    def upload():
        return browser.post(
            f"/api/v1/dossiers/{draft.public_id}/attachments",
            {"component": component.pk, "file": pdf()},
            headers={"Idempotency-Key": "5d0b6a1e-3c2f-4b8a-9e71-0f6c2d4a8b19"},
        )

    with connection.execute_wrapper(terminate_before_the_answer):
        first = upload()
    assert first.status_code == 503
    assert first.json()["error"]["code"] == "service_unavailable"
    assert not Attachment.objects.filter(dossier=draft).exists()

    retried, again = upload(), upload()
    assert retried.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert Attachment.objects.filter(dossier=draft).count() == 1
    admin.close()
