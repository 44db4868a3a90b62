"""A filing through the API (create with prefill, one upload, submit) in a handful of
statements and one transaction per call (issue #21), on SQLite and PostgreSQL.

Counted by ``counting.Counts`` (statements through ``connection.execute_wrapper``,
transactions as the COMMITs of outermost atomic blocks plus writes in autocommit), in a
``transaction=True`` test so that the calls' atomic blocks really commit. The registry
connector is disabled here: the prefill runs (its lookup is logged) but finds nothing.
The working-day calendar (cached per process) is read before counting, as a running
server has it. An audited call takes the same statements on both databases (the audit
chain's lock and head: one statement; before, PostgreSQL took one more, an advisory lock).
"""

import pytest
from django.db import connection
from django.utils import timezone

from motcua.dossiers.timelimits import intake_deadline

from .conftest import FORM, as_bearer, pdf
from .counting import Counts

pytestmark = pytest.mark.django_db(transaction=True)

# Statements per call on SQLite (before issue #21: create 38, upload 23, submit 46; then
# 15, 15, 24 before the nested service blocks lost their savepoints; then 11, 12, 20
# before the draft was created without its version's components, the upload locked the
# draft as it read it and the submission answered its timeline from memory; then 10, 11,
# 18 before the submission read the draft once with its lock and its files once; then 10,
# 11, 16 before the bearer token's read brought the applicant the person acts as; then
# 9, 10, 15 before the upload locked the applicant with the draft, for the quota; then
# 9, 9, 15 before the catalogue's reference data was memoised per process, lib.refcache).
CREATE, UPLOAD, SUBMIT = 7, 8, 12
FILING_TRANSACTIONS = 3  # one per call (≤ 4)


def test_a_filing_through_the_api_takes_one_transaction_per_call(citizen, version):
    me = as_bearer(citizen)
    component = version.components.order_by("position").first()
    # The working-day calendar is read once per process and year, then kept for
    # ``calendar.CACHE_SECONDS``: a running server has it, as a filing finds it there.
    intake_deadline(timezone.now())
    # The catalogue's reference data (the procedure and its version, the receiving
    # agencies, the province and commune lists, the components, the fee rules, the event
    # subscribers) is memoised per process (``motcua.lib.refcache``): a first filing, not
    # counted, finds what a running server has.
    _file_once(me, version)
    calls = {}

    with Counts() as calls["create"]:
        created = me.post("/dossiers", {"procedure": "HT.01", "form": FORM})
    assert created.status_code == 201, created.content
    dossier = created.json()["id"]
    with Counts() as calls["upload"]:
        upload = me.upload(
            f"/dossiers/{dossier}/attachments", {"component": component.pk, "file": pdf()}
        )
    assert upload.status_code == 201, upload.content
    for other in version.components.exclude(pk=component.pk):  # not counted
        me.upload(f"/dossiers/{dossier}/attachments", {"component": other.pk, "file": pdf()})
    with Counts() as calls["submit"]:
        submitted = me.post(f"/dossiers/{dossier}/submit")
    assert submitted.status_code == 200, submitted.content
    assert submitted.json()["status"] == "submitted"

    assert {name: c.transactions for name, c in calls.items()} == {
        "create": 1,
        "upload": 1,
        "submit": 1,
    }
    assert calls["create"].statements <= CREATE, calls["create"].sql
    assert calls["upload"].statements <= UPLOAD, calls["upload"].sql
    assert calls["submit"].statements <= SUBMIT, calls["submit"].sql
    total = sum(c.statements for c in calls.values())
    print(f"filing on {connection.vendor}: {calls} total={total}")  # noqa: T201
    assert sum(c.transactions for c in calls.values()) == FILING_TRANSACTIONS
    assert total <= CREATE + UPLOAD + SUBMIT


def _file_once(me, version) -> None:
    created = me.post("/dossiers", {"procedure": "HT.01", "form": FORM})
    assert created.status_code == 201, created.content
    dossier = created.json()["id"]
    for component in version.components.all():
        me.upload(f"/dossiers/{dossier}/attachments", {"component": component.pk, "file": pdf()})
    assert me.post(f"/dossiers/{dossier}/submit").status_code == 200


def test_the_bearer_token_is_resolved_once_per_call(citizen, version):
    me = as_bearer(citizen)
    with Counts() as counts:
        assert me.post("/dossiers", {"procedure": "HT.01", "form": FORM}).status_code == 201
    token_reads = [sql for sql in counts.sql if "oauth2_provider_accesstoken" in sql]
    assert len(token_reads) == 1


def test_the_token_read_brings_the_applicant_the_person_acts_as(citizen, make_dossier):
    dossier = make_dossier(citizen)
    me = as_bearer(citizen)
    with Counts() as counts:
        answer = me.get(f"/dossiers/{dossier.public_id}")
    assert answer.status_code == 200 and answer.json()["id"] == str(dossier.public_id)
    token_reads = [sql for sql in counts.sql if "oauth2_provider_accesstoken" in sql]
    assert len(token_reads) == 1 and "accounts_applicant" in token_reads[0]
    # No statement of its own reads the applicant (the dossier's query may join it).
    assert not [sql for sql in counts.sql if sql.startswith('SELECT "accounts_applicant"')]


def test_the_idempotency_key_is_claimed_with_one_statement(citizen, version):
    me = as_bearer(citizen)
    with Counts() as counts:
        assert me.post("/dossiers", {"procedure": "HT.01", "form": FORM}).status_code == 201
    claims = [sql for sql in counts.sql if "api_idempotencyrecord" in sql]
    assert len(claims) == 2  # the claim (INSERT … ON CONFLICT) and the stored answer
    assert "ON CONFLICT" in claims[0] and claims[1].startswith("UPDATE")


def test_the_submission_answers_what_a_fresh_read_shows(citizen, version):
    """The submission reads the files once, for its checks and its answer: the answer
    is the dossier as a new GET shows it (files, timeline, code, fee)."""
    me = as_bearer(citizen)
    created = me.post("/dossiers", {"procedure": "HT.01", "form": FORM})
    dossier = created.json()["id"]
    for component in version.components.order_by("position"):
        uploaded = me.upload(
            f"/dossiers/{dossier}/attachments", {"component": component.pk, "file": pdf()}
        )
        assert uploaded.status_code == 201, uploaded.content
    with Counts() as counts:  # without an Idempotency-Key: the call's own transaction
        submitted = me.post(f"/dossiers/{dossier}/submit", key=None)
    assert submitted.status_code == 200, submitted.content
    attachment_reads = [sql for sql in counts.sql if 'FROM "dossiers_attachment"' in sql]
    assert len(attachment_reads) == 1, attachment_reads
    answer = submitted.json()
    assert len(answer["attachments"]) == version.components.count()
    assert answer == me.get(f"/dossiers/{dossier}").json()
