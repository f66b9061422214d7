"""Tried, could not reach them, on the waiting list (issue 14, item 5; hazard H51).

A try that reached nobody is never a contact (a contact has a risk check): it is recorded with what was
tried, the contact stays owed and is due again in working days, with a reminder through the reminder engine.
"""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.core.exceptions import ApplicationError, NotPermitted
from apps.notifications.models import Reminder
from apps.referrals.models import WaitingContact, WaitingContactAttempt
from apps.referrals.services import waiting_contact_attempt_record, waiting_contact_record
from tests.auth import sign_in
from tests.referrals.factories import accepted_referral

pytestmark = pytest.mark.django_db

# Friday 27 November 2026, noon in London.
FRIDAY = datetime.datetime(2026, 11, 27, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def entry(lead_professional, child, camhs, spa_clinician):
    with time_machine.travel(FRIDAY - datetime.timedelta(days=3), tick=False):
        return accepted_referral(child, lead_professional, camhs, spa_clinician).waiting_entry


def test_a_try_keeps_the_contact_owed_and_due_the_next_working_day(entry, spa_clinician):
    with time_machine.travel(FRIDAY, tick=False):
        attempt = waiting_contact_attempt_record(
            actor=spa_clinician, entry=entry, method="phone", what_was_tried="Rang mum twice, no answer"
        )

    entry.refresh_from_db()
    assert attempt.due_again_on == datetime.date(2026, 11, 30)  # Monday.
    assert entry.next_contact_due_on == datetime.date(2026, 11, 30)
    assert entry.ended_at is None
    assert not WaitingContact.objects.filter(entry=entry).exists()  # Not a contact.
    assert entry.referral.first_contact_at is None
    assert AuditEvent.objects.filter(
        target_id=str(attempt.public_id), action=AuditEvent.Action.CREATE
    ).exists()
    reminder = Reminder.objects.get(recipient=spa_clinician, dedupe_key=f"waiting:{entry.pk}:try-again:1")
    assert reminder.status == Reminder.Status.SCHEDULED
    assert timezone.localdate(reminder.due_at) == datetime.date(2026, 11, 30)


def test_a_contact_after_a_try_cancels_its_reminder(entry, spa_clinician):
    with time_machine.travel(FRIDAY, tick=False):
        waiting_contact_attempt_record(
            actor=spa_clinician, entry=entry, method="text", what_was_tried="Texted"
        )
        waiting_contact_record(
            actor=spa_clinician,
            entry=entry,
            method="phone",
            spoke_with="Sam",
            contacted_at=timezone.now(),
            explained_service=True,
            risk_check="same",
            signposting="Kooth online.",
        )

    assert (
        Reminder.objects.get(dedupe_key=f"waiting:{entry.pk}:try-again:1").status == Reminder.Status.CANCELLED
    )


def test_a_try_needs_what_was_tried_and_staff_of_the_service(entry, spa_clinician, lead_professional):
    with pytest.raises(ApplicationError) as blank:
        waiting_contact_attempt_record(actor=spa_clinician, entry=entry, method="phone", what_was_tried=" ")
    with pytest.raises((ApplicationError, NotPermitted)):
        waiting_contact_attempt_record(
            actor=lead_professional, entry=entry, method="phone", what_was_tried="Rang"
        )

    assert blank.value.field == "what_was_tried"
    assert not WaitingContactAttempt.objects.exists()


def test_a_try_for_a_child_no_longer_waiting_is_refused(entry, spa_clinician):
    entry.ended_at = timezone.now()
    entry.save(update_fields=["ended_at"])

    with pytest.raises(ApplicationError):
        waiting_contact_attempt_record(
            actor=spa_clinician, entry=entry, method="phone", what_was_tried="Rang"
        )
    assert not WaitingContactAttempt.objects.exists()


def test_the_page_records_a_try_and_the_contact_page_lists_it(client, entry, child, spa_clinician):
    sign_in(client, spa_clinician)
    url = reverse("referrals:waiting-contact-attempt", args=[child.public_id, entry.public_id])
    contact_url = reverse("referrals:waiting-contact", args=[child.public_id, entry.public_id])

    assert url in client.get(contact_url).content.decode()
    refused = client.post(url, {"method": "phone", "what_was_tried": ""})
    assert refused.status_code == 200
    assert "Enter what you tried" in refused.content.decode()

    response = client.post(url, {"method": "phone", "what_was_tried": "Rang twice, voicemail"})

    assert response.status_code == 302
    assert "Rang twice, voicemail" in client.get(contact_url).content.decode()
