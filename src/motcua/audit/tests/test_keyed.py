"""Hole 10: the chain is anchored outside the database (a keyed MAC and checkpoints).

The attack reproduced: the table's owner disables the append-only trigger, edits a
row and recomputes the SHA-256 chain. Before the key, verify_audit passed.
"""

import json

import pytest
from django.core.management import CommandError, call_command

from motcua.audit.checkpoints import checkpoint_file
from motcua.audit.models import AuditRecord
from motcua.audit.selectors import verify_chain

from .conftest import recompute_chain, tamper

pytestmark = pytest.mark.django_db

EDIT = ("UPDATE {table} SET data = %s WHERE id = %s", ['{"code": "GIẢ"}'])


def edit(record):
    sql, params = EDIT
    return (sql, [*params, record.pk])


def test_an_edited_row_with_the_chain_recomputed_fails_verify_audit(chain):
    target = chain(5)[2]
    recompute_chain([edit(target)])
    assert AuditRecord.objects.get(pk=target.pk).data == {"code": "GIẢ"}  # really edited

    with pytest.raises(CommandError) as failure:
        call_command("verify_audit")

    assert failure.value.returncode == 1
    assert str(failure.value).startswith(f"Phát hiện sai lệch tại bản ghi #{target.pk}: ")
    assert "mã xác thực (HMAC) không khớp" in str(failure.value)


def test_every_record_carries_a_mac_of_its_hash_under_the_configured_key(chain, settings):
    chain(2)
    assert verify_chain().ok and verify_chain().legacy == 0

    settings.MOTCUA_AUDIT_KEY = "another-key"

    assert not verify_chain().ok


def test_a_former_key_kept_as_fallback_still_verifies_older_records(chain, settings):
    old_key = settings.MOTCUA_AUDIT_KEY
    chain(2)
    settings.MOTCUA_AUDIT_KEY, settings.MOTCUA_AUDIT_KEY_FALLBACKS = "new-key", [old_key]
    chain(1)

    assert verify_chain().ok


def test_stripping_a_mac_after_keyed_records_is_detected(chain):
    records = chain(4)
    tamper("UPDATE {table} SET mac = '' WHERE id = %s", [records[2].pk])

    result = verify_chain()

    assert (result.ok, result.first_broken_id) == (False, records[2].pk)
    assert "thiếu mã xác thực" in result.reason


def test_legacy_records_before_the_key_are_reported_and_sealed_by_the_first_keyed_one(
    chain, capsys
):
    records = chain(3)
    tamper("UPDATE {table} SET mac = '' WHERE id IN (%s, %s)", [records[0].pk, records[1].pk])

    call_command("verify_audit")

    out = capsys.readouterr().out
    assert "3 bản ghi đã kiểm tra" in out and "2 bản ghi cũ chưa có mã xác thực" in out
    with pytest.raises(CommandError):
        call_command("verify_audit", "--require-keyed")
    # Editing a legacy record and recomputing the chain breaks the first keyed one.
    recompute_chain([edit(records[0])])
    assert verify_chain().first_broken_id == records[2].pk


def test_a_checkpoint_is_appended_outside_the_database_and_verified(chain, capsys):
    records = chain(3)

    call_command("audit_checkpoint")
    call_command("audit_checkpoint")  # nothing new: no second line
    chain(1)
    call_command("audit_checkpoint")

    lines = [json.loads(line) for line in checkpoint_file().read_text().splitlines()]
    assert [line["record_id"] for line in lines] == [records[-1].pk, records[-1].pk + 1]
    assert lines[0]["hash"] == records[-1].hash and len(lines[0]["mac"]) == 64
    call_command("verify_audit", verbosity=2)
    assert "Điểm kiểm tra đã đối chiếu: 2." in capsys.readouterr().out


def test_a_chain_recomputed_without_any_mac_fails_against_the_checkpoint(chain):
    records = chain(3)
    call_command("audit_checkpoint")
    # All MACs stripped, a row edited, the chain recomputed: it would pass as legacy.
    recompute_chain([("UPDATE {table} SET mac = ''", []), edit(records[1])])

    with pytest.raises(CommandError) as failure:
        call_command("verify_audit")

    assert f"#{records[2].pk}" in str(failure.value) and "điểm kiểm tra" in str(failure.value)


def test_cutting_off_the_newest_records_fails_against_the_checkpoint(chain):
    records = chain(4)
    call_command("audit_checkpoint")
    tamper("DELETE FROM {table} WHERE id >= %s", [records[2].pk])

    result = verify_chain(checkpoints={records[-1].pk: records[-1].hash})

    assert (result.ok, result.first_broken_id) == (False, records[-1].pk)
    with pytest.raises(CommandError):
        call_command("verify_audit")


def test_an_edited_checkpoint_line_is_refused(chain):
    chain(2)
    call_command("audit_checkpoint")
    path = checkpoint_file()
    line = json.loads(path.read_text())
    line["hash"] = "f" * 64
    path.write_text(json.dumps(line) + "\n")

    with pytest.raises(CommandError) as failure:
        call_command("verify_audit")

    assert "Chữ ký của điểm kiểm tra dòng 1" in str(failure.value)


def test_a_broken_chain_is_never_checkpointed(chain):
    target = chain(3)[1]
    recompute_chain([edit(target)])

    with pytest.raises(CommandError) as failure:
        call_command("audit_checkpoint")

    assert "Không ghi điểm kiểm tra" in str(failure.value)
    assert not checkpoint_file().exists()
