import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from motcua.audit.exceptions import AuditRecordImmutable
from motcua.audit.models import AuditRecord

from .conftest import TABLE

pytestmark = pytest.mark.django_db


def test_saving_an_existing_record_is_refused(chain):
    (entry,) = chain(1)
    entry.data = {"code": "GIẢ"}

    with pytest.raises(AuditRecordImmutable):
        entry.save()
    entry.refresh_from_db()
    assert entry.data["code"] == "STP-250310-0001"


def test_saving_a_copy_with_an_existing_id_does_not_overwrite_it(chain):
    (entry,) = chain(1)
    copy = AuditRecord(pk=entry.pk, at=entry.at, action="x", prev_hash="1" * 64, hash="2" * 64)

    with pytest.raises(DatabaseError), transaction.atomic():
        copy.save()
    assert AuditRecord.objects.get(pk=entry.pk).action == "dossier.receive"


def test_deleting_a_record_is_refused(chain):
    (entry,) = chain(1)

    with pytest.raises(AuditRecordImmutable):
        entry.delete()
    assert AuditRecord.objects.filter(pk=entry.pk).exists()


def test_queryset_update_is_refused(chain):
    chain(2)

    with pytest.raises(AuditRecordImmutable):
        AuditRecord.objects.filter(action="dossier.receive").update(action="dossier.refuse")
    with pytest.raises(AuditRecordImmutable):
        AuditRecord.objects.update(action="dossier.refuse")
    assert AuditRecord.objects.filter(action="dossier.receive").count() == 2


def test_queryset_delete_is_refused(chain):
    chain(2)

    with pytest.raises(AuditRecordImmutable):
        AuditRecord.objects.all().delete()
    assert AuditRecord.objects.count() == 2


def test_bulk_create_is_refused_because_it_would_bypass_the_chain():
    with pytest.raises(AuditRecordImmutable):
        AuditRecord.objects.bulk_create([AuditRecord(action="x", prev_hash="0" * 64)])


def test_admin_lists_and_filters_records_but_offers_no_add_change_or_delete(chain, admin_client):
    first, second = chain(2)

    url = "admin:audit_auditrecord_{}".format
    listing = admin_client.get(
        reverse(url("changelist")), {"action": "dossier.receive", "q": first.object_id}
    )
    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == [first]
    assert admin_client.get(reverse(url("add"))).status_code == 403
    detail = admin_client.get(reverse(url("change"), args=[first.pk]))
    assert detail.status_code == 200 and not detail.context["has_change_permission"]
    deletion = admin_client.post(reverse(url("delete"), args=[first.pk]), {"post": "yes"})
    assert deletion.status_code == 403
    assert AuditRecord.objects.count() == 2


def raw(sql: str, params=()) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql.replace("{table}", TABLE), params)


def test_trigger_blocks_a_raw_update_on_postgres(on_postgres, chain):
    (entry,) = chain(1)

    with pytest.raises(DatabaseError, match="append-only: UPDATE"):
        raw("UPDATE {table} SET action = 'x' WHERE id = %s", [entry.pk])
    assert AuditRecord.objects.get(pk=entry.pk).action == "dossier.receive"


def test_trigger_blocks_a_raw_delete_on_postgres(on_postgres, chain):
    (entry,) = chain(1)

    with pytest.raises(DatabaseError, match="append-only: DELETE"):
        raw("DELETE FROM {table} WHERE id = %s", [entry.pk])
    assert AuditRecord.objects.filter(pk=entry.pk).exists()


def test_trigger_blocks_truncating_a_filled_table_on_postgres(on_postgres, chain):
    chain(1)

    with pytest.raises(DatabaseError, match="append-only: TRUNCATE"):
        # LOCAL off: a test database may allow TRUNCATE for Django's flush (see 0002).
        raw(
            "SET CONSTRAINTS ALL IMMEDIATE; SET LOCAL motcua.audit_allow_truncate = 'off';"
            " TRUNCATE {table}"
        )
    assert AuditRecord.objects.count() == 1
