"""One chain per agency (issue #21): links, verification, checkpoints and the deferred write."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from motcua.audit import deferred
from motcua.audit.checkpoints import checkpoint_file, read_checkpoints
from motcua.audit.models import GENESIS_HASH, PLATFORM_CHAIN, AuditRecord, chain_key
from motcua.audit.selectors import verify_chain
from motcua.audit.services import record

from .conftest import tamper

pytestmark = pytest.mark.django_db


def test_each_agency_has_its_own_chain_starting_at_the_genesis(officer):
    a1 = record("dossier.receive", actor=officer, agency_id=1, object_id=1)
    b1 = record("dossier.receive", actor=officer, agency_id=2, object_id=2)
    a2 = record("dossier.receive", actor=officer, agency_id=1, object_id=3)
    p1 = record("catalog.publish", actor=officer, object_id=4)

    assert (a1.chain, b1.chain, p1.chain) == ("agency:1", "agency:2", PLATFORM_CHAIN)
    assert a1.prev_hash == b1.prev_hash == p1.prev_hash == GENESIS_HASH
    assert a2.prev_hash == a1.hash
    result = verify_chain()
    assert (result.ok, result.checked) == (True, 4)
    assert result.heads == {
        "agency:1": (a2.pk, a2.hash),
        "agency:2": (b1.pk, b1.hash),
        PLATFORM_CHAIN: (p1.pk, p1.hash),
    }


def test_moving_a_record_to_another_chain_breaks_it(officer):
    record("dossier.receive", actor=officer, agency_id=1)
    a2 = record("dossier.receive", actor=officer, agency_id=1)
    record("dossier.receive", actor=officer, agency_id=2)
    tamper("UPDATE {table} SET chain = %s WHERE id = %s", ["agency:2", a2.pk])

    result = verify_chain()
    assert not result.ok and result.first_broken_id == a2.pk


def test_deleting_a_record_breaks_only_its_own_chain_at_the_next_record(officer):
    record("dossier.receive", actor=officer, agency_id=2)
    a1 = record("dossier.receive", actor=officer, agency_id=1)
    a2 = record("dossier.receive", actor=officer, agency_id=1)
    record("dossier.receive", actor=officer, agency_id=2)
    tamper("DELETE FROM {table} WHERE id = %s", [a1.pk])

    result = verify_chain()
    assert (result.ok, result.first_broken_id, result.broken_chain) == (False, a2.pk, "agency:1")


def test_a_legacy_record_keeps_its_hash_in_the_platform_chain(officer):
    # Written before chains existed: platform chain, although it names an agency.
    legacy = AuditRecord(action="dossier.receive", agency_id=5, prev_hash=GENESIS_HASH)
    legacy.at = record("x", actor=officer).at  # any timestamp
    AuditRecord.objects.filter(action="x")  # (the platform chain now has "x" first)
    content = legacy.hashed_content()
    assert "chain" not in content
    assert legacy.chain == PLATFORM_CHAIN
    later = record("dossier.receive", actor=officer, agency_id=5)
    assert later.chain == chain_key(5) == "agency:5"
    assert "chain" in later.hashed_content()


def test_checkpoints_are_written_per_chain_and_cutting_one_chain_is_detected(officer, settings):
    record("dossier.receive", actor=officer, agency_id=1)
    b = record("dossier.receive", actor=officer, agency_id=2)
    call_command("audit_checkpoint")
    lines = [json.loads(line) for line in checkpoint_file().read_text().splitlines()]
    assert {line["chain"] for line in lines} == {"agency:1", "agency:2"}
    record("dossier.receive", actor=officer, agency_id=1)
    call_command("audit_checkpoint")
    assert [c.chain for c in read_checkpoints()] == ["agency:1", "agency:2", "agency:1"]

    tamper("DELETE FROM {table} WHERE id = %s", [b.pk])
    with pytest.raises(CommandError, match="sai lệch"):
        call_command("verify_audit")


def test_inside_a_service_block_the_record_is_written_when_the_block_ends(officer):
    with transaction.atomic():
        entry = record("dossier.receive", actor=officer, agency_id=1)
        assert entry.pk is None and deferred.pending_count() == 1
        assert not AuditRecord.objects.exists()
        with transaction.atomic():  # an inner block passes its records outward
            record("dossier.note", actor=officer, agency_id=1)
        AuditRecord.objects.count()  # other statements still run before the audit write
    assert entry.pk is not None and deferred.pending_count() == 0
    assert list(AuditRecord.objects.order_by("id").values_list("action", flat=True)) == [
        "dossier.receive",
        "dossier.note",
    ]
    assert verify_chain().ok


def test_a_savepoint_rolled_back_drops_only_its_own_records(officer):
    with transaction.atomic():
        record("kept.before", actor=officer, agency_id=1)
        with pytest.raises(RuntimeError), transaction.atomic():
            record("dropped", actor=officer, agency_id=1)
            raise RuntimeError
        with transaction.atomic():
            record("kept.after", actor=officer, agency_id=1)
    actions = list(AuditRecord.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["kept.before", "kept.after"]
    assert verify_chain().ok


def test_a_failing_audit_write_rolls_the_whole_action_back(officer, monkeypatch):
    from motcua.audit import services

    def broken(using, entries):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "write_entries", broken)
    with pytest.raises(RuntimeError), transaction.atomic():
        AuditRecord.objects.count()
        record("dossier.receive", actor=officer, agency_id=1)
    assert deferred.pending_count() == 0
