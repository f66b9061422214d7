"""The inbox's order (a person's notifications by priority and date) and clearing a task's notifications,
indexed: built concurrently, outside a transaction, so writes to notifications go on meanwhile."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("notifications", "0011_priority_task_and_cleared")]

    operations = [
        AddIndexConcurrently(
            model_name="notification",
            index=models.Index(fields=["recipient", "priority", "created_at"], name="notification_priority"),
        ),
        AddIndexConcurrently(
            model_name="notification",
            index=models.Index(
                condition=~models.Q(task_key=""), fields=["task_key"], name="notification_task"
            ),
        ),
    ]
