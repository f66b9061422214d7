"""Notifications reach each person once per event, on each channel at most once, and say nothing private."""

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.core.exceptions import ApplicationError
from apps.notifications import messages, sms
from apps.notifications.models import ContactPreference, Delivery, Notification
from apps.notifications.services import (
    contact_preference_set,
    deliveries_retry_sweep,
    delivery_send,
    notification_send,
)
from tests.factories import ProfessionalFactory, UserFactory, YoungPersonUserFactory

pytestmark = pytest.mark.django_db

# Words that must never reach a lock screen: the child's names, and clinical or safeguarding words.
SENSITIVE = re.compile(
    r"okafor|samira|sam\b|appointment|missed|referr|mental|safeguard|camhs|clinic|self-harm|risk|waiting",
    re.IGNORECASE,
)


def _send(recipient, key="event:1", kind=Notification.Kind.ACTION_DUE_SOON):
    return notification_send(
        recipient=recipient,
        kind=kind,
        dedupe_key=key,
        subject="An action for Sam Okafor is due",
        subject_for_email="an action is due",
    )


def _delivery(notification, channel) -> Delivery:
    return Delivery.objects.get(notification=notification, channel=channel)


def test_the_same_event_notifies_once(django_capture_on_commit_callbacks):
    person = ProfessionalFactory()
    with django_capture_on_commit_callbacks(execute=True):
        first, created = _send(person)
        again, created_again = _send(person)
    assert (created, created_again) == (True, False)
    assert first.pk == again.pk
    assert len(mail.outbox) == 1
    assert "Okafor" not in mail.outbox[0].subject + mail.outbox[0].body
    assert "an action is due" in mail.outbox[0].subject
    assert Delivery.objects.filter(notification=first).count() == 3


def test_each_channel_is_recorded_with_why_it_was_not_needed(django_capture_on_commit_callbacks):
    person = ProfessionalFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notification, _ = _send(person)
    in_app, email, text = (
        _delivery(notification, channel) for channel in (Delivery.Channel.IN_APP, "email", "sms")
    )
    assert in_app.status == Delivery.Status.SENT
    assert (email.status, email.attempts) == (Delivery.Status.SENT, 1)
    assert email.sent_at is not None
    assert (text.status, text.reason) == (Delivery.Status.NOT_NEEDED, "No mobile number")


def test_a_redelivered_task_sends_nothing_more(django_capture_on_commit_callbacks):
    person = ProfessionalFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notification, _ = _send(person)
    email = _delivery(notification, Delivery.Channel.EMAIL)
    assert delivery_send(delivery_id=email.pk) is False
    assert len(mail.outbox) == 1


def test_a_mail_server_failure_leaves_the_email_to_be_retried():
    person = ProfessionalFactory()
    notification, _ = _send(person)
    email = _delivery(notification, Delivery.Channel.EMAIL)
    with (
        mock.patch("apps.notifications.services.deliveries.send_mail", side_effect=ConnectionRefusedError),
        pytest.raises(ConnectionRefusedError),
    ):
        delivery_send(delivery_id=email.pk)
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Delivery.Status.PENDING, 1)
    assert delivery_send(delivery_id=email.pk) is True
    assert len(mail.outbox) == 1


def test_after_the_last_attempt_the_delivery_is_marked_failed(settings):
    settings.BEACON_DELIVERY_MAX_ATTEMPTS = 2
    notification, _ = _send(ProfessionalFactory())
    email = _delivery(notification, Delivery.Channel.EMAIL)
    with mock.patch("apps.notifications.services.deliveries.send_mail", side_effect=ConnectionRefusedError):
        with pytest.raises(ConnectionRefusedError):
            delivery_send(delivery_id=email.pk)
        assert delivery_send(delivery_id=email.pk) is False
    email.refresh_from_db()
    assert email.status == Delivery.Status.FAILED
    assert email.reason.startswith("Gave up")


def test_no_email_address_means_no_email_but_the_notification_stays(django_capture_on_commit_callbacks):
    person = ProfessionalFactory(email="")
    with django_capture_on_commit_callbacks(execute=True):
        notification, _ = _send(person)
    email = _delivery(notification, Delivery.Channel.EMAIL)
    assert (email.status, email.reason) == (Delivery.Status.NOT_NEEDED, "No email address")
    assert mail.outbox == []


def test_a_rolled_back_change_sends_no_email(django_capture_on_commit_callbacks):
    person = ProfessionalFactory()

    def notify_then_fail():
        with transaction.atomic():
            _send(person)
            raise RuntimeError("the service failed after notifying")

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError):
        notify_then_fail()
    assert callbacks == []
    assert not Notification.objects.exists()
    assert not Delivery.objects.exists()


