"""Drops a column in the same release as the code that stops reading it: the running release would fail."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("core", "0001_reading_log")]
    operations = [migrations.RemoveField(model_name="readinglog", name="read_at")]
