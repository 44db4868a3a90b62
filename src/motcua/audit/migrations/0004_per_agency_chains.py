"""One audit chain per agency (issue #21): a ``chain`` key on every record.

Every existing record stays in the ``platform`` chain (the column's default: an ALTER
TABLE, no row is updated, so the append-only trigger is not involved) and keeps its
hash, since the chain key is hashed only for the per-agency chains. New records of an
agency start the chain ``agency:<id>``, whose first record links to the genesis hash;
records without an agency continue the platform chain. A unique (chain, prev_hash)
replaces the unique prev_hash: each chain starts at the genesis hash.
"""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0003_auditrecord_mac'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='auditrecord',
            name='audit_prev_hash_unique',
        ),
        migrations.AddField(
            model_name='auditrecord',
            name='chain',
            field=models.CharField(default='platform', max_length=32, verbose_name='chuỗi'),
        ),
        migrations.AddIndex(
            model_name='auditrecord',
            index=models.Index(fields=['chain', 'id'], name='audit_chain_id'),
        ),
        migrations.AddConstraint(
            model_name='auditrecord',
            constraint=models.UniqueConstraint(fields=('chain', 'prev_hash'), name='audit_chain_prev_hash_unique'),
        ),
    ]
