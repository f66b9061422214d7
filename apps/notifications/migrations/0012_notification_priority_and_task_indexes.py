"""The inbox's order (a person's notifications by priority and date) and clearing a task's notifications,
indexed: built concurrently (on PostgreSQL; the demo's SQLite builds them plainly), outside a transaction, so writes to notifications go on meanwhile."""

from django.db import migrations, models

from apps.core.migration_operations import AddIndexConcurrentlyWherePossible


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("notifications", "0011_priority_task_and_cleared")]

    operations = [
        AddIndexConcurrentlyWherePossible(
            model_name="notification",
            index=models.Index(fields=["recipient", "priority", "created_at"], name="notification_priority"),
        ),
        AddIndexConcurrentlyWherePossible(
            model_name="notification",
            index=models.Index(
                condition=~models.Q(task_key=""), fields=["task_key"], name="notification_task"
            ),
        ),
    ]
