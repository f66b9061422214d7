"""The notifications API: a person's own notifications only, marking read, and contact choices."""

import uuid

import pytest
from django.urls import reverse

from apps.notifications.models import ContactPreference, Notification
from apps.notifications.services import notification_send
from tests.auth import sign_in
from tests.factories import ProfessionalFactory

pytestmark = pytest.mark.django_db

LIST = reverse("notifications-api:list")
CONTACT = reverse("notifications-api:contact")


def notify(recipient, subject: str, kind=Notification.Kind.FOLLOW_UP_OVERDUE) -> Notification:
    notification, _ = notification_send(
        recipient=recipient,
        kind=kind,
        dedupe_key=f"test:{recipient.pk}:{subject}",
        subject=subject,
        subject_for_email="a follow-up is overdue",
    )
    return notification


@pytest.fixture
def api(api_client, lead_professional):
    return sign_in(api_client, lead_professional)


def test_lists_only_your_own_notifications(api, lead_professional):
    mine = notify(lead_professional, "The follow-up for Sam is overdue")
    notify(ProfessionalFactory(), "Someone else's")

    response = api.get(LIST)

    assert response.status_code == 200
    assert [row["public_id"] for row in response.json()["results"]] == [str(mine.public_id)]
    row = response.json()["results"][0]
    assert (row["kind"], row["kind_label"], row["is_urgent"]) == (
        "follow_up_overdue",
        "Follow-up overdue",
        True,
    )


def test_marking_read_and_listing_unread(api, lead_professional):
    first = notify(lead_professional, "First")
    notify(lead_professional, "Second")

    response = api.post(reverse("notifications-api:read", args=[first.public_id]))

    assert response.status_code == 200
    assert response.json()["read_at"] is not None
    unread = api.get(LIST, {"unread": "true"}).json()["results"]
    assert [row["subject"] for row in unread] == ["Second"]


@pytest.mark.parametrize(
    "make_id",
    [lambda other: str(other.public_id), lambda other: "not-an-id", lambda other: str(uuid.uuid4())],
)
def test_someone_elses_or_a_malformed_id_is_404(api, make_id):
    other = notify(ProfessionalFactory(), "Not yours")

    response = api.post(reverse("notifications-api:read", args=[make_id(other)]))

    assert response.status_code == 404
    other.refresh_from_db()
    assert other.read_at is None


def test_contact_choices_round_trip_and_a_bad_number_saves_nothing(api, lead_professional):
    assert api.get(CONTACT).json() == {"mobile_number": "", "by_email": True, "by_sms": False}

    bad = api.put(CONTACT, {"mobile_number": "0161 496 0000", "by_sms": True})
    assert bad.status_code == 400
    assert (
        bad.json()["errors"][0]["detail"] == "Enter a UK mobile number, like 07700 900123 or +44 7700 900123"
    )
    assert bad.json()["errors"][0]["attr"] == "mobile_number"
    assert not ContactPreference.objects.exists()

    good = api.put(CONTACT, {"mobile_number": "07700 900123", "by_email": False, "by_sms": True})
    assert good.status_code == 200
    assert good.json() == {"mobile_number": "+447700900123", "by_email": False, "by_sms": True}


def test_anonymous_gets_401(api_client):
    assert api_client.get(LIST).status_code == 401
