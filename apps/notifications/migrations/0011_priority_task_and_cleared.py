"""A notification's stored priority, the task it is about and when that task was done (issue 14).

Columns only, each nullable or with a database default so the release still running keeps inserting; the
indexes are built concurrently in 0012 and the urgent kinds' priority filled in 0013.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0010_access_request_kinds"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="cleared_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="notification",
            name="priority",
            field=models.PositiveSmallIntegerField(
                choices=[(1, "Normal"), (2, "Urgent")], db_default=1, default=1
            ),
        ),
        migrations.AddField(
            model_name="notification",
            name="task_key",
            field=models.CharField(blank=True, db_default="", default="", max_length=100),
        ),
    ]
