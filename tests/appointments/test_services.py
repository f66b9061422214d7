"""Appointments and the missed-appointment follow-up: who must act, by when, and when it escalates."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from apps.appointments.models import Appointment, MissedAppointmentFollowUp
from apps.appointments.services import (
    appointment_book,
    appointment_outcome_record,
    discharge_reason_validate,
    follow_up_complete,
    follow_up_overdue_sweep,
    missed_in_a_row,
)
from apps.audit.models import AuditEvent
from apps.children.services import social_work_status_record
from apps.core.exceptions import ApplicationError, NotPermitted
from apps.notifications.models import Notification
from tests.appointments.factories import booked, missed
from tests.factories import ProfessionalFactory
from tests.teams.factories import lead_for

pytestmark = pytest.mark.django_db

FollowUp = MissedAppointmentFollowUp
# A Tuesday in term time with no bank holiday near it.
TUESDAY = datetime.datetime(2026, 11, 24, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def lead(lead_professional, child):
    lead_for(child, lead_professional)
    return lead_professional


@pytest.fixture
def safeguarding_lead(social_care):
    return ProfessionalFactory(
        username="safeguarding", organisation=social_care, organisation__role="safeguarding-lead"
    )


@pytest.fixture
def team_manager(social_care):
    return ProfessionalFactory(
        username="manager", organisation=social_care, organisation__role="team-manager"
    )


def _complete(follow_up, actor, **answers):
    defaults = {
        "reason": FollowUp.Reason.TRANSPORT_COST,
        "child_safe": True,
        "safety_check": FollowUp.SafetyCheck.SPOKE_TO_YOUNG_PERSON,
        "alternative": FollowUp.Alternative.DIFFERENT_PLACE,
        "alternative_detail": "Next week at school, in the lunch break",
    }
    return follow_up_complete(actor=actor, follow_up=follow_up, **{**defaults, **answers})


# --- Booking -----------------------------------------------------------------------------------------


def test_booking_records_where_who_comes_and_the_practical_help(child, lead):
    appointment = booked(
        child,
        lead,
        days_from_now=3,
        companion=Appointment.Companion.TRUSTED_ADULT,
        companion_name="Dev, the boxing club coach",
        practical_support=["transport_voucher", "nearer_venue"],
    )
    appointment.refresh_from_db()
    assert appointment.location == Appointment.Location.COMMUNITY_PLACE
    assert appointment.chosen_by_young_person
    assert appointment.companion_name == "Dev, the boxing club coach"
    assert appointment.practical_support == ["transport_voucher", "nearer_venue"]
    audit = AuditEvent.objects.filter(action="create", child=child, target_type="appointments.appointment")
    assert audit.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"purpose": " "}, "purpose"),
        ({"location": "moon"}, "location"),
        ({"practical_support": ["pony"]}, "practical_support"),
        ({"duration_minutes": 0}, "duration_minutes"),
    ],
)
def test_booking_with_bad_input_says_what_to_fix_and_saves_nothing(child, lead, fields, field):
    with pytest.raises(ApplicationError) as error:
        booked(child, lead, **fields)
    assert error.value.field == field
    assert not Appointment.objects.exists()


# --- Outcomes ----------------------------------------------------------------------------------------


def test_attended_creates_no_follow_up(child, lead):
    appointment = booked(child, lead)
    appointment_outcome_record(actor=lead, appointment=appointment, outcome="attended")
    assert Appointment.objects.get().outcome == "attended"
    assert not FollowUp.objects.exists()


def test_an_outcome_for_an_appointment_in_the_future_is_refused_and_nothing_saved(child, lead):
    appointment = booked(child, lead, days_from_now=2)
    with pytest.raises(ApplicationError, match="has not come yet") as error:
        appointment_outcome_record(actor=lead, appointment=appointment, outcome="did_not_attend")
    assert error.value.field == "outcome"
    appointment.refresh_from_db()
    assert appointment.outcome == ""
    assert not FollowUp.objects.exists()
    assert not Notification.objects.exists()


def test_a_future_appointment_can_be_cancelled(child, lead):
    appointment = booked(child, lead, days_from_now=2)
    appointment_outcome_record(actor=lead, appointment=appointment, outcome="cancelled_by_family")
    assert Appointment.objects.get().outcome == "cancelled_by_family"
    assert not FollowUp.objects.exists()


def test_an_outcome_is_recorded_once_unless_corrected_with_a_reason(child, lead):
    appointment = missed(child, lead)
    with pytest.raises(ApplicationError, match="already recorded") as error:
        appointment_outcome_record(actor=lead, appointment=appointment, outcome="attended")
    assert error.value.field == "correction_reason"
    assert Appointment.objects.get().outcome == "did_not_attend"
    appointment_outcome_record(
        actor=lead,
        appointment=appointment,
        outcome="attended",
        correction_reason="She came in late and was seen; the register was marked early.",
    )
    appointment.refresh_from_db()
    assert (appointment.outcome, appointment.previous_outcome) == ("attended", "did_not_attend")
    # Nothing left to follow up: the follow-up is withdrawn, not deleted.
    assert FollowUp.objects.get().status == FollowUp.Status.WITHDRAWN


def test_correcting_to_a_missed_appointment_creates_the_follow_up(child, lead):
    appointment = booked(child, lead)
    appointment_outcome_record(actor=lead, appointment=appointment, outcome="attended")
    appointment_outcome_record(
        actor=lead, appointment=appointment, outcome="was_not_brought", correction_reason="Marked wrongly."
    )
    assert FollowUp.objects.get().status == FollowUp.Status.OPEN


def test_an_unmet_wish_for_a_companion_needs_a_reason(child, lead):
    appointment = booked(child, lead, companion="advocate")
    with pytest.raises(ApplicationError) as error:
        appointment_outcome_record(
            actor=lead, appointment=appointment, outcome="attended", companion_wish_met=False
        )
    assert error.value.field == "companion_wish_not_met_reason"
    assert Appointment.objects.get().outcome == ""


# --- The follow-up -----------------------------------------------------------------------------------


@time_machine.travel(TUESDAY, tick=False)
def test_a_missed_appointment_creates_a_follow_up_for_the_lead_professional_due_next_working_day(
    child, lead, social_care
):
    clinician = ProfessionalFactory(username="clinician", organisation__role="camhs-clinician")
    appointment = booked(child, clinician)
    appointment_outcome_record(actor=clinician, appointment=appointment, outcome="did_not_attend")
    follow_up = FollowUp.objects.get()
    assert follow_up.assigned_to == lead
    assert follow_up.assigned_as == FollowUp.AssignedAs.LEAD_PROFESSIONAL
    assert follow_up.due_on == datetime.date(2026, 11, 25)
    assert follow_up.missed_in_a_row == 1
    assert follow_up.escalated_at is None
    notification = Notification.objects.get(recipient=lead, kind=Notification.Kind.MISSED_APPOINTMENT)
    assert "25 November 2026" in notification.subject
    assert str(follow_up.public_id) in notification.link


@time_machine.travel(datetime.datetime(2026, 12, 24, 12, 0, tzinfo=datetime.UTC), tick=False)
def test_the_follow_up_due_date_skips_christmas_and_the_weekend(child, lead):
    missed(child, lead)
    # Christmas Day (Fri), the weekend, and Monday 28th (Boxing Day's substitute) are not working days.
    assert FollowUp.objects.get().due_on == datetime.date(2026, 12, 29)


@time_machine.travel(TUESDAY, tick=False)
def test_the_follow_up_interval_is_configurable(child, lead, settings):
    settings.BEACON_MISSED_APPOINTMENT_FOLLOW_UP_WORKING_DAYS = 3
    missed(child, lead)
    assert FollowUp.objects.get().due_on == datetime.date(2026, 11, 27)


@pytest.mark.parametrize("days", [0, -2])
def test_a_follow_up_interval_of_zero_is_refused_clearly_and_nothing_saved(child, lead, settings, days):
    settings.BEACON_MISSED_APPOINTMENT_FOLLOW_UP_WORKING_DAYS = days
    appointment = booked(child, lead)
    with pytest.raises(ImproperlyConfigured, match="BEACON_MISSED_APPOINTMENT_FOLLOW_UP_WORKING_DAYS"):
        appointment_outcome_record(actor=lead, appointment=appointment, outcome="did_not_attend")
    assert Appointment.objects.get().outcome == ""
    assert not FollowUp.objects.exists()


def test_the_settings_check_names_a_zero_interval(settings):
    from apps.appointments.checks import missed_appointment_settings_check

    settings.BEACON_MISSED_APPOINTMENT_FOLLOW_UP_WORKING_DAYS = 0
    settings.BEACON_MISSED_APPOINTMENT_ESCALATE_AT_ONCE_FOR = ["child_protection", "lost"]
    errors = missed_appointment_settings_check(None)
    assert [error.id for error in errors] == ["appointments.E001", "appointments.E002"]
    assert "1 or more" in errors[0].msg
    assert "lost" in errors[1].msg


def test_a_child_without_a_lead_professional_goes_to_the_team_manager_never_nobody(
    child, lead_professional, team_manager
):
    missed(child, lead_professional)
    follow_up = FollowUp.objects.get()
    assert follow_up.assigned_to == team_manager
    assert follow_up.assigned_as == FollowUp.AssignedAs.TEAM_MANAGER
    assert Notification.objects.filter(recipient=team_manager, kind="missed_appointment").exists()


def test_with_no_lead_and_no_manager_the_safeguarding_lead_follows_up(
    child, lead_professional, safeguarding_lead
):
    missed(child, lead_professional)
    assert FollowUp.objects.get().assigned_to == safeguarding_lead


def test_with_nobody_else_it_stays_with_the_person_who_recorded_it(child, lead_professional):
    missed(child, lead_professional)
    follow_up = FollowUp.objects.get()
    assert (follow_up.assigned_to, follow_up.assigned_as) == (lead_professional, "recorder")


# --- Escalation --------------------------------------------------------------------------------------


def test_one_missed_appointment_does_not_escalate_but_two_in_a_row_do(child, lead, safeguarding_lead):
    missed(child, lead, days_from_now=-8)
    assert not Notification.objects.filter(kind="safeguarding_escalation").exists()
    missed(child, lead, days_from_now=-1, outcome="was_not_brought")
    latest = FollowUp.objects.order_by("-pk").first()
    assert latest.missed_in_a_row == 2
    assert latest.escalated_at is not None
    assert "2 appointments missed in a row" in latest.escalation_reason
    assert Notification.objects.get(kind="safeguarding_escalation").recipient == safeguarding_lead


def test_attending_breaks_the_run_and_cancellations_are_passed_over(child, lead, safeguarding_lead):
    missed(child, lead, days_from_now=-20)
    appointment_outcome_record(
        actor=lead, appointment=booked(child, lead, days_from_now=-15), outcome="attended"
    )
    missed(child, lead, days_from_now=-10)
    appointment_outcome_record(
        actor=lead, appointment=booked(child, lead, days_from_now=-5), outcome="cancelled_by_service"
    )
    last = missed(child, lead, days_from_now=-1)
    assert missed_in_a_row(appointment=last) == 2
    assert Notification.objects.filter(kind="safeguarding_escalation").count() == 1


def test_the_escalation_threshold_is_configurable(child, lead, safeguarding_lead, settings):
    settings.BEACON_MISSED_APPOINTMENT_ESCALATE_AFTER = 3
    missed(child, lead, days_from_now=-8)
    missed(child, lead, days_from_now=-4)
    assert not Notification.objects.filter(kind="safeguarding_escalation").exists()
    missed(child, lead, days_from_now=-1)
    assert Notification.objects.filter(kind="safeguarding_escalation").count() == 1


@pytest.mark.parametrize("status", ["child_protection", "looked_after"])
def test_one_missed_appointment_escalates_for_a_child_on_a_plan_or_looked_after(
    child, lead, safeguarding_lead, status
):
    extra = {"legal_status": "in_care", "placement_type": "foster_care"} if status == "looked_after" else {}
    social_work_status_record(
        actor=lead,
        child=child,
        status=status,
        started_on=timezone.localdate() - datetime.timedelta(days=30),
        **extra,
    )
    missed(child, lead)
    follow_up = FollowUp.objects.get()
    assert follow_up.escalated_at is not None
    assert Notification.objects.get(kind="safeguarding_escalation").recipient == safeguarding_lead


def test_a_child_in_need_is_not_escalated_after_one(child, lead, safeguarding_lead):
    social_work_status_record(
        actor=lead,
        child=child,
        status="child_in_need",
        started_on=timezone.localdate() - datetime.timedelta(days=30),
    )
    missed(child, lead)
    assert not Notification.objects.filter(kind="safeguarding_escalation").exists()


# --- Completing it -----------------------------------------------------------------------------------


def test_completing_needs_why_safe_and_what_was_offered(child, lead):
    follow_up = FollowUp.objects.get(appointment=missed(child, lead))
    for missing in ("reason", "safety_check", "alternative"):
        with pytest.raises(ApplicationError) as error:
            _complete(follow_up, lead, **{missing: ""})
        assert error.value.field == missing
    with pytest.raises(ApplicationError) as error:
        _complete(follow_up, lead, child_safe=None)
    assert error.value.field == "child_safe"
    with pytest.raises(ApplicationError) as error:
        _complete(follow_up, lead, reason="other")
    assert error.value.field == "reason_detail"
    assert FollowUp.objects.get().status == FollowUp.Status.OPEN
    done = _complete(follow_up, lead)
    assert done.status == FollowUp.Status.COMPLETED
    assert done.completed_by == lead
    assert done.reason == FollowUp.Reason.TRANSPORT_COST


def test_a_follow_up_is_completed_once(child, lead):
    follow_up = FollowUp.objects.get(appointment=missed(child, lead))
    _complete(follow_up, lead)
    with pytest.raises(ApplicationError, match="already done"):
        _complete(FollowUp.objects.get(), lead)


def test_only_the_assignee_or_someone_who_may_change_the_record_completes_it(
    child, lead, read_only_professional
):
    follow_up = FollowUp.objects.get(appointment=missed(child, lead))
    with pytest.raises(NotPermitted):
        _complete(follow_up, read_only_professional)


def test_finding_the_child_may_not_be_safe_tells_the_safeguarding_lead(child, lead, safeguarding_lead):
    follow_up = FollowUp.objects.get(appointment=missed(child, lead))
    with pytest.raises(ApplicationError) as error:
        _complete(follow_up, lead, child_safe=False)
    assert error.value.field == "safety_note"
    _complete(follow_up, lead, child_safe=False, safety_note="Bruising seen; strategy discussion requested.")
    assert Notification.objects.get(kind="safeguarding_escalation").recipient == safeguarding_lead


# --- The overdue sweep -------------------------------------------------------------------------------


def test_the_sweep_tells_the_assignee_and_team_manager_once(child, lead, team_manager):
    with time_machine.travel(TUESDAY, tick=False):
        missed(child, lead)
    with time_machine.travel(TUESDAY + datetime.timedelta(days=1), tick=False):
        assert follow_up_overdue_sweep() == {"overdue": 0, "escalated": 0}  # due today: not yet overdue
    with time_machine.travel(TUESDAY + datetime.timedelta(days=2), tick=False):
        assert follow_up_overdue_sweep() == {"overdue": 1, "escalated": 1}
        assert follow_up_overdue_sweep() == {"overdue": 0, "escalated": 0}
    overdue = Notification.objects.filter(kind="follow_up_overdue")
    assert set(overdue.values_list("recipient__username", flat=True)) == {"lead", "manager"}


def test_a_completed_follow_up_is_never_chased(child, lead, team_manager):
    with time_machine.travel(TUESDAY, tick=False):
        _complete(FollowUp.objects.get(appointment=missed(child, lead)), lead)
    with time_machine.travel(TUESDAY + datetime.timedelta(days=5), tick=False):
        assert follow_up_overdue_sweep() == {"overdue": 0, "escalated": 0}


# --- Never a discharge reason ------------------------------------------------------------------------


@pytest.mark.parametrize("reason", ["did_not_attend", "DNA", "was not brought", "non-attendance"])
def test_missing_appointments_is_never_accepted_as_a_discharge_reason(reason):
    with pytest.raises(ApplicationError, match="never a reason to close or discharge"):
        discharge_reason_validate(reason=reason)


def test_other_discharge_reasons_pass():
    discharge_reason_validate(reason="goals_met")


# --- Who records, and the referral's wait clock ---------------------------------------------------


def test_the_clinician_records_their_own_appointment_without_changing_the_record(child, lead):
    from tests.teams.factories import professional_joins

    clinician = ProfessionalFactory(username="clinician", organisation__role="camhs-clinician")
    professional_joins(child, clinician, actor=lead)
    appointment = booked(child, lead, professional=clinician)
    appointment_outcome_record(actor=clinician, appointment=appointment, outcome="did_not_attend")
    assert FollowUp.objects.get().assigned_to == lead
    colleague = ProfessionalFactory(username="colleague", organisation__role="camhs-clinician")
    professional_joins(child, colleague, actor=lead)
    with pytest.raises(NotPermitted):
        appointment_outcome_record(
            actor=colleague, appointment=booked(child, lead, professional=clinician), outcome="attended"
        )


def test_booking_the_first_appointment_of_an_accepted_referral_stops_its_wait_clock(child, lead):
    from tests.referrals.factories import accepted_referral, camhs_organisation

    camhs = camhs_organisation()
    clinician = ProfessionalFactory(username="spa", organisation=camhs, organisation__role="camhs-clinician")
    referral = accepted_referral(child, lead, camhs, clinician)
    starts_at = timezone.now() + datetime.timedelta(days=10)
    appointment = appointment_book(
        actor=clinician,
        child=child,
        professional=clinician,
        purpose="First assessment",
        starts_at=starts_at,
        location="school",
        referral=referral,
    )
    referral.refresh_from_db()
    assert appointment.referral == referral
    assert referral.first_appointment_at == starts_at


def test_a_booking_by_someone_outside_the_receiving_service_leaves_the_clock_to_them(child, lead):
    from tests.referrals.factories import accepted_referral, camhs_organisation

    camhs = camhs_organisation()
    clinician = ProfessionalFactory(username="spa", organisation=camhs, organisation__role="camhs-clinician")
    referral = accepted_referral(child, lead, camhs, clinician)
    booked(child, lead, days_from_now=5, referral=referral)
    referral.refresh_from_db()
    assert referral.first_appointment_at is None
    assert Appointment.objects.get().referral == referral
