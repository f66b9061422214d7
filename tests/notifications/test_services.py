"""Notifications reach each person once per event, and an email is sent at most once."""

from unittest import mock

import pytest
from django.core import mail

from apps.notifications.models import Notification
from apps.notifications.services import notification_email_deliver, notification_send
from tests.factories import ProfessionalFactory

pytestmark = pytest.mark.django_db


def _send(recipient, key="event:1"):
    return notification_send(
        recipient=recipient,
        kind=Notification.Kind.ACTION_DUE_SOON,
        dedupe_key=key,
        subject="An action for Sam Okafor is due",
        subject_for_email="an action is due",
    )


def test_the_same_event_notifies_once(django_capture_on_commit_callbacks):
    person = ProfessionalFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first, created = _send(person)
        again, created_again = _send(person)
    assert (created, created_again) == (True, False)
    assert first.pk == again.pk
    assert len(mail.outbox) == 1
    assert "Okafor" not in mail.outbox[0].subject + mail.outbox[0].body


def test_a_redelivered_email_task_sends_nothing_more(django_capture_on_commit_callbacks):
    person = ProfessionalFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notification, _ = _send(person)
    assert notification_email_deliver(notification_id=notification.pk, subject_for_email="x") is False
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.email_status == Notification.EmailStatus.SENT


def test_a_mail_server_failure_leaves_the_email_to_be_retried():
    person = ProfessionalFactory()
    notification, _ = _send(person)
    with (
        mock.patch("apps.notifications.services.send_mail", side_effect=ConnectionRefusedError),
        pytest.raises(ConnectionRefusedError),
    ):
        notification_email_deliver(notification_id=notification.pk, subject_for_email="x")
    notification.refresh_from_db()
    assert notification.email_status == Notification.EmailStatus.PENDING
    assert notification_email_deliver(notification_id=notification.pk, subject_for_email="x") is True


def test_no_email_address_means_no_email_but_the_notification_stays(django_capture_on_commit_callbacks):
    person = ProfessionalFactory(email="")
    with django_capture_on_commit_callbacks(execute=True):
        notification, _ = _send(person)
    assert notification.email_status == Notification.EmailStatus.NOT_NEEDED
    assert mail.outbox == []


def test_a_rolled_back_change_sends_no_email(django_capture_on_commit_callbacks):
    from django.db import transaction

    person = ProfessionalFactory()

    def notify_then_fail():
        with transaction.atomic():
            _send(person)
            raise RuntimeError("the service failed after notifying")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        notify_then_fail()
    assert callbacks == []
    assert not Notification.objects.exists()
