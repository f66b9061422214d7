"""Appointment pages: booking, recording the outcome, the follow-up, your follow-ups, and the caseload."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.appointments.models import Appointment, MissedAppointmentFollowUp
from apps.appointments.services import appointment_outcome_record
from tests.appointments.factories import booked, missed
from tests.auth import sign_in
from tests.factories import ChildFactory, share_with
from tests.teams.factories import lead_for

pytestmark = pytest.mark.django_db

FollowUp = MissedAppointmentFollowUp


@pytest.fixture
def lead(lead_professional, child):
    lead_for(child, lead_professional)
    share_with(child, lead_professional, "appointments")
    return lead_professional


@pytest.fixture
def browser(client, lead):
    sign_in(client, lead)
    return client


def test_the_appointments_page_shows_where_and_the_missed_run(browser, child, lead):
    missed(child, lead, days_from_now=-8)
    missed(child, lead, days_from_now=-1, outcome="was_not_brought")
    booked(child, lead, days_from_now=4, location_detail="Riverside Academy, the library")
    page = browser.get(reverse("appointments:list", args=[child.public_id])).text
    assert "2 appointments missed in a row" in page
    assert "Riverside Academy, the library" in page
    assert "Was not brought" in page
    assert "Book an appointment" in page


def test_booking_in_the_browser(browser, child, lead):
    url = reverse("appointments:book", args=[child.public_id])
    assert browser.get(url).status_code == 200
    day = timezone.localdate() + datetime.timedelta(days=7)
    response = browser.post(
        url,
        {
            "purpose": "First assessment",
            "professional": str(lead.public_id),
            "on_0": day.day,
            "on_1": day.month,
            "on_2": day.year,
            "at": "4:30pm",
            "duration_minutes": "50",
            "location": "public_place",
            "location_detail": "The café in the park",
            "chosen_by_young_person": "on",
            "companion": "friend",
            "practical_support": ["transport_voucher"],
        },
    )
    assert response.status_code == 302, response.text
    appointment = Appointment.objects.get()
    assert timezone.localtime(appointment.starts_at).hour == 16
    assert appointment.practical_support == ["transport_voucher"]


def test_recording_was_not_brought_tells_who_follows_up(browser, child, lead):
    appointment = booked(child, lead)
    url = reverse("appointments:outcome", args=[child.public_id, appointment.public_id])
    form = browser.get(url).text
    assert "A child who depends on an adult" in form  # the hint that tells the two apart
    response = browser.post(url, {"outcome": "was_not_brought"}, follow=True)
    assert "has a follow-up to do by" in response.text
    assert FollowUp.objects.get().assigned_to == lead


def test_an_outcome_in_the_future_shows_the_problem_and_saves_nothing(browser, child, lead):
    appointment = booked(child, lead, days_from_now=2)
    url = reverse("appointments:outcome", args=[child.public_id, appointment.public_id])
    response = browser.post(url, {"outcome": "did_not_attend"})
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert "has not come yet" in response.text
    assert Appointment.objects.get().outcome == ""
    assert not FollowUp.objects.exists()


def test_completing_a_follow_up_in_the_browser(browser, child, lead):
    follow_up = FollowUp.objects.get(appointment=missed(child, lead))
    url = reverse("appointments:follow-up", args=[child.public_id, follow_up.public_id])
    mine = browser.get(reverse("appointments:my-follow-ups")).text
    assert url in mine
    empty = browser.post(url, {})
    assert "Select why the appointment was missed" in empty.text
    assert FollowUp.objects.get().status == "open"
    response = browser.post(
        url,
        {
            "reason": "felt_unsafe",
            "reason_detail": "Did not want to go near the estate",
            "child_safe": "yes",
            "safety_check": "seen_in_person",
            "alternative": "different_place",
            "alternative_detail": "Meet at school instead",
        },
    )
    assert response.status_code == 302
    follow_up.refresh_from_db()
    assert (follow_up.status, follow_up.reason, follow_up.child_safe) == ("completed", "felt_unsafe", True)
    assert "no missed-appointment follow-ups to do" in browser.get(reverse("appointments:my-follow-ups")).text


def test_the_caseload_shows_missed_appointments_and_follow_ups(browser, child, lead):
    missed(child, lead, days_from_now=-8)
    missed(child, lead, days_from_now=-1)
    page = browser.get(reverse("caseload:caseload")).text
    assert "2 in a row" in page
    # Both were recorded today, so both are due on the next working day: to do, not overdue.
    assert "2 follow-ups to do" in page
    narrowed = browser.get(reverse("caseload:caseload"), {"only": "missed"}).text
    assert child.known_as in narrowed


def test_the_caseload_with_appointments_runs_a_fixed_number_of_queries(
    browser, lead, django_assert_num_queries
):
    def add(count: int) -> None:
        for _ in range(count):
            other = ChildFactory()
            lead_for(other, lead)
            share_with(other, lead, "appointments")
            missed(other, lead, days_from_now=-3)
            appointment_outcome_record(
                actor=lead, appointment=booked(other, lead, days_from_now=-2), outcome="attended"
            )
            missed(other, lead, days_from_now=-1)

    add(2)
    url = reverse("caseload:caseload")
    browser.get(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as at_three:
        browser.get(url)
    add(4)
    with django_assert_num_queries(len(at_three.captured_queries)):
        page = browser.get(url).text
    assert page.count("1 in a row") == 6


def test_a_manager_given_the_follow_up_by_role_can_open_it_while_it_is_open(client, child, social_care):
    # Issue 14: someone asked to act is given what the task needs (the core record and the appointments,
    # while the follow-up is open), so the link in their list opens rather than being a 404.
    from tests.factories import ProfessionalFactory

    creator = ProfessionalFactory(organisation=social_care)
    manager = ProfessionalFactory(organisation=social_care, organisation__role="team-manager")
    missed(child, creator)
    sign_in(client, manager)
    page = client.get(reverse("appointments:my-follow-ups")).text
    link = reverse("appointments:follow-up", args=[child.public_id, FollowUp.objects.get().public_id])
    assert child.known_as in page
    assert link in page
    assert "arrange a lead professional" not in page
    assert client.get(link).status_code == 200


def test_the_appointments_page_and_follow_ups_run_a_fixed_number_of_queries(
    browser, child, lead, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    missed(child, lead, days_from_now=-9)
    pages = [
        reverse("appointments:list", args=[child.public_id]),
        reverse("appointments:my-follow-ups"),
    ]
    for url in pages:
        browser.get(url)
    counts = []
    for url in pages:
        with CaptureQueriesContext(connection) as captured:
            browser.get(url)
        counts.append(len(captured.captured_queries))
    for days in range(-8, -1):
        missed(child, lead, days_from_now=days, outcome="was_not_brought")
        booked(child, lead, days_from_now=-days, practical_support=["nearer_venue"])
    for url, count in zip(pages, counts, strict=True):
        with django_assert_num_queries(count):
            assert browser.get(url).status_code == 200


def test_the_clinician_is_offered_to_record_their_own_appointment_only(client, child, lead):
    from tests.factories import ProfessionalFactory
    from tests.teams.factories import professional_joins

    clinician = ProfessionalFactory(organisation__role="camhs-clinician")
    professional_joins(child, clinician, actor=lead)
    share_with(child, clinician, "appointments", actor=lead)
    theirs = booked(child, lead, professional=clinician)
    someone_elses = booked(child, lead, days_from_now=-2)
    sign_in(client, clinician)
    page = client.get(reverse("appointments:list", args=[child.public_id])).text
    assert reverse("appointments:outcome", args=[child.public_id, theirs.public_id]) in page
    assert reverse("appointments:outcome", args=[child.public_id, someone_elses.public_id]) not in page
    # Booking is direct care: a team member books for the young person they work with.
    assert "Book an appointment" in page