def test_a_broker_outage_never_fails_the_change_and_the_sweep_sends_it_later(
    django_capture_on_commit_callbacks,
):
    from kombu.exceptions import OperationalError

    person = ProfessionalFactory()
    with (
        mock.patch(
            "apps.notifications.tasks.delivery_send.delay", side_effect=OperationalError("Connection refused")
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        notification, created = _send(person)
    assert created
    email = _delivery(notification, Delivery.Channel.EMAIL)
    assert email.status == Delivery.Status.PENDING
    assert mail.outbox == []

    # Too soon: a pending delivery may still be in the queue.
    assert deliveries_retry_sweep()["enqueued"] == 0
    later = timezone.now() + timedelta(minutes=10)
    assert deliveries_retry_sweep(now=later) == {"reclaimed": 0, "enqueued": 1}
    email.refresh_from_db()
    assert email.status == Delivery.Status.SENT
    assert deliveries_retry_sweep(now=later) == {"reclaimed": 0, "enqueued": 0}
    assert len(mail.outbox) == 1


def test_a_claim_left_by_a_dead_worker_is_reclaimed_once_it_is_older_than_the_time_limit():
    notification, _ = _send(ProfessionalFactory())
    email = _delivery(notification, Delivery.Channel.EMAIL)
    claimed_at = timezone.now()
    Delivery.objects.filter(pk=email.pk).update(status=Delivery.Status.SENDING, claimed_at=claimed_at)

    # Still inside the time limit: the worker may be alive and sending, so it is left alone.
    assert deliveries_retry_sweep(now=claimed_at + timedelta(seconds=30))["reclaimed"] == 0
    assert mail.outbox == []
    result = deliveries_retry_sweep(now=claimed_at + timedelta(minutes=10))
    assert result == {"reclaimed": 1, "enqueued": 1}
    email.refresh_from_db()
    assert email.status == Delivery.Status.SENT
    assert len(mail.outbox) == 1


# --- What reaches a lock screen -----------------------------------------------------------------------


class FakeNotify:
    """Stands in for notifications_python_client.NotificationsAPIClient: records what it was asked."""

    def __init__(self, error=None):
        self.sent: list[dict] = []
        self.error = error

    def send_sms_notification(self, *, phone_number, template_id, personalisation=None, reference=None):
        if self.error:
            raise self.error
        self.sent.append(
            {
                "phone_number": phone_number,
                "template_id": template_id,
                "personalisation": personalisation,
                "reference": reference,
            }
        )
        return {"id": f"notify-{len(self.sent)}", "reference": reference}


@pytest.fixture
def notify(settings, monkeypatch):
    settings.BEACON_NOTIFY_API_KEY = "test-key-not-real"
    settings.BEACON_NOTIFY_SMS_TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"
    fake = FakeNotify()
    monkeypatch.setattr(sms, "notify_client", lambda: fake)
    return fake


@pytest.mark.parametrize("kind", [User.Kind.YOUNG_PERSON, User.Kind.PARENT_CARER])
def test_young_people_and_families_get_texts_and_emails_that_reveal_nothing(
    kind, notify, django_capture_on_commit_callbacks
):
    person = UserFactory(kind=kind)
    contact_preference_set(user=person, mobile_number="07700 900123")
    with django_capture_on_commit_callbacks(execute=True):
        notification, _ = notification_send(
            recipient=person,
            kind=Notification.Kind.APPOINTMENT_REMINDER,
            dedupe_key="appointment:1:reminder",
            subject="Sam Okafor: CAMHS appointment at the clinic on 3 March",
            subject_for_email="a missed appointment needs a follow-up",
        )

    assert len(notify.sent) == 1
    text = notify.sent[0]
    expected = "You have a new message from Beacon. Sign in to read it: http://127.0.0.1:8000/notifications/"
    assert text["personalisation"] == {"message": expected}
    assert text["phone_number"] == "+447700900123"
    assert text["reference"] == str(_delivery(notification, Delivery.Channel.SMS).public_id)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "You have a new message from Beacon"
    for words in (text["personalisation"]["message"], mail.outbox[0].subject, mail.outbox[0].body):
        assert not SENSITIVE.search(words), words
    sms_delivery = _delivery(notification, Delivery.Channel.SMS)
    assert (sms_delivery.status, sms_delivery.provider_reference) == (Delivery.Status.SENT, "notify-1")


def test_every_fixed_text_for_young_people_and_families_is_free_of_sensitive_words():
    for text in (messages.PRIVATE_SMS, messages.PRIVATE_EMAIL_SUBJECT, messages.PRIVATE_EMAIL_BODY):
        assert "{subject" not in text
        assert not SENSITIVE.search(text)


def test_texts_are_off_without_the_notify_settings(settings, django_capture_on_commit_callbacks):
    settings.BEACON_NOTIFY_API_KEY = ""
    person = YoungPersonUserFactory()
    contact_preference_set(user=person, mobile_number="+44 7700 900123")
    with django_capture_on_commit_callbacks(execute=True):
        notification, _ = _send(person)
    text = _delivery(notification, Delivery.Channel.SMS)
    assert (text.status, text.reason) == (
        Delivery.Status.NOT_NEEDED,
        "Text messages are switched off in this Beacon",
    )


def test_a_person_who_chose_no_emails_gets_none(notify, django_capture_on_commit_callbacks):
    person = YoungPersonUserFactory()
    contact_preference_set(user=person, mobile_number="07700900123", by_email=False)
    with django_capture_on_commit_callbacks(execute=True):
        notification, _ = _send(person)
    assert mail.outbox == []
    assert len(notify.sent) == 1
    assert _delivery(notification, Delivery.Channel.EMAIL).reason == "Chose not to get emails"


def test_notify_refusing_a_number_marks_the_text_failed_without_retrying(notify, settings):
    from notifications_python_client.errors import APIError

    notify.error = APIError(message="phone_number Not a UK mobile number")
    person = YoungPersonUserFactory()
    contact_preference_set(user=person, mobile_number="07700900123")
    notification, _ = _send(person)
    text = _delivery(notification, Delivery.Channel.SMS)
    # APIError without a response reports 503 (a network failure): retried, not failed.
    with pytest.raises(sms.DeliveryTemporaryFailure):
        delivery_send(delivery_id=text.pk)
    text.refresh_from_db()
    assert text.status == Delivery.Status.PENDING

    refused = APIError(response=mock.Mock(status_code=400, json=lambda: {"errors": ["bad number"]}))
    notify.error = refused
    assert delivery_send(delivery_id=text.pk) is False
    text.refresh_from_db()
    assert text.status == Delivery.Status.FAILED
    assert "07700" not in text.reason
    assert text.reason == "GOV.UK Notify refused the text message (400)"


@pytest.mark.parametrize("number", ["0161 496 0000", "07700 90012", "+1 202 555 0100", "seven"])
def test_a_mobile_number_must_be_a_uk_mobile_and_nothing_is_saved_otherwise(number):
    person = YoungPersonUserFactory()
    with pytest.raises(ApplicationError) as error:
        contact_preference_set(user=person, mobile_number=number)
    assert error.value.message == "Enter a UK mobile number, like 07700 900123 or +44 7700 900123"
    assert error.value.field == "mobile_number"
    assert not ContactPreference.objects.exists()


def test_texts_only_needs_a_mobile_number():
    with pytest.raises(ApplicationError, match="Enter a mobile number to get text messages"):
        contact_preference_set(user=YoungPersonUserFactory(), by_email=False, by_sms=True)
    assert not ContactPreference.objects.exists()


@pytest.mark.parametrize(
    ("status", "raised"),
    [(429, sms.DeliveryTemporaryFailure), (500, sms.DeliveryTemporaryFailure), (403, sms.DeliveryRejected)],
)
def test_the_notify_adapter_tells_retryable_failures_from_refusals(notify, status, raised):
    from notifications_python_client.errors import APIError

    notify.error = APIError(response=mock.Mock(status_code=status, json=lambda: {"errors": ["x"]}))
    with pytest.raises(raised):
        sms.sms_send(phone_number="+447700900123", message="You have a new message", reference="ref-1")


def test_the_notify_adapter_passes_the_template_the_message_and_the_reference(notify):
    notify_id = sms.sms_send(phone_number="+447700900123", message="Hello", reference="delivery-42")

    assert notify_id == "notify-1"
    assert notify.sent == [
        {
            "phone_number": "+447700900123",
            "template_id": "f33517ff-2a88-4f6e-b855-c550268ce08a",
            "personalisation": {"message": "Hello"},
            "reference": "delivery-42",
        }
    ]


def test_half_configured_notify_is_a_start_up_warning(settings):
    from apps.notifications.checks import engine_settings_check

    settings.BEACON_NOTIFY_API_KEY = "test-key-not-real"
    settings.BEACON_NOTIFY_SMS_TEMPLATE_ID = ""
    assert [problem.id for problem in engine_settings_check(None)] == ["notifications.W001"]
    settings.BEACON_NOTIFY_SMS_TEMPLATE_ID = "f33517ff-2a88-4f6e-b855-c550268ce08a"
    assert engine_settings_check(None) == []


def test_someone_who_has_left_gets_no_email_or_text(notify, django_capture_on_commit_callbacks):
    person = ProfessionalFactory(is_active=False)
    contact_preference_set(user=person, mobile_number="07700900123")
    with django_capture_on_commit_callbacks(execute=True):
        notification, _ = _send(person)
    assert mail.outbox == []
    assert notify.sent == []
    reasons = set(notification.deliveries.exclude(channel="in_app").values_list("reason", flat=True))
    assert reasons == {"Account is not active"}
