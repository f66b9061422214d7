"""Each notification's email status moves into Delivery rows (0004 made the table), then the old columns go.

Not atomic, so no lock outlives a batch: the copy reads notifications in primary-key order, BATCH at a time,
and writes each batch's deliveries in its own short transaction. It skips notifications that already have
deliveries, so it can be stopped and run again, and a database whose 0004 ran the copy as first released
(inside 0004's transaction) has nothing left to copy. Memory stays at one batch.

As released, this migration dropped the columns in the same release as the code that stopped reading them,
so the previous release's notification reads failed until it was replaced. Databases have already dropped
them, so the drop stays; an upgrade from a release before this one stops the old release first
(docs/releases.md). Today the drop would ship a release later (expand, then contract).
"""

from django.db import migrations, transaction

BATCH = 2000


def email_status_to_deliveries(apps, schema_editor):
    """Each existing notification was shown in Beacon; its email status becomes an email delivery."""
    Notification = apps.get_model("notifications", "Notification")
    Delivery = apps.get_model("notifications", "Delivery")
    alias = schema_editor.connection.alias
    last_pk = 0
    while True:
        with transaction.atomic(using=alias):
            batch = list(
                Notification.objects.using(alias)
                .filter(pk__gt=last_pk)
                .order_by("pk")
                .values("pk", "created_at", "email_status", "emailed_at")[:BATCH]
            )
            if not batch:
                return
            last_pk = batch[-1]["pk"]
            copied = set(
                Delivery.objects.using(alias)
                .filter(notification_id__in=[row["pk"] for row in batch])
                .values_list("notification_id", flat=True)
            )
            rows = []
            for row in batch:
                if row["pk"] in copied:
                    continue
                status = row["email_status"]
                rows.append(
                    Delivery(notification_id=row["pk"], channel="in_app", status="sent", sent_at=row["created_at"])
                )
                rows.append(
                    Delivery(
                        notification_id=row["pk"],
                        channel="email",
                        # A send in flight at migration time is safest left to the retry sweep.
                        status="pending" if status == "sending" else status,
                        sent_at=row["emailed_at"] or (row["created_at"] if status == "sent" else None),
                        reason="No email address" if status == "not_needed" else "",
                    )
                )
            Delivery.objects.using(alias).bulk_create(rows)


def deliveries_to_email_status(apps, schema_editor):
    """Reverse, after the columns are back: each email delivery's status returns to its notification."""
    Delivery = apps.get_model("notifications", "Delivery")
    Notification = apps.get_model("notifications", "Notification")
    alias = schema_editor.connection.alias
    last_pk = 0
    while True:
        with transaction.atomic(using=alias):
            batch = list(
                Delivery.objects.using(alias)
                .filter(channel="email", pk__gt=last_pk)
                .order_by("pk")
                .values("pk", "notification_id", "status", "sent_at")[:BATCH]
            )
            if not batch:
                return
            last_pk = batch[-1]["pk"]
            for row in batch:
                Notification.objects.using(alias).filter(pk=row["notification_id"]).update(
                    email_status="pending" if row["status"] == "sending" else row["status"],
                    emailed_at=row["sent_at"],
                )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("notifications", "0004_deliveries_reminders_contact_preferences"),
    ]

    operations = [
        migrations.RunPython(email_status_to_deliveries, deliveries_to_email_status),
        migrations.RemoveField(
            model_name="notification",
            name="email_status",
        ),
        migrations.RemoveField(
            model_name="notification",
            name="emailed_at",
        ),
    ]
