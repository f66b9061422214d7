"""Give every existing urgent notification its stored priority, from its kind, so the inbox sorts and
filters on it in the database (issue 14).

The urgent kinds are frozen here, not imported (the model's list may grow; later notifications get their
priority when sent). Not atomic, in batches of primary keys each updated in its own short transaction, as
0009: only rows still marked normal are touched, so it can be run again. The reverse marks them normal.
"""

from django.db import migrations, transaction

BATCH = 5000
NORMAL, URGENT = 1, 2
URGENT_KINDS = [
    "safeguarding_escalation",
    "override",
    "follow_up_overdue",
    "waiting_worse",
    "wait_target_at_risk",
]


def _in_batches(apps, schema_editor, update):
    alias = schema_editor.connection.alias
    model = apps.get_model("notifications", "Notification")
    last_pk = 0
    while True:
        with transaction.atomic(using=alias):
            pks = list(
                model.objects.using(alias)
                .filter(pk__gt=last_pk)
                .order_by("pk")
                .values_list("pk", flat=True)[:BATCH]
            )
            if not pks:
                break
            last_pk = pks[-1]
            update(model.objects.using(alias).filter(pk__in=pks))


def backfill(apps, schema_editor):
    _in_batches(
        apps,
        schema_editor,
        lambda rows: rows.filter(kind__in=URGENT_KINDS, priority=NORMAL).update(priority=URGENT),
    )


def reverse(apps, schema_editor):
    _in_batches(apps, schema_editor, lambda rows: rows.filter(priority=URGENT).update(priority=NORMAL))


class Migration(migrations.Migration):
    atomic = False
    dependencies = [("notifications", "0012_notification_priority_and_task_indexes")]

    operations = [migrations.RunPython(backfill, reverse)]
