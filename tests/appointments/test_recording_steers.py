"""Recording that steers to the safe choice (issue 14, item 5).

- A child younger than BEACON_WAS_NOT_BROUGHT_UNDER_AGE is offered "was not brought" first, and "did not
  attend" for them needs the reason it was their own choice: in the service, so the browser and the API
  both meet it (hazard H48).
- "Tried, could not reach them" keeps a missed-appointment follow-up open, due again in working days, with a
  reminder; enough tries reach the safeguarding lead (hazard H49).
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from apps.appointments.models import Appointment, FollowUpAttempt, MissedAppointmentFollowUp
from apps.appointments.services import (
    appointment_outcome_record,
    follow_up_attempt_record,
    follow_up_complete,
    supporting_member_warning,
)
from apps.audit.models import AuditEvent
from apps.core.exceptions import ApplicationError, NotPermitted
from apps.notifications.models import Notification, Reminder
from apps.notifications.services import reminder_due_sweep
from apps.teams.services import trusted_worker_name
from tests.appointments.factories import booked, missed
from tests.auth import sign_in
from tests.factories import ProfessionalFactory
from tests.teams.factories import lead_for, professional_joins

pytestmark = pytest.mark.django_db

FollowUp = MissedAppointmentFollowUp
# Tuesday 24 November 2026, noon in London: no bank holiday near it.
TUESDAY = datetime.datetime(2026, 11, 24, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def lead(lead_professional, child):
    lead_for(child, lead_professional)
    return lead_professional


@pytest.fixture
def api_client_for():
    def make(user):
        client = APIClient()
        client.force_authenticate(user)
        return client

    return make


@pytest.fixture
def safeguarding_lead(social_care):
    return ProfessionalFactory(
        username="safeguarding", organisation=social_care, organisation__role="safeguarding-lead"
    )


def _aged(child, years: int, *, days_after_birthday: int = 30, on: datetime.date | None = None):
    """Make ``child`` ``years`` old on ``on`` (yesterday, the default appointment's day)."""
    on = on or timezone.localdate() - datetime.timedelta(days=1)
    last_birthday = on - datetime.timedelta(days=days_after_birthday)
    child.date_of_birth = last_birthday.replace(year=last_birthday.year - years)
    child.save(update_fields=["date_of_birth"])
    return child


# --- Was not brought ----------------------------------------------------------------------------------


def test_did_not_attend_for_a_nine_year_old_is_refused_without_a_reason(child, lead):
    _aged(child, 9)
    appointment = booked(child, lead)

    with pytest.raises(ApplicationError) as refusal:
        appointment_outcome_record(
            actor=lead, appointment=appointment, outcome=Appointment.Outcome.DID_NOT_ATTEND
        )

    assert refusal.value.field == "did_not_attend_reason"
    assert "choose 'was not brought'" in refusal.value.message
    appointment.refresh_from_db()
    assert appointment.outcome == ""
    assert not FollowUp.objects.filter(appointment=appointment).exists()


def test_did_not_attend_for_a_young_child_with_a_reason_is_recorded_and_audited(child, lead):
    _aged(child, 11)
    appointment = booked(child, lead)

    appointment_outcome_record(
        actor=lead,
        appointment=appointment,
        outcome=Appointment.Outcome.DID_NOT_ATTEND,
        did_not_attend_reason="  Walks to the youth club on her own; told us she chose not to come.  ",
    )

    appointment.refresh_from_db()
    assert appointment.outcome == Appointment.Outcome.DID_NOT_ATTEND
    assert (
        appointment.did_not_attend_reason
        == "Walks to the youth club on her own; told us she chose not to come."
    )
    event = AuditEvent.objects.filter(
        target_id=str(appointment.public_id), action=AuditEvent.Action.UPDATE
    ).get()
    assert event.detail["young_child_did_not_attend"] is True
    assert "did_not_attend_reason" in event.detail["fields"]
    # Still a missed appointment: its follow-up exists as for anyone.
    assert FollowUp.objects.filter(appointment=appointment, status=FollowUp.Status.OPEN).exists()


def test_was_not_brought_for_a_young_child_needs_no_reason(child, lead):
    _aged(child, 9)
    appointment = booked(child, lead)

    appointment_outcome_record(
        actor=lead, appointment=appointment, outcome=Appointment.Outcome.WAS_NOT_BROUGHT
    )

    appointment.refresh_from_db()
    assert appointment.outcome == Appointment.Outcome.WAS_NOT_BROUGHT
    assert appointment.did_not_attend_reason == ""


@pytest.mark.parametrize(
    ("years", "days_after_birthday", "needs_reason"),
    [
        (11, 364, True),  # The day before the 12th birthday.
        (12, 0, False),  # The 12th birthday itself.
        (12, 1, False),
        (14, 30, False),
    ],
)
def test_the_age_threshold_is_counted_on_the_appointments_day(
    child, lead, years, days_after_birthday, needs_reason
):
    on = timezone.localdate() - datetime.timedelta(days=1)
    _aged(child, years, days_after_birthday=days_after_birthday, on=on)
    appointment = booked(child, lead)

    if needs_reason:
        with pytest.raises(ApplicationError):
            appointment_outcome_record(
                actor=lead, appointment=appointment, outcome=Appointment.Outcome.DID_NOT_ATTEND
            )
    else:
        appointment_outcome_record(
            actor=lead, appointment=appointment, outcome=Appointment.Outcome.DID_NOT_ATTEND
        )
        appointment.refresh_from_db()
        assert appointment.outcome == Appointment.Outcome.DID_NOT_ATTEND
        assert appointment.did_not_attend_reason == ""


def test_the_age_is_a_setting(child, lead, settings):
    settings.BEACON_WAS_NOT_BROUGHT_UNDER_AGE = 16
    appointment = booked(child, lead)  # The child is 14.

    with pytest.raises(ApplicationError):
        appointment_outcome_record(
            actor=lead, appointment=appointment, outcome=Appointment.Outcome.DID_NOT_ATTEND
        )


def test_a_correction_to_did_not_attend_for_a_young_child_also_needs_the_reason(child, lead):
    _aged(child, 8)
    appointment = booked(child, lead)
    appointment_outcome_record(actor=lead, appointment=appointment, outcome=Appointment.Outcome.ATTENDED)

    with pytest.raises(ApplicationError) as refusal:
        appointment_outcome_record(
            actor=lead,
            appointment=appointment,
            outcome=Appointment.Outcome.DID_NOT_ATTEND,
            correction_reason="Recorded against the wrong child",
        )
    assert refusal.value.field == "did_not_attend_reason"


def test_the_browser_form_offers_was_not_brought_first_for_a_young_child(client, child, lead):
    _aged(child, 9)
    appointment = booked(child, lead)
    sign_in(client, lead)
    url = reverse("appointments:outcome", args=[child.public_id, appointment.public_id])

    page = client.get(url).content.decode()

    assert page.index('value="was_not_brought"') < page.index('value="did_not_attend"')
    assert 'name="did_not_attend_reason"' in page

    response = client.post(url, {"outcome": "did_not_attend"})
    assert response.status_code == 200
    assert "choose &#x27;was not brought&#x27;" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.outcome == ""


def test_the_browser_form_for_an_older_young_person_is_unchanged(client, child, lead):
    appointment = booked(child, lead)  # 14 years old.
    sign_in(client, lead)
    url = reverse("appointments:outcome", args=[child.public_id, appointment.public_id])

    page = client.get(url).content.decode()

    assert page.index('value="did_not_attend"') < page.index('value="was_not_brought"')
    assert 'name="did_not_attend_reason"' not in page
    response = client.post(url, {"outcome": "did_not_attend"})
    assert response.status_code == 302


def test_the_api_refuses_did_not_attend_for_a_young_child_without_a_reason(api_client_for, child, lead):
    _aged(child, 9)
    appointment = booked(child, lead)
    client = api_client_for(lead)
    url = reverse("appointments-api:appointment-outcome", args=[child.public_id, appointment.public_id])

    refused = client.post(url, {"outcome": "did_not_attend"})
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["attr"] == "did_not_attend_reason"

    accepted = client.post(
        url, {"outcome": "did_not_attend", "did_not_attend_reason": "Came alone before; chose not to."}
    )
    assert accepted.status_code == 200
    assert accepted.json()["did_not_attend_reason"] == "Came alone before; chose not to."


# --- Tried, could not reach them ---------------------------------------------------------------------


def _try(follow_up, actor, **fields):
    defaults = {
        "method": FollowUpAttempt.Method.PHONE,
        "what_was_tried": "Rang mum's mobile twice, no answer",
    }
    return follow_up_attempt_record(actor=actor, follow_up=follow_up, **{**defaults, **fields})


def test_a_try_that_reached_nobody_keeps_the_follow_up_open_and_due_again(child, lead):
    with time_machine.travel(TUESDAY, tick=False):
        missed(child, lead)
        follow_up = FollowUp.objects.get(child=child)
        assert follow_up.due_on == datetime.date(2026, 11, 25)

    # Friday: the follow-up is overdue; the try moves it to the next working day, Monday.
    with time_machine.travel(datetime.datetime(2026, 11, 27, 10, 0, tzinfo=datetime.UTC), tick=False):
        attempt = _try(follow_up, lead)

        follow_up.refresh_from_db()
        assert follow_up.status == FollowUp.Status.OPEN
        assert follow_up.due_on == datetime.date(2026, 11, 30)
        assert not follow_up.is_overdue
        assert attempt.number == 1
        assert attempt.due_again_on == datetime.date(2026, 11, 30)
        assert attempt.what_was_tried == "Rang mum's mobile twice, no answer"
        assert AuditEvent.objects.filter(
            target_id=str(attempt.public_id), action=AuditEvent.Action.CREATE
        ).exists()


def test_each_try_sets_one_reminder_for_the_day_it_is_due_and_completion_cancels_it(child, lead):
    with time_machine.travel(TUESDAY, tick=False):
        missed(child, lead)
        follow_up = FollowUp.objects.get(child=child)
        _try(follow_up, lead)
        _try(follow_up, lead, method=FollowUpAttempt.Method.TEXT, what_was_tried="Texted, no reply")

    reminders = Reminder.objects.filter(recipient=lead, kind=Notification.Kind.FOLLOW_UP_DUE).order_by("pk")
    assert [reminder.status for reminder in reminders] == [
        Reminder.Status.CANCELLED,
        Reminder.Status.SCHEDULED,
    ]
    assert reminders[1].due_at == datetime.datetime(2026, 11, 25, 9, 0, tzinfo=ZoneInfo("Europe/London"))

    # On the day, the reminder engine sends it once.
    with time_machine.travel(datetime.datetime(2026, 11, 25, 9, 30, tzinfo=datetime.UTC), tick=False):
        assert reminder_due_sweep() == 1
        assert reminder_due_sweep() == 0
    assert Notification.objects.filter(recipient=lead, kind=Notification.Kind.FOLLOW_UP_DUE).count() == 1

    # A third try and then somebody reached: the third try's reminder is cancelled with the follow-up done.
    with time_machine.travel(datetime.datetime(2026, 11, 25, 11, 0, tzinfo=datetime.UTC), tick=False):
        _try(follow_up, lead, method=FollowUpAttempt.Method.HOME_VISIT, what_was_tried="Knocked, nobody home")
        follow_up_complete(
            actor=lead,
            follow_up=follow_up,
            reason=FollowUp.Reason.NOT_TOLD,
            child_safe=True,
            safety_check=FollowUp.SafetyCheck.SPOKE_TO_PARENT_CARER,
            alternative=FollowUp.Alternative.DIFFERENT_TIME,
        )
    last = Reminder.objects.filter(dedupe_key__endswith=":try-again:3").get()
    assert last.status == Reminder.Status.CANCELLED


def test_the_third_unsuccessful_try_reaches_the_safeguarding_lead_once(child, lead, safeguarding_lead):
    with time_machine.travel(TUESDAY, tick=False):
        missed(child, lead)  # A first missed appointment: no escalation yet.
        follow_up = FollowUp.objects.get(child=child)
        assert follow_up.escalated_at is None
        _try(follow_up, lead)
        _try(follow_up, lead)
        assert not Notification.objects.filter(
            recipient=safeguarding_lead, kind=Notification.Kind.SAFEGUARDING_ESCALATION
        ).exists()

        _try(follow_up, lead)
        _try(follow_up, lead)

    escalations = Notification.objects.filter(
        recipient=safeguarding_lead, kind=Notification.Kind.SAFEGUARDING_ESCALATION
    )
    assert escalations.count() == 1
    assert "3 tries" in escalations.get().subject
    follow_up.refresh_from_db()
    assert follow_up.escalated_at is not None
    assert follow_up.status == FollowUp.Status.OPEN
    assert follow_up.attempts.count() == 4


def test_the_number_of_tries_before_escalation_is_a_setting(child, lead, safeguarding_lead, settings):
    settings.BEACON_FOLLOW_UP_ESCALATE_AFTER_ATTEMPTS = 1
    missed(child, lead)
    follow_up = FollowUp.objects.get(child=child)

    _try(follow_up, lead)

    assert Notification.objects.filter(
        recipient=safeguarding_lead, kind=Notification.Kind.SAFEGUARDING_ESCALATION
    ).exists()


def test_a_try_on_a_completed_follow_up_is_refused(child, lead):
    missed(child, lead)
    follow_up = FollowUp.objects.get(child=child)
    follow_up_complete(
        actor=lead,
        follow_up=follow_up,
        reason=FollowUp.Reason.FORGOT,
        child_safe=True,
        safety_check=FollowUp.SafetyCheck.SPOKE_TO_YOUNG_PERSON,
        alternative=FollowUp.Alternative.DIFFERENT_TIME,
    )
    stale = FollowUp.objects.get(pk=follow_up.pk)
    stale.status = FollowUp.Status.OPEN  # As a page loaded before the completion would hold it.

    with pytest.raises(ApplicationError) as refusal:
        _try(stale, lead)

    assert "already done" in refusal.value.message
    assert not FollowUpAttempt.objects.exists()


def test_a_try_needs_what_was_tried_and_a_method(child, lead):
    missed(child, lead)
    follow_up = FollowUp.objects.get(child=child)

    with pytest.raises(ApplicationError) as blank:
        _try(follow_up, lead, what_was_tried="   ")
    with pytest.raises(ApplicationError) as method:
        _try(follow_up, lead, method="carrier_pigeon")

    assert blank.value.field == "what_was_tried"
    assert method.value.field == "method"
    assert not FollowUpAttempt.objects.exists()


def test_only_the_assignee_or_someone_who_may_change_the_record_may_record_a_try(child, lead, outsider):
    missed(child, lead)
    follow_up = FollowUp.objects.get(child=child)

    with pytest.raises(NotPermitted):
        _try(follow_up, outsider)
    assert not FollowUpAttempt.objects.exists()


def test_the_follow_up_page_lists_tries_and_records_one(client, child, lead):
    missed(child, lead)
    follow_up = FollowUp.objects.get(child=child)
    sign_in(client, lead)
    page_url = reverse("appointments:follow-up", args=[child.public_id, follow_up.public_id])
    attempt_url = reverse("appointments:follow-up-attempt", args=[child.public_id, follow_up.public_id])

    page = client.get(page_url).content.decode()
    assert "Tried, could not reach them yet" in page
    assert f'action="{attempt_url}"' in page

    empty = client.post(attempt_url, {"attempt-method": "phone", "attempt-what_was_tried": ""})
    assert empty.status_code == 200
    assert "Enter what you tried" in empty.content.decode()

    done = client.post(
        attempt_url, {"attempt-method": "phone", "attempt-what_was_tried": "Rang twice, voicemail full"}
    )
    assert done.status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUp.Status.OPEN
    page = client.get(page_url).content.decode()
    assert "Rang twice, voicemail full" in page


def test_the_api_records_a_try_and_shows_it_on_the_follow_up(api_client_for, child, lead):
    missed(child, lead)
    follow_up = FollowUp.objects.get(child=child)
    client = api_client_for(lead)

    response = client.post(
        reverse("appointments-api:follow-up-attempt", args=[child.public_id, follow_up.public_id]),
        {"method": "text", "what_was_tried": "Texted the young person"},
    )

    assert response.status_code == 201
    assert response.json()["number"] == 1
    listed = client.get(reverse("appointments-api:follow-ups", args=[child.public_id])).json()
    assert listed["results"][0]["status"] == "open"
    assert listed["results"][0]["attempts"][0]["what_was_tried"] == "Texted the young person"


# --- Team around the worker: booking a supporting member warns first (R20) ---------------------------


@pytest.fixture
def around_the_worker(child, lead):
    """Tia is the worker the young person trusts; the lead professional, and Sol, are supporting members."""
    tia = ProfessionalFactory(display_name="Tia Trusted")
    trusted_worker_name(actor=lead, membership=professional_joins(child, tia, actor=lead))
    sol = ProfessionalFactory(display_name="Sol Support")
    professional_joins(child, sol, actor=lead)
    return tia, sol


def test_booking_the_trusted_worker_needs_no_acknowledgement(child, lead, around_the_worker):
    tia, _ = around_the_worker

    appointment = booked(child, lead, days_from_now=3, professional=tia)

    assert appointment.direct_contact_acknowledged is False
    assert supporting_member_warning(child=child, professional=tia) == ""


def test_booking_a_supporting_member_is_refused_until_acknowledged_with_a_reason(
    child, lead, around_the_worker
):
    _, sol = around_the_worker
    assert "Tia Trusted, the worker they trust" in supporting_member_warning(child=child, professional=sol)

    with pytest.raises(ApplicationError) as unacknowledged:
        booked(child, lead, days_from_now=3, professional=sol)
    with pytest.raises(ApplicationError) as no_reason:
        booked(child, lead, days_from_now=3, professional=sol, direct_contact_acknowledged=True)

    assert unacknowledged.value.field == "direct_contact_acknowledged"
    assert "Sol Support is a supporting member" in unacknowledged.value.message
    assert no_reason.value.field == "direct_contact_reason"
    assert not Appointment.objects.filter(professional=sol).exists()

    appointment = booked(
        child,
        lead,
        days_from_now=3,
        professional=sol,
        direct_contact_acknowledged=True,
        direct_contact_reason="Tia is on leave and the assessment cannot wait",
    )
    appointment.refresh_from_db()
    assert appointment.direct_contact_acknowledged is True
    assert appointment.direct_contact_reason == "Tia is on leave and the assessment cannot wait"
    event = AuditEvent.objects.get(target_id=str(appointment.public_id), action=AuditEvent.Action.CREATE)
    assert event.detail["supporting_member_booked"] is True


def test_without_a_trusted_worker_nobody_is_warned_about(child, lead):
    sol = ProfessionalFactory(display_name="Sol Support")
    professional_joins(child, sol, actor=lead)

    appointment = booked(child, lead, days_from_now=3, professional=sol)

    assert appointment.direct_contact_acknowledged is False


def test_the_booking_page_warns_then_books_once_confirmed(client, child, lead, around_the_worker):
    _, sol = around_the_worker
    sign_in(client, lead)
    url = reverse("appointments:book", args=[child.public_id])
    day = timezone.localdate() + datetime.timedelta(days=3)
    data = {
        "purpose": "Assessment",
        "professional": str(sol.public_id),
        "on_0": day.day,
        "on_1": day.month,
        "on_2": day.year,
        "at": "16:30",
        "duration_minutes": 50,
        "location": "school",
    }

    warned = client.post(url, data)

    page = warned.content.decode()
    assert warned.status_code == 200
    assert "govuk-warning-text" in page
    assert 'name="direct_contact_acknowledged"' in page
    assert not Appointment.objects.filter(professional=sol).exists()

    booked_response = client.post(
        url, {**data, "direct_contact_acknowledged": "on", "direct_contact_reason": "Tia is on leave"}
    )
    assert booked_response.status_code == 302
    assert Appointment.objects.get(professional=sol).direct_contact_reason == "Tia is on leave"


def test_the_api_requires_the_acknowledgement_field(api_client_for, child, lead, around_the_worker):
    _, sol = around_the_worker
    client = api_client_for(lead)
    url = reverse("appointments-api:appointments", args=[child.public_id])
    body = {
        "professional": str(sol.public_id),
        "purpose": "Assessment",
        "starts_at": (timezone.now() + datetime.timedelta(days=3)).isoformat(),
        "location": "school",
    }

    refused = client.post(url, body)
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["attr"] == "direct_contact_acknowledged"

    accepted = client.post(
        url, {**body, "direct_contact_acknowledged": True, "direct_contact_reason": "Tia is on leave"}
    )
    assert accepted.status_code == 201
    assert accepted.json()["direct_contact_acknowledged"] is True
