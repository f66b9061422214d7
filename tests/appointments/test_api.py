"""The appointments API: booking, outcomes with their follow-up, completing follow-ups, and bad input."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from apps.appointments.models import Appointment, MissedAppointmentFollowUp
from apps.notifications.models import Notification
from tests.appointments.factories import booked
from tests.factories import ProfessionalFactory, share_with
from tests.teams.factories import lead_for

pytestmark = pytest.mark.django_db


def child_url(child, rest: str = "") -> str:
    return f"/api/v1/children/{child.public_id}/{rest}"


def _error_attrs(response) -> list[str]:
    return [error["attr"] for error in response.json()["errors"]]


@pytest.fixture
def lead(lead_professional, child):
    lead_for(child, lead_professional)
    share_with(child, lead_professional, "appointments")
    return lead_professional


@pytest.fixture
def api(lead):
    client = APIClient()
    client.force_authenticate(lead)
    return client


def _book(api, child, lead, **fields):
    body = {
        "professional": str(lead.public_id),
        "purpose": "First session",
        "starts_at": (timezone.now() - datetime.timedelta(hours=2)).isoformat(),
        "location": "youth_club",
        "location_detail": "Hythe Road youth club",
        "chosen_by_young_person": True,
        "companion": "trusted_adult",
        "practical_support": ["travel_costs"],
        **fields,
    }
    return api.post(child_url(child, "appointments/"), body, format="json")


def test_booking_and_reading_an_appointment(api, child, lead):
    response = _book(api, child, lead)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["location"] == "youth_club"
    assert body["practical_support"] == ["travel_costs"]
    assert body["outcome"] == ""
    detail = api.get(response["Location"])
    assert detail.status_code == 200
    assert detail.json()["public_id"] == body["public_id"]
    listed = api.get(child_url(child, "appointments/")).json()
    assert [row["public_id"] for row in listed["results"]] == [body["public_id"]]


def test_booking_with_an_unknown_place_names_the_field(api, child, lead):
    response = _book(api, child, lead, location="moon")
    assert response.status_code == 400
    assert _error_attrs(response) == ["location"]
    assert not Appointment.objects.exists()


def test_a_referral_that_is_not_this_childs_is_named_as_the_problem(api, child, lead):
    response = _book(api, child, lead, referral="00000000-0000-0000-0000-000000000000")
    assert response.status_code == 400
    assert _error_attrs(response) == ["referral"]
    assert not Appointment.objects.exists()


def test_recording_did_not_attend_returns_the_follow_up(api, child, lead):
    appointment = booked(child, lead)
    response = api.post(
        child_url(child, f"appointments/{appointment.public_id}/outcome/"),
        {"outcome": "did_not_attend"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    follow_up = response.json()["follow_up"]
    assert follow_up["assigned_to"]["public_id"] == str(lead.public_id)
    assert follow_up["status"] == "open"
    assert Notification.objects.filter(recipient=lead, kind="missed_appointment").count() == 1


def test_an_outcome_in_the_future_is_a_400_naming_outcome_and_nothing_is_saved(api, child, lead):
    appointment = booked(child, lead, days_from_now=3)
    response = api.post(
        child_url(child, f"appointments/{appointment.public_id}/outcome/"),
        {"outcome": "was_not_brought"},
        format="json",
    )
    assert response.status_code == 400
    assert _error_attrs(response) == ["outcome"]
    assert "has not come yet" in response.json()["errors"][0]["detail"]
    assert Appointment.objects.get().outcome == ""
    assert not MissedAppointmentFollowUp.objects.exists()


def test_a_second_outcome_needs_a_correction_reason(api, child, lead):
    appointment = booked(child, lead)
    url = child_url(child, f"appointments/{appointment.public_id}/outcome/")
    api.post(url, {"outcome": "attended"}, format="json")
    response = api.post(url, {"outcome": "did_not_attend"}, format="json")
    assert response.status_code == 400
    assert _error_attrs(response) == ["correction_reason"]
    corrected = api.post(
        url, {"outcome": "did_not_attend", "correction_reason": "Wrong young person marked."}, format="json"
    )
    assert corrected.status_code == 200
    assert corrected.json()["previous_outcome"] == "attended"


def test_completing_a_follow_up_by_api(api, child, lead):
    appointment = booked(child, lead)
    api.post(
        child_url(child, f"appointments/{appointment.public_id}/outcome/"),
        {"outcome": "was_not_brought"},
        format="json",
    )
    follow_up = api.get(child_url(child, "follow-ups/")).json()["results"][0]
    url = child_url(child, f"follow-ups/{follow_up['public_id']}/complete/")
    incomplete = api.post(url, {"reason": "not_told", "safety_check": "spoke_to_parent_carer"}, format="json")
    assert incomplete.status_code == 400
    assert set(_error_attrs(incomplete)) == {"child_safe", "alternative"}
    done = api.post(
        url,
        {
            "reason": "not_told",
            "child_safe": True,
            "safety_check": "spoke_to_parent_carer",
            "alternative": "different_time",
            "alternative_detail": "Thursday after school",
        },
        format="json",
    )
    assert done.status_code == 200, done.json()
    assert done.json()["status"] == "completed"
    assert api.get("/api/v1/follow-ups/").json()["count"] == 0


def test_my_follow_ups_lists_only_mine(api, child, lead):
    appointment = booked(child, lead)
    api.post(
        child_url(child, f"appointments/{appointment.public_id}/outcome/"),
        {"outcome": "did_not_attend"},
        format="json",
    )
    mine = api.get("/api/v1/follow-ups/").json()
    assert [row["child"] for row in mine["results"]] == [str(child.public_id)]
    someone_else = APIClient()
    someone_else.force_authenticate(ProfessionalFactory())
    assert someone_else.get("/api/v1/follow-ups/").json()["count"] == 0
