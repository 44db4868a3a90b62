"""Seed the default situations (data/situations.json) and the lexicon rows added with them."""

from django.db import migrations


def seed(apps, schema_editor):
    from motcua.search.lexicon import packaged_entries
    from motcua.search.situations import load_situations

    load_situations(apps.get_model("search", "Situation"), apps.get_model("search", "SituationStep"))
    LexiconEntry = apps.get_model("search", "LexiconEntry")
    existing = set(LexiconEntry.objects.values_list("phrase", flat=True))
    LexiconEntry.objects.bulk_create(
        LexiconEntry(**row) for row in packaged_entries() if row["phrase"] not in existing
    )


class Migration(migrations.Migration):
    dependencies = [("search", "0003_situations")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
