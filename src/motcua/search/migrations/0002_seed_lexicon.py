"""Seed the lexicon from the packaged data/lexicon.csv (administrators extend it in the admin)."""

from django.db import migrations


def seed(apps, schema_editor):
    from motcua.search.lexicon import packaged_entries

    LexiconEntry = apps.get_model("search", "LexiconEntry")
    existing = set(LexiconEntry.objects.values_list("phrase", flat=True))
    LexiconEntry.objects.bulk_create(
        LexiconEntry(**row) for row in packaged_entries() if row["phrase"] not in existing
    )


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
