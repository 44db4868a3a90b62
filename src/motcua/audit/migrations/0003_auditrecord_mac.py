"""The keyed MAC of every audit record (hole 10).

Existing records are deliberately not backfilled: signing them now would certify
whatever the table holds today, edits included. They stay "unkeyed legacy records"
(empty ``mac``), accepted by ``verify_audit`` only before the first keyed record, whose
MAC covers their chain; run ``verify_audit`` before upgrading to know they were intact.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_append_only_on_postgresql'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditrecord',
            name='mac',
            field=models.CharField(blank=True, default='', max_length=64, verbose_name='mã xác thực'),
        ),
    ]
