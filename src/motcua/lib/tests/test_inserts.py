"""New rows inserted, and saved rows updated, with a statement kept per connection
(lib.inserts): the same row and the same instance as ``save()`` gives, and ``save()``
itself wherever it does more."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import DatabaseError, connection, connections
from django.db.models import F
from django.db.models.functions import Now
from django.db.models.signals import post_save, pre_save
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from motcua.agencies.models import Agency
from motcua.dossiers.models import Attachment, Dossier, StatusChange
from motcua.lib.inserts import insert, update
from motcua.registries.models import LookupLog
from tests.factories import AgencyFactory, ApplicantFactory, procedure_version

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft_kwargs():
    return {
        "applicant": ApplicantFactory(),
        "procedure_version": procedure_version("HT.01"),
        "agency": AgencyFactory(code="STP", name="Sở Tư pháp", kind=Agency.Kind.DEPARTMENT),
        "status": "draft",
        "form_data": {"ho_ten": "Nguyễn Thị Lan", "nested": {"a": [1, 2]}},
    }


def _columns(obj) -> dict:
    return {
        f.attname: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if f.attname not in ("id", "public_id", "created_at", "updated_at", "lookup_secret")
    }


def test_the_row_and_the_instance_are_those_save_gives(draft_kwargs):
    saved = Dossier.objects.create(**draft_kwargs)
    inserted = insert(Dossier(**draft_kwargs))
    assert inserted.pk and inserted.pk != saved.pk
    assert inserted._state.adding is False and inserted._state.db == "default"
    # The database defaults come back converted (JSON as Python values), as with save().
    assert _columns(inserted) == _columns(saved)
    assert _columns(Dossier.objects.get(pk=inserted.pk)) == _columns(
        Dossier.objects.get(pk=saved.pk)
    )


def test_the_statement_is_compiled_once_per_connection(draft_kwargs):
    insert(Dossier(**draft_kwargs))
    kept = dict(connections["default"].__dict__["_motcua_compiled_inserts"])
    with CaptureQueriesContext(connection) as queries:
        second = insert(Dossier(**draft_kwargs))
    assert len(queries) == 1 and queries[0]["sql"].startswith("INSERT")
    assert (
        connections["default"].__dict__["_motcua_compiled_inserts"] == kept
    )  # nothing compiled anew
    assert Dossier.objects.filter(pk=second.pk).exists()


def test_a_value_given_where_a_database_default_was_makes_another_statement(draft_kwargs):
    # identity_assurance has a database default (db_default): left out, or given.
    default = insert(Dossier(**draft_kwargs))
    given = insert(Dossier(**draft_kwargs, identity_assurance="eid_level2"))
    assert Dossier.objects.get(pk=given.pk).identity_assurance == "eid_level2"
    assert given.identity_assurance == "eid_level2"
    stored = Dossier.objects.get(pk=default.pk).identity_assurance
    assert default.identity_assurance == stored  # the database's default, returned
    kept = connections["default"].__dict__["_motcua_compiled_inserts"]
    assert len([key for key in kept if key[0] is Dossier]) == 2  # two shapes


def test_an_expression_goes_through_save(draft_kwargs):
    dossier = insert(Dossier(**draft_kwargs))
    change = insert(
        StatusChange(
            dossier=dossier, action="submit", from_status="draft", to_status="submitted", at=Now()
        )
    )
    assert change.pk and StatusChange.objects.get(pk=change.pk).at <= timezone.now()


def test_a_pre_save_receiver_is_honoured():
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance.registry)

    pre_save.connect(receiver, sender=LookupLog)
    try:
        log = insert(LookupLog(registry="dan_cu", outcome="found", attributes=["ho_ten"]))
    finally:
        pre_save.disconnect(receiver, sender=LookupLog)
    assert seen == ["dan_cu"] and LookupLog.objects.get(pk=log.pk).attributes == ["ho_ten"]


def test_an_unsaved_related_object_is_refused_as_save_refuses_it(draft_kwargs):
    dossier = Dossier(**draft_kwargs)  # not saved
    with pytest.raises(ValueError, match="unsaved related object"):
        insert(StatusChange(dossier=dossier, action="submit", at=timezone.now()))


def test_a_database_default_of_another_model_comes_back(draft_kwargs):
    dossier = insert(Dossier(**draft_kwargs))
    attachment = insert(
        Attachment(
            dossier=dossier,
            kind="component",
            original_name="a.pdf",
            size=1,
            sha256="0" * 64,
            uploaded_at=timezone.now(),
        )
    )
    assert attachment.digitised == Attachment.objects.get(pk=attachment.pk).digitised


def _submitted(dossier, when):
    dossier.status = "submitted"
    dossier.code = f"000.00.00.H01-261208-{dossier.pk:04d}"
    dossier.submitted_at = when
    dossier.due_date = when.date() + dt.timedelta(days=5)
    dossier.paused_at = None  # NULL: a shape of its own
    dossier.form_data = {"ho_ten": "Trần Văn Bình", "nested": {"a": [3]}}


UPDATED = ["code", "due_date", "form_data", "paused_at", "status", "submitted_at", "updated_at"]


def test_an_update_writes_what_save_writes(draft_kwargs):
    saved, updated = Dossier.objects.create(**draft_kwargs), insert(Dossier(**draft_kwargs))
    when = timezone.now()
    for dossier in (saved, updated):
        _submitted(dossier, when)
        dossier.paused_at = when if dossier is updated else None
    saved.save(update_fields=UPDATED)
    before = updated.updated_at
    with CaptureQueriesContext(connection) as queries:
        update(updated, UPDATED)
    assert len(queries) == 1 and queries[0]["sql"].startswith("UPDATE")
    assert updated.updated_at > before  # auto_now, as save() sets it
    updated.paused_at = None
    update(updated, UPDATED)  # the NULL shape: another statement
    kept = connections["default"].__dict__["_motcua_compiled_updates"]
    named = tuple(Dossier._meta.get_field(name) for name in UPDATED)
    assert len([key for key in kept if key[:2] == (Dossier, named)]) == 2
    stored, expected = (_columns(Dossier.objects.get(pk=pk)) for pk in (updated.pk, saved.pk))
    assert stored.pop("code") == updated.code and expected.pop("code") == saved.code
    assert stored == expected
    assert Dossier.objects.get(pk=updated.pk).updated_at == updated.updated_at
    # The fields not named are left as they are in the database.
    Dossier.objects.filter(pk=updated.pk).update(fee_vnd=50000)
    updated.status = "received"
    update(updated, ["status"])
    assert Dossier.objects.values_list("status", "fee_vnd").get(pk=updated.pk) == (
        "received",
        50000,
    )


def test_an_update_of_a_deleted_row_fails_as_save_fails(draft_kwargs):
    dossier = insert(Dossier(**draft_kwargs))
    Dossier.objects.filter(pk=dossier.pk).delete()
    dossier.status = "submitted"
    with pytest.raises(DatabaseError, match="did not affect any rows"):
        update(dossier, ["status"])


def test_an_update_goes_through_save_for_receivers_expressions_and_bad_names(draft_kwargs):
    dossier = insert(Dossier(**draft_kwargs, fee_vnd=1000))
    seen = []

    def receiver(sender, instance, update_fields, **kwargs):
        seen.append(sorted(update_fields))

    post_save.connect(receiver, sender=Dossier)
    try:
        dossier.status = "submitted"
        update(dossier, ["status"])
    finally:
        post_save.disconnect(receiver, sender=Dossier)
    assert seen == [["status"]]
    dossier.fee_vnd = F("fee_vnd") + 500
    update(dossier, ["fee_vnd"])
    assert Dossier.objects.get(pk=dossier.pk).fee_vnd == 1500
    with pytest.raises(ValueError, match="do not exist in this model"):
        update(dossier, ["no_such_field"])
