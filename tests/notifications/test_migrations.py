"""Migration 0005 copies each notification's email status into deliveries in batches, and can run again.

As released, 0004 made the copy inside its own transaction, under its lock on the notification table; now 0005
does it outside any long transaction (docs/releases.md). These tests write notifications as the release before
0004 did, then migrate.
"""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from apps.notifications.models import Delivery, Notification
from tests.factories import ProfessionalFactory

# serialized_rollback: the flush after each test would otherwise take the reference data migrations seed.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE_THE_COPY = [("notifications", "0004_deliveries_reminders_contact_preferences")]
LATEST = MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes("notifications")


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _notify(apps, recipient, *, count: int, email_status: str) -> None:
    historical_notification = apps.get_model("notifications", "Notification")
    for number in range(count):
        historical_notification.objects.create(
            recipient_id=recipient.pk,
            kind="handover",
            dedupe_key=f"{email_status}-{number}",
            subject="You are now the lead professional",
            email_status=email_status,
        )


def test_every_notification_gets_its_deliveries_once_across_batches(monkeypatch):
    apps = _migrate(BEFORE_THE_COPY)
    recipient = ProfessionalFactory()
    _notify(apps, recipient, count=3, email_status="sent")
    _notify(apps, recipient, count=1, email_status="sending")
    _notify(apps, recipient, count=1, email_status="failed")
    already_copied = apps.get_model("notifications", "Notification").objects.get(dedupe_key="failed-0")
    # As a database whose 0004 made the copy, as first released, left it: this one is not copied again.
    apps.get_model("notifications", "Delivery").objects.create(
        notification_id=already_copied.pk, channel="email", status="failed"
    )
    copy = MigrationLoader(None).get_migration("notifications", "0005_email_status_now_in_deliveries")
    monkeypatch.setitem(copy.operations[0].code.__globals__, "BATCH", 2)  # Three batches for five.

    _migrate(LATEST)

    assert Delivery.objects.count() == 9
    assert Delivery.objects.filter(notification_id=already_copied.pk).count() == 1
    email = Delivery.objects.filter(channel="email")
    assert sorted(email.values_list("status", flat=True)) == ["failed", "pending", "sent", "sent", "sent"]
    assert not email.filter(status="sent", sent_at__isnull=True).exists()
    assert Notification.objects.count() == 5
