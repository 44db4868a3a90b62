"""The national targets named in the seed documents (docs/INDICATORS.md, "Targets")."""

from decimal import Decimal

from django.db import migrations

QD942 = "Quyết định 942/QĐ-TTg ngày 15/6/2021; Công văn 2664/BTTTT-THH ngày 21/7/2021"
QD27 = "Quyết định 27/QĐ-UBQGCĐS ngày 15/3/2022; Công văn 1832/BTTTT-THH ngày 16/5/2022"
EMC2024 = "Bộ TT&TT, Cục Chuyển đổi số quốc gia: Nâng cao hiệu quả cung cấp và sử dụng DVCTT (27/9/2024)"

TARGETS = [
    # (indicator, year, applies_to, value, source)
    ("eligible_full_online_share", 2021, "all", "100", QD942),
    ("eligible_full_online_share", 2025, "all", "100", QD942),
    ("online_services_used_share", 2022, "all", "80", QD27),
    ("online_dossier_share", 2022, "all", "50", QD27),
    ("online_dossier_share", 2025, "all", "80", EMC2024),
    ("fully_online_dossier_share", 2024, "ministry", "70", EMC2024),
    ("fully_online_dossier_share", 2024, "province", "30", EMC2024),
    ("fully_online_dossier_share", 2025, "ministry", "85", EMC2024),
    ("fully_online_dossier_share", 2025, "province", "70", EMC2024),
]


def add_targets(apps, schema_editor):
    Target = apps.get_model("monitoring", "Target")
    for indicator, year, applies_to, value, source in TARGETS:
        Target.objects.get_or_create(
            indicator=indicator,
            year=year,
            applies_to=applies_to,
            agency=None,
            defaults={"value": Decimal(value), "source": source},
        )


def remove_targets(apps, schema_editor):
    Target = apps.get_model("monitoring", "Target")
    for indicator, year, applies_to, _value, _source in TARGETS:
        Target.objects.filter(
            indicator=indicator, year=year, applies_to=applies_to, agency=None
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("monitoring", "0001_initial")]

    operations = [migrations.RunPython(add_targets, remove_targets)]
