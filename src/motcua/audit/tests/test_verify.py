import pytest
from django.core.management import CommandError, call_command

from motcua.audit.models import AuditRecord
from motcua.audit.selectors import verify_chain

from .conftest import tamper

pytestmark = pytest.mark.django_db


def test_intact_chain_of_fifty_records_verifies(chain):
    records = chain(50)

    result = verify_chain()

    assert (result.ok, result.checked, result.first_broken_id) == (True, 50, None)
    assert result.last_hash == records[-1].hash


def test_verify_audit_reports_how_many_records_it_checked(chain, capsys):
    chain(3)

    call_command("verify_audit")

    assert capsys.readouterr().out == "Nhật ký toàn vẹn: 3 bản ghi đã kiểm tra.\n"


def test_editing_a_rows_data_makes_verify_audit_fail_naming_that_row(chain):
    target = chain(5)[2]
    tamper("UPDATE {table} SET data = %s WHERE id = %s", ['{"code": "GIẢ"}', target.pk])

    with pytest.raises(CommandError) as failure:
        call_command("verify_audit")

    assert failure.value.returncode == 1
    assert str(failure.value).startswith(f"Phát hiện sai lệch tại bản ghi #{target.pk}: ")
    assert "bị sửa" in str(failure.value)


def test_deleting_a_middle_row_is_detected_at_the_following_row(chain):
    records = chain(5)
    tamper("DELETE FROM {table} WHERE id = %s", [records[2].pk])

    result = verify_chain()

    assert (result.ok, result.first_broken_id) == (False, records[3].pk)
    assert "bị xoá" in result.reason


def test_deleting_the_first_row_is_detected_at_the_new_first_row(chain):
    records = chain(3)
    tamper("DELETE FROM {table} WHERE id = %s", [records[0].pk])

    assert verify_chain().first_broken_id == records[1].pk


def test_swapping_two_rows_is_detected_at_the_first_of_them(chain):
    records = chain(5)
    a, b = records[1].pk, records[2].pk
    for old, new in [(a, -1), (b, a), (-1, b)]:
        tamper("UPDATE {table} SET id = %s WHERE id = %s", [new, old])
    assert AuditRecord.objects.get(pk=a).hash == records[2].hash  # really swapped

    assert verify_chain().first_broken_id == a


def test_an_empty_trail_verifies(capsys):
    call_command("verify_audit")

    assert "0 bản ghi" in capsys.readouterr().out
