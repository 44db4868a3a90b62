"""The head of each audit chain in a row of its own (issue #21): a writer locks the
chain and reads its last hash in one statement (``services.head_sql``) instead of an
advisory lock and a read of the audit table.

The heads of the existing chains are copied from their last records; a trigger on the
audit table moves a chain's head to each record inserted (PostgreSQL and SQLite alike).
"""

from django.db import migrations, models

TRIGGER = "audit_chain_head"
FUNCTION = "motcua_audit_chain_head"


def install(apps, schema_editor):
    records = schema_editor.quote_name(apps.get_model("audit", "AuditRecord")._meta.db_table)
    heads = schema_editor.quote_name(apps.get_model("audit", "ChainHead")._meta.db_table)
    schema_editor.execute(
        f"INSERT INTO {heads} (chain, hash) SELECT chain, hash FROM {records} "
        f"WHERE id IN (SELECT MAX(id) FROM {records} GROUP BY chain)"
    )
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"""
            CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO {heads} (chain, hash) VALUES (NEW.chain, NEW.hash)
                ON CONFLICT (chain) DO UPDATE SET hash = EXCLUDED.hash;
                RETURN NULL;
            END
            $$;
            """,
            params=None,
        )
        schema_editor.execute(
            f"CREATE TRIGGER {TRIGGER} AFTER INSERT ON {records} "
            f"FOR EACH ROW EXECUTE FUNCTION {FUNCTION}()"
        )
    else:
        schema_editor.execute(
            f"CREATE TRIGGER {TRIGGER} AFTER INSERT ON {records} FOR EACH ROW BEGIN "
            f"INSERT INTO {heads} (chain, hash) VALUES (NEW.chain, NEW.hash) "
            f"ON CONFLICT (chain) DO UPDATE SET hash = excluded.hash; END"
        )


def uninstall(apps, schema_editor):
    records = schema_editor.quote_name(apps.get_model("audit", "AuditRecord")._meta.db_table)
    schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {records}"
                          if schema_editor.connection.vendor == "postgresql"
                          else f"DROP TRIGGER IF EXISTS {TRIGGER}")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()")


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0004_per_agency_chains'),
    ]

    operations = [
        migrations.CreateModel(
            name='ChainHead',
            fields=[
                ('chain', models.CharField(max_length=32, primary_key=True, serialize=False, verbose_name='chuỗi')),
                ('hash', models.CharField(max_length=64, verbose_name='mã băm cuối chuỗi')),
            ],
            options={
                'verbose_name': 'đầu chuỗi nhật ký',
                'verbose_name_plural': 'đầu chuỗi nhật ký',
                'default_permissions': ('view',),
            },
        ),
        migrations.RunPython(install, uninstall),
    ]
