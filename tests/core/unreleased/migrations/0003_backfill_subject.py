"""A data migration inside the migration's transaction: every lock it takes lasts until its last row."""

from django.db import migrations


def backfill(apps, schema_editor):
    ReadingLog = apps.get_model("core", "ReadingLog")
    ReadingLog.objects.filter(subject="").update(subject="(none)")


def unfill(apps, schema_editor):
    ReadingLog = apps.get_model("core", "ReadingLog")
    ReadingLog.objects.filter(subject="(none)").update(subject="")


class Migration(migrations.Migration):
    dependencies = [("core", "0002_drop_read_at")]
    operations = [migrations.RunPython(backfill, unfill)]
