"""On PostgreSQL, refuse UPDATE, DELETE and TRUNCATE of the audit table in the database itself.

Even raw SQL from the application cannot change a record; only someone who disables
the trigger (``ALTER TABLE ... DISABLE TRIGGER``) can, and the hash chain then shows it.
TRUNCATE of an empty table is harmless and allowed; TRUNCATE of a filled one is allowed
only in a session that sets ``motcua.audit_allow_truncate = 'on'`` (meant for test
databases, which Django's ``flush`` empties with TRUNCATE between transactional tests).
SQLite keeps the ORM guards only.
"""

from django.db import migrations

FUNCTION = "motcua_audit_refuse_change"
ROW_TRIGGER = "audit_append_only"
TRUNCATE_TRIGGER = "audit_no_truncate"

CREATE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    has_rows boolean;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        IF coalesce(current_setting('motcua.audit_allow_truncate', true), '') = 'on' THEN
            RETURN NULL;
        END IF;
        EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I.%I)', TG_TABLE_SCHEMA, TG_TABLE_NAME)
            INTO has_rows;
        IF NOT has_rows THEN
            RETURN NULL;
        END IF;
    END IF;
    RAISE EXCEPTION 'audit trail is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING HINT = 'Audit records can only be inserted (motcua.audit.services.record).';
END
$$;
"""


def table(apps, schema_editor) -> str:
    return schema_editor.quote_name(apps.get_model("audit", "AuditRecord")._meta.db_table)


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    name = table(apps, schema_editor)
    schema_editor.execute(CREATE_FUNCTION, params=None)  # keep % for plpgsql
    schema_editor.execute(
        f"CREATE TRIGGER {ROW_TRIGGER} BEFORE UPDATE OR DELETE ON {name} "
        f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()"
    )
    schema_editor.execute(
        f"CREATE TRIGGER {TRUNCATE_TRIGGER} BEFORE TRUNCATE ON {name} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
    )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    name = table(apps, schema_editor)
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRUNCATE_TRIGGER} ON {name}")
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {ROW_TRIGGER} ON {name}")
    schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(create_triggers, drop_triggers, elidable=False),
    ]
