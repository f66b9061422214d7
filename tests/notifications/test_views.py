"""The notifications page: a person's own messages, newest first, and marking one as read."""

import re

import pytest
import time_machine
from django.urls import reverse

from apps.notifications.models import ContactPreference, Notification
from apps.notifications.services import notification_send
from tests.auth import sign_in
from tests.factories import ProfessionalFactory, YoungPersonUserFactory

pytestmark = pytest.mark.django_db

LIST = reverse("notifications:list")


def notify(recipient, subject: str) -> Notification:
    notification, _ = notification_send(
        recipient=recipient,
        kind=Notification.Kind.ACTION_OVERDUE,
        dedupe_key=f"test:{recipient.pk}:{subject}",
        subject=subject,
        subject_for_email="an action is overdue",
        body="Write to the GP",
        link=reverse("caseload:caseload"),
    )
    return notification


def read_url(notification) -> str:
    return reverse("notifications:read", args=[notification.public_id])


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(LIST)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign-in"))


def test_lists_only_your_own_notifications_unread_first_with_unread_marked(
    signed_in_client, lead_professional
):
    with time_machine.travel("2026-03-01 09:00Z"):
        notify(lead_professional, "Older message")
    with time_machine.travel("2026-03-02 09:00Z"):
        newer = notify(lead_professional, "Newer message")
    notify(ProfessionalFactory(), "Someone else's message")
    newer.read_at = newer.created_at
    newer.save()

    page = signed_in_client.get(LIST).text

    # Unread before read (issue 14: the inbox puts what still needs you first), then newest first.
    assert page.index("Older message") < page.index("Newer message")
    assert "Someone else" not in page
    assert page.count('govuk-tag--blue govuk-!-margin-right-1">Unread</strong>') == 1
    assert 'Notifications (1<span class="govuk-visually-hidden"> unread</span>)' in page


def test_marking_one_read_clears_it_from_the_unread_count(signed_in_client, lead_professional):
    notification = notify(lead_professional, "An action is overdue")

    response = signed_in_client.post(read_url(notification))

    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert "unread</span>)" not in signed_in_client.get(LIST).text


def test_marking_read_must_be_a_post(signed_in_client, lead_professional):
    assert signed_in_client.get(read_url(notify(lead_professional, "Hello"))).status_code == 405


def test_someone_elses_notification_is_404(signed_in_client):
    theirs = notify(ProfessionalFactory(), "Not yours")

    assert signed_in_client.post(read_url(theirs)).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_no_notifications_says_what_will_appear(signed_in_client):
    assert "You have no notifications" in signed_in_client.get(LIST).text


def test_an_urgent_kind_is_marked_urgent_and_named(signed_in_client, lead_professional):
    notification_send(
        recipient=lead_professional,
        kind=Notification.Kind.SAFEGUARDING_ESCALATION,
        dedupe_key="test:escalation",
        subject="Sam has missed two appointments in a row",
        subject_for_email="a safeguarding alert",
    )
    notify(lead_professional, "An action is overdue")

    page = signed_in_client.get(LIST).text

    assert page.count('govuk-tag--red govuk-!-margin-right-1">Urgent</strong>') == 1
    assert "Safeguarding escalation, " in page


def test_the_list_page_keeps_to_a_fixed_number_of_queries(
    signed_in_client, lead_professional, django_assert_max_num_queries
):
    for number in range(12):
        notify(lead_professional, f"Message {number}")
    with django_assert_max_num_queries(12):
        signed_in_client.get(LIST)


CONTACT = reverse("notifications:contact")


def test_a_person_chooses_texts_with_a_mobile_number(client):
    person = YoungPersonUserFactory()
    sign_in(client, person)

    page = client.get(CONTACT).text
    assert "How we contact you" in page
    assert re.search(r'value="email"\s+checked', page)
    assert not re.search(r'value="sms"\s+checked', page)

    response = client.post(CONTACT, {"channels": ["sms"], "mobile_number": "07700 900 123"})

    assert response.status_code == 302
    preference = ContactPreference.objects.get(user=person)
    assert (preference.mobile_number, preference.by_email, preference.by_sms) == (
        "+447700900123",
        False,
        True,
    )


def test_a_bad_mobile_number_is_shown_against_the_field_and_nothing_is_saved(client):
    person = YoungPersonUserFactory()
    sign_in(client, person)

    response = client.post(CONTACT, {"channels": ["sms", "email"], "mobile_number": "0161 496 0000"})

    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "Enter a UK mobile number, like 07700 900123 or +44 7700 900123" in response.text
    assert not ContactPreference.objects.exists()


def test_the_contact_page_needs_sign_in(client):
    response = client.get(CONTACT)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign-in"))


def test_operators_see_deliveries_and_reminders_in_the_admin_without_editing_them(
    admin_client, lead_professional
):
    notify(lead_professional, "An action is overdue")

    page = admin_client.get(reverse("admin:notifications_delivery_changelist"))

    assert page.status_code == 200
    assert "No mobile number" in page.text
    assert "An action is overdue" not in page.text
    assert admin_client.get(reverse("admin:notifications_reminder_changelist")).status_code == 200
    assert admin_client.get(reverse("admin:notifications_delivery_add")).status_code == 403
