"""The hash chain (apps/audit/chain.py): every existing row gets a sequence and a hash, in insertion order."""

import django.utils.timezone
from django.db import migrations, models


def chain_existing_rows(apps, schema_editor):
    from apps.audit.chain import GENESIS_HASH, unkeyed_hash_of as hash_of

    AuditEvent = apps.get_model("audit", "AuditEvent")
    sequence, previous_hash, batch = 0, GENESIS_HASH, []
    for event in AuditEvent.objects.order_by("pk").iterator(chunk_size=2000):
        sequence += 1
        event.sequence, event.previous_hash = sequence, previous_hash
        event.hash = previous_hash = hash_of(event)
        batch.append(event)
        if len(batch) == 2000:
            AuditEvent.objects.bulk_update(batch, ["sequence", "previous_hash", "hash"])
            batch = []
    AuditEvent.objects.bulk_update(batch, ["sequence", "previous_hash", "hash"])


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="occurred_at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, editable=False),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="sequence",
            field=models.BigIntegerField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="previous_hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(chain_existing_rows, migrations.RunPython.noop),
    ]
