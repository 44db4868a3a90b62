"""Idempotency keys: a creating call sent twice is done once."""

import datetime as dt
import json
import threading

import pytest
from django.db import OperationalError, connection
from django.test import RequestFactory
from django.utils import timezone

from motcua.api import idempotency
from motcua.api.models import IdempotencyRecord
from motcua.dossiers.models import Attachment, Dossier, Status
from motcua.payments.models import Payment

from .conftest import FORM, as_bearer, error_code, pdf

pytestmark = pytest.mark.django_db

BODY = {"procedure": "HT.01", "form": FORM}


def test_same_key_and_body_replays_the_first_answer(citizen, version):
    api = as_bearer(citizen)
    first = api.post("/dossiers", BODY, key="k-1")
    again = api.post("/dossiers", BODY, key="k-1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Dossier.objects.count() == 1


def test_same_key_with_another_body_is_a_conflict(citizen, version):
    api = as_bearer(citizen)
    api.post("/dossiers", BODY, key="k-1")
    other = api.post("/dossiers", {**BODY, "form": {**FORM, "phone": "0987654321"}}, key="k-1")
    assert other.status_code == 409
    assert error_code(other) == "idempotency_conflict"
    assert Dossier.objects.count() == 1


def test_the_key_is_required_for_creating_calls(citizen, version):
    response = as_bearer(citizen).post("/dossiers", BODY, key=None)
    assert response.status_code == 400
    assert error_code(response) == "idempotency_key_required"
    assert not Dossier.objects.exists()


def test_keys_are_per_caller(citizen, other_citizen, version):
    mine = as_bearer(citizen).post("/dossiers", BODY, key="same")
    theirs = as_bearer(other_citizen).post(
        "/dossiers", {**BODY, "form": {**FORM, "personal_id": "001090002222"}}, key="same"
    )
    assert mine.status_code == theirs.status_code == 201
    assert mine.json()["id"] != theirs.json()["id"]


def test_a_repeated_upload_stores_one_file(citizen, version):
    api = as_bearer(citizen)
    dossier_id = api.post("/dossiers", BODY).json()["id"]
    component = version.components.first()
    for _ in range(2):
        response = api.upload(
            f"/dossiers/{dossier_id}/attachments",
            {"component": component.pk, "file": pdf()},
            key="upload-1",
        )
        assert response.status_code == 201
    assert Attachment.objects.count() == 1
    changed = api.upload(
        f"/dossiers/{dossier_id}/attachments",
        {"component": component.pk, "file": pdf(content=b"%PDF-1.7 other")},
        key="upload-1",
    )
    assert changed.status_code == 409 and error_code(changed) == "idempotency_conflict"


def test_refusals_are_replayed_too_but_server_errors_are_not(citizen, version, monkeypatch):
    api = as_bearer(citizen)
    refused = api.post("/dossiers", {**BODY, "procedure": "KHONG.CO"}, key="k-404")
    assert refused.status_code == 404
    assert api.post("/dossiers", {**BODY, "procedure": "KHONG.CO"}, key="k-404")[
        "Idempotent-Replayed"
    ]

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("motcua.portal.services.start_application_with_form", broken)
    failed = api.post("/dossiers", BODY, key="k-500")
    assert failed.status_code == 500 and error_code(failed) == "server_error"
    monkeypatch.undo()
    retried = api.post("/dossiers", BODY, key="k-500")
    assert retried.status_code == 201


def test_a_key_in_use_answers_in_progress(citizen, version):
    api = as_bearer(citizen)
    IdempotencyRecord.objects.create(
        principal=f"user:{citizen.pk}",
        key="busy",
        request_hash=idempotency.fingerprint(
            RequestFactory().post(
                "/api/v1/dossiers", json.dumps(BODY), content_type="application/json"
            )
        ),
        method="POST",
        path="/api/v1/dossiers",
        created_at=timezone.now(),
        expires_at=timezone.now() + dt.timedelta(hours=1),
    )
    response = api.post("/dossiers", BODY, key="busy")
    assert response.status_code == 409
    assert error_code(response) == "in_progress" and response["Retry-After"] == "1"


def test_expired_keys_are_pruned_and_may_be_reused(citizen, version):
    api = as_bearer(citizen)
    api.post("/dossiers", BODY, key="old")
    IdempotencyRecord.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    reused = api.post("/dossiers", BODY, key="old")
    assert reused.status_code == 201 and not reused.has_header("Idempotent-Replayed")
    assert Dossier.objects.count() == 2
    IdempotencyRecord.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert idempotency.prune() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_make_one_dossier(on_postgres, citizen, version):
    """Two requests with the same key at once: one runs, the others wait for its
    answer (the unique key of the claim, held until its transaction ends)."""
    results = []
    barrier = threading.Barrier(4)

    def call():
        try:
            barrier.wait()
            response = as_bearer(citizen).post("/dossiers", BODY, key="race")
            code = error_code(response) if response.status_code == 409 else ""
            results.append((response.status_code, code))
        finally:
            connection.close()

    threads = [threading.Thread(target=call) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert Dossier.objects.count() == 1
    assert sorted(results)[0] == (201, "")
    assert all(status == 201 or code == "in_progress" for status, code in results)


class CutBeforeTheAnswer:
    """Cut the connection once, when the answer to the call is about to be stored: the
    call's work has run, its answer is not yet written (what a database restart between
    the two does)."""

    def __init__(self):
        self.cuts = 0

    def __call__(self, execute, sql, params, many, context):
        if not self.cuts and sql.lstrip().upper().startswith('UPDATE "API_IDEMPOTENCYRECORD"'):
            self.cuts += 1
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)


@pytest.mark.django_db(transaction=True)  # committed as in production
def test_an_upload_cut_before_its_answer_is_retried_into_one_attachment(settings, citizen, version):
    # The retry comes after the key's lock time, when an unfinished claim is taken over.
    settings.MOTCUA_API_IDEMPOTENCY_LOCK_SECONDS = 0
    api = as_bearer(citizen)
    dossier_id = api.post("/dossiers", BODY).json()["id"]
    component = version.components.first()

    def upload():
        return api.upload(
            f"/dossiers/{dossier_id}/attachments",
            {"component": component.pk, "file": pdf()},
            key="upload-cut",
        )

    cut = CutBeforeTheAnswer()
    with connection.execute_wrapper(cut):
        first = upload()
    assert cut.cuts == 1
    assert first.status_code == 503 and error_code(first) == "service_unavailable"
    assert not Attachment.objects.exists()  # the work went with the answer

    retried = upload()
    assert retried.status_code == 201
    again = upload()
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json() == retried.json()
    assert Attachment.objects.count() == 1


@pytest.mark.django_db(transaction=True)  # committed as in production
def test_a_payment_start_cut_before_its_answer_is_retried_into_one_payment(
    settings, citizen, make_dossier
):
    settings.MOTCUA_API_IDEMPOTENCY_LOCK_SECONDS = 0
    dossier = make_dossier(citizen, Status.RECEIVED, fee_vnd=5000)
    api = as_bearer(citizen)
    start = f"/dossiers/{dossier.public_id}/payments"

    cut = CutBeforeTheAnswer()
    with connection.execute_wrapper(cut):
        first = api.post(start, key="pay-cut")
    assert cut.cuts == 1
    assert first.status_code == 503 and error_code(first) == "service_unavailable"
    assert not Payment.objects.filter(dossier=dossier).exists()

    retried = api.post(start, key="pay-cut")
    again = api.post(start, key="pay-cut")
    assert retried.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["redirect_url"] == retried.json()["redirect_url"]
    assert Payment.objects.filter(dossier=dossier).count() == 1


def test_a_server_error_undoes_the_work_so_the_retry_does_it_once(citizen, version, monkeypatch):
    api = as_bearer(citizen)

    def broken(*args, **kwargs):
        raise RuntimeError("bug after the draft was made")

    # The draft is made, then presenting it fails: nothing of the call may stay.
    monkeypatch.setattr("motcua.api.presenters.citizen_detail", broken)
    failed = api.post("/dossiers", BODY, key="k-half")
    assert failed.status_code == 500
    assert not Dossier.objects.exists()
    monkeypatch.undo()
    assert api.post("/dossiers", BODY, key="k-half").status_code == 201
    assert Dossier.objects.count() == 1
