"""Reminders keep their due date in the database and are sent once, when due, by the sweep."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from apps.core.exceptions import ApplicationError
from apps.notifications.models import Notification, Reminder
from apps.notifications.services import (
    reminder_cancel,
    reminder_due_sweep,
    reminder_reschedule,
    reminder_schedule,
)
from tests.factories import ProfessionalFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _schedule(recipient, key="follow-up:1:overdue", due_at=NOW + timedelta(hours=1)):
    return reminder_schedule(
        recipient=recipient,
        kind=Notification.Kind.FOLLOW_UP_OVERDUE,
        dedupe_key=key,
        due_at=due_at,
        subject="The follow-up for Sam Okafor is overdue",
        subject_for_email="a follow-up is overdue",
    )


def test_a_reminder_waits_until_it_is_due_then_is_sent_once(django_capture_on_commit_callbacks):
    person = ProfessionalFactory()
    reminder, created = _schedule(person)
    assert created
    with django_capture_on_commit_callbacks(execute=True):
        assert reminder_due_sweep(now=NOW) == 0
        assert reminder_due_sweep(now=NOW + timedelta(hours=1)) == 1
        assert reminder_due_sweep(now=NOW + timedelta(hours=2)) == 0
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.SENT
    notification = Notification.objects.get()
    assert reminder.notification == notification
    assert (notification.recipient, notification.kind) == (person, Notification.Kind.FOLLOW_UP_OVERDUE)
    assert notification.subject == "The follow-up for Sam Okafor is overdue"
    assert len(mail.outbox) == 1
    assert "Okafor" not in mail.outbox[0].body


def test_scheduling_the_same_key_again_keeps_one_reminder():
    person = ProfessionalFactory()
    first, _ = _schedule(person)
    again, created = _schedule(person, due_at=NOW + timedelta(days=3))
    assert not created
    assert again.pk == first.pk
    assert again.due_at == NOW + timedelta(hours=1)


def test_a_cancelled_reminder_is_never_sent_and_a_moved_one_waits_for_its_new_time():
    person = ProfessionalFactory()
    _schedule(person, key="a")
    _schedule(person, key="b")
    assert reminder_cancel(dedupe_key="a") is True
    assert reminder_reschedule(dedupe_key="b", due_at=NOW + timedelta(days=1)) is True
    assert reminder_due_sweep(now=NOW + timedelta(hours=2)) == 0
    assert reminder_due_sweep(now=NOW + timedelta(days=1)) == 1
    assert reminder_cancel(dedupe_key="b") is False
    assert list(Notification.objects.values_list("dedupe_key", flat=True)) == ["reminder:b"]


def test_a_reminder_needs_an_aware_due_time_and_nothing_is_saved_without_one():
    person = ProfessionalFactory()
    with pytest.raises(ApplicationError, match="Enter when the reminder is due"):
        _schedule(person, due_at=None)
    with pytest.raises(ApplicationError, match="needs a time zone"):
        _schedule(person, due_at=datetime(2026, 3, 2, 9, 0))  # noqa: DTZ001 - the bad input
    assert not Reminder.objects.exists()


def test_the_celery_task_runs_the_sweep():
    from apps.notifications.tasks import reminder_due_sweep as task

    _schedule(ProfessionalFactory(), due_at=NOW)
    with time_machine.travel(NOW + timedelta(minutes=1)):
        assert task.delay().get() == 1
    assert Notification.objects.count() == 1


def test_an_engine_interval_of_zero_stops_start_up_with_a_clear_message(settings):
    settings.BEACON_DELIVERY_RETRY_AFTER_SECONDS = 0
    with pytest.raises(SystemCheckError) as error:
        call_command("check")
    assert "BEACON_DELIVERY_RETRY_AFTER_SECONDS is 0; it must be a whole number of at least 1 second" in str(
        error.value
    )


def test_a_claim_timeout_shorter_than_the_task_time_limit_is_refused(settings):
    settings.BEACON_DELIVERY_CLAIM_TIMEOUT_SECONDS = 30
    with pytest.raises(SystemCheckError, match="must be longer than the delivery task's time limit"):
        call_command("check")
