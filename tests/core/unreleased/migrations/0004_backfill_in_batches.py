"""The same data migration done the safe way: not atomic (the function would write in short batches)."""

from django.db import migrations


def backfill(apps, schema_editor):
    ReadingLog = apps.get_model("core", "ReadingLog")
    ReadingLog.objects.filter(subject="").update(subject="(none)")


def unfill(apps, schema_editor):
    ReadingLog = apps.get_model("core", "ReadingLog")
    ReadingLog.objects.filter(subject="(none)").update(subject="")


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("core", "0003_backfill_subject")]
    operations = [migrations.RunPython(backfill, unfill)]
