"""The notifications page: a person's own messages, newest first, and marking one as read."""

import pytest
import time_machine
from django.urls import reverse

from apps.notifications.models import Notification
from apps.notifications.services import notification_send
from tests.factories import ProfessionalFactory

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
        link=reverse("teams:caseload"),
    )
    return notification


def read_url(notification) -> str:
    return reverse("notifications:read", args=[notification.public_id])


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(LIST)

    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign-in"))


def test_lists_only_your_own_notifications_newest_first_with_unread_marked(
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

    assert page.index("Newer message") < page.index("Older message")
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
