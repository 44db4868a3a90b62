"""Every version's e-form in the legacy flat list format becomes a ``motcua-eform/2``
definition with the same field names and keys, so the dossiers filed under it keep
valid flat ``form_data``. The upgrade adds layout only, so the reverse keeps it."""

from django.db import migrations


def upgrade_form_schemas(apps, schema_editor):
    from motcua.catalog.eform.definition import upgrade

    ProcedureVersion = apps.get_model("catalog", "ProcedureVersion")
    for version in ProcedureVersion.objects.only("pk", "form_schema").iterator():
        if isinstance(version.form_schema, list) or version.form_schema in (None, {}):
            ProcedureVersion.objects.filter(pk=version.pk).update(
                form_schema=upgrade(version.form_schema or [])
            )


class Migration(migrations.Migration):
    dependencies = [("catalog", "0003_form_schema_v2")]

    operations = [migrations.RunPython(upgrade_form_schemas, migrations.RunPython.noop)]
