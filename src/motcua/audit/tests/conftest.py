"""Fixtures and helpers shared by the audit tests."""

import pytest
from django.db import connection, transaction

from motcua.audit.models import GENESIS_HASH, AuditRecord
from motcua.audit.services import record
from tests.factories import UserFactory

TABLE = AuditRecord._meta.db_table
ROW_TRIGGER = "audit_append_only"


@pytest.fixture(autouse=True)
def _checkpoints_in_tmp(settings, tmp_path):
    # Never read or append to the developer's var/audit-checkpoints.
    settings.MOTCUA_AUDIT_CHECKPOINT_DIR = tmp_path / "audit-checkpoints"


@pytest.fixture
def officer():
    return UserFactory(username="canbo", full_name="Nguyễn Văn An")


@pytest.fixture
def chain(officer):
    """Write ``n`` records (dossier receptions by the officer); return them in order."""

    def write(n: int) -> list[AuditRecord]:
        return [
            record(
                "dossier.receive",
                actor=officer,
                object_type="dossiers.dossier",
                object_id=i,
                agency_id=7,
                data={"code": f"STP-250310-{i:04d}", "to_status": "received"},
            )
            for i in range(1, n + 1)
        ]

    return write


def tamper(sql: str, params=()) -> None:
    """Run raw SQL against the audit table as an attacker with DBA rights would.

    On PostgreSQL the append-only trigger is disabled first (and enabled again after);
    SQLite has no trigger.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Run the deferred foreign-key checks of this test's inserts now: ALTER TABLE
            # refuses a table with pending trigger events.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {ROW_TRIGGER}")
        cursor.execute(sql.replace("{table}", TABLE), params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER {ROW_TRIGGER}")


def recompute_chain(statements=()) -> None:
    """The attack of hole 10: run ``statements`` (edits), then recompute every record's
    ``prev_hash`` and SHA-256 ``hash`` in id order and write them back with raw SQL, as a
    DBA who knows the (public) hashing rule would. The MACs cannot be recomputed: the
    key is not in the database."""
    for sql, params in statements:
        tamper(sql, params)
    prev = GENESIS_HASH
    for entry in AuditRecord.objects.order_by("id"):
        entry.prev_hash = prev
        fresh = entry.compute_hash()
        if fresh != entry.hash:
            tamper(
                "UPDATE {table} SET prev_hash = %s, hash = %s WHERE id = %s",
                [prev, fresh, entry.pk],
            )
        prev = fresh
