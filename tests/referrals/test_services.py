"""Consultation, referral, triage, decisions with alternatives, senior review, and waiting well."""

import datetime

import pytest
import time_machine
from django.core.checks import run_checks
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.children.models import Child, SocialWorkInvolvement
from apps.core.exceptions import ApplicationError, NotPermitted
from apps.notifications.models import Notification
from apps.referrals.models import Consultation, DeclineAlternative, Referral, WaitingContact, WaitingListEntry
from apps.referrals.services import (
    consultation_advise,
    consultation_request,
    referral_accept,
    referral_clock_record,
    referral_create,
    referral_decline,
    referral_initial_from_consultation,
    referral_senior_review,
    referral_triage,
    waiting_contact_record,
    waiting_sweep,
)
from tests.factories import ProfessionalFactory, SocialWorkInvolvementFactory, UserFactory
from tests.referrals.factories import NEEDS, accepted_referral, referral_for
from tests.teams.factories import lead_for

pytestmark = pytest.mark.django_db

ALTERNATIVE = {
    "kind": "named_service",
    "service_name": "Kooth online counselling",
    "detail": "Kooth, free online counselling, can talk with Sam this week; school will help her sign up.",
}


def _can_see_referrals(user, child) -> bool:
    return Child.objects.restrict(user, "view_child_referrals").filter(pk=child.pk).exists()


# --- Consultation before referral ------------------------------------------------------------------


def test_a_consultation_without_a_child_record_records_advice_and_outcome(
    lead_professional, camhs, spa_clinician
):
    consultation = consultation_request(
        actor=lead_professional,
        receiving_organisation=camhs,
        route="social_care",
        channel="phone",
        concern="Year 9 pupil self-harming, parents unsure what to do.",
        child_description="Year 9 girl at Hillside Academy",
    )
    assert Notification.objects.filter(recipient=spa_clinician, kind=Notification.Kind.CONSULTATION).exists()
    consultation_advise(
        actor=spa_clinician,
        consultation=consultation,
        advice="Convene the network with school and the family this week.",
        outcome="convene_network",
    )
    consultation.refresh_from_db()
    assert consultation.outcome == Consultation.Outcome.CONVENE_NETWORK
    assert consultation.advised_by == spa_clinician
    assert Notification.objects.filter(
        recipient=lead_professional, kind=Notification.Kind.CONSULTATION
    ).exists()


def test_a_consultation_must_say_who_it_is_about(lead_professional, camhs):
    with pytest.raises(ApplicationError) as error:
        consultation_request(
            actor=lead_professional, receiving_organisation=camhs, route="school", concern="Worried."
        )
    assert error.value.field == "child_description"
    assert not Consultation.objects.exists()


def test_only_the_receiving_service_records_advice(lead_professional, camhs):
    consultation = consultation_request(
        actor=lead_professional,
        receiving_organisation=camhs,
        route="school",
        concern="x",
        child_description="y",
    )
    with pytest.raises(NotPermitted):
        consultation_advise(
            actor=lead_professional, consultation=consultation, advice="a", outcome="advice_only"
        )


def test_a_parent_can_ask_for_a_consultation(camhs):
    parent = UserFactory(kind="parent_carer")
    consultation = consultation_request(
        actor=parent,
        receiving_organisation=camhs,
        route="school",
        concern="My son will not leave his room.",
        child_description="My son, 13",
    )
    assert consultation.route == "parent_carer"


def test_a_consultation_becomes_a_referral_without_retyping(lead_professional, child, camhs, spa_clinician):
    consultation = consultation_request(
        actor=lead_professional,
        receiving_organisation=camhs,
        route="social_care",
        concern=NEEDS,
        what_has_been_tried="School counsellor.",
        preferred_support="one_to_one",
        child_description="Year 10 girl in foster care",
    )
    consultation_advise(
        actor=spa_clinician, consultation=consultation, advice="Please refer.", outcome="formal_referral"
    )
    initial = referral_initial_from_consultation(consultation=consultation)
    referral = referral_for(
        child,
        lead_professional,
        camhs,
        consultation=consultation,
        **{k: v for k, v in initial.items() if k != "receiving_organisation"},
    )
    consultation.refresh_from_db()
    assert referral.presenting_needs == NEEDS
    assert referral.what_has_been_tried == "School counsellor."
    assert consultation.referral == referral
    assert consultation.child == child  # The consultation now belongs to the child it was about.
    with pytest.raises(ApplicationError, match="already become a referral"):
        referral_for(child, lead_professional, camhs, consultation=consultation)


# --- Making a referral -------------------------------------------------------------------------------


def test_a_referral_snapshots_social_work_and_deprivation_and_opens_access(
    lead_professional, child, camhs, spa_clinician
):
    SocialWorkInvolvementFactory(child=child, status=SocialWorkInvolvement.Status.CHILD_PROTECTION)
    Child.objects.filter(pk=child.pk).update(deprivation_decile=2)
    child.refresh_from_db()
    assert not _can_see_referrals(spa_clinician, child)
    referral = referral_for(child, lead_professional, camhs)
    assert referral.social_work_status_at_referral == "child_protection"
    assert referral.deprivation_decile_at_referral == 2
    assert referral.status == Referral.Status.RECEIVED
    # The referrer and the receiving service's staff see the referrals; the team is not opened to them.
    assert _can_see_referrals(spa_clinician, child)
    assert _can_see_referrals(lead_professional, child)
    assert not Child.objects.restrict(spa_clinician, "view_child_team").filter(pk=child.pk).exists()
    assert Notification.objects.filter(
        recipient=spa_clinician, kind=Notification.Kind.REFERRAL_RECEIVED
    ).exists()
    assert AuditEvent.objects.filter(target_type="referrals.referral", action="create", child=child).exists()
    # Later changes to the child do not change what was true at referral.
    Child.objects.filter(pk=child.pk).update(deprivation_decile=7)
    referral.refresh_from_db()
    assert referral.deprivation_decile_at_referral == 2


def test_a_referral_with_no_identifiable_child_is_refused(lead_professional, camhs):
    with pytest.raises(ApplicationError, match="must be about a child with a record") as error:
        referral_for(None, lead_professional, camhs)
    assert error.value.field == "child"
    assert not Referral.objects.exists()


def test_every_route_is_accepted_and_a_diagnosis_is_never_required(lead_professional, child, camhs):
    for route in ("young_person", "gp", "police", "voluntary_sector"):
        referral = referral_for(child, lead_professional, camhs, route=route, diagnosis="")
        assert referral.route == route


def test_a_parent_referral_names_the_parent(lead_professional, child, camhs):
    with pytest.raises(ValidationError) as error:
        referral_for(child, lead_professional, camhs, route="parent_carer")
    assert error.value.message_dict == {
        "referrer_name": ["Enter the name of the parent, carer or trusted adult making the referral"]
    }
    assert not Referral.objects.exists()


def test_a_referral_without_consent_says_why(lead_professional, child, camhs):
    with pytest.raises(ValidationError) as error:
        referral_for(child, lead_professional, camhs, consent_to_refer="without_consent")
    assert set(error.value.message_dict) == {"consent_note"}


def test_every_problem_with_a_referral_is_said_at_once(lead_professional, child, camhs):
    with pytest.raises(ValidationError) as error:
        referral_create(
            actor=lead_professional,
            child=child,
            receiving_organisation=None,
            route="parent_carer",
            presenting_needs="  ",
            professional_concern="",
            family_concern="extreme",
            consent_to_refer="without_consent",
        )
    assert error.value.message_dict == {
        "receiving_organisation": ["Select the service you are referring to"],
        "referrer_name": ["Enter the name of the parent, carer or trusted adult making the referral"],
        "presenting_needs": ["Enter the reason for referral: what is happening for the young person"],
        "professional_concern": ["Select how worried professionals are"],
        "family_concern": ["Select how worried the family is"],
        "consent_note": ["Enter the safeguarding reason for making the referral without consent"],
    }
    assert not Referral.objects.exists()


# --- Triage and decision -------------------------------------------------------------------------


def test_triage_sets_urgency_and_target_from_settings(lead_professional, child, camhs, spa_clinician):
    referral = referral_for(child, lead_professional, camhs)
    referral_triage(actor=spa_clinician, referral=referral, urgency="urgent", triage_note="Risk rising.")
    assert referral.status == Referral.Status.TRIAGED
    assert referral.target_at - referral.received_at == datetime.timedelta(days=7)
    assert referral.triaged_at is not None


def test_only_the_receiving_service_triages(lead_professional, child, camhs):
    referral = referral_for(child, lead_professional, camhs)
    with pytest.raises(NotPermitted):
        referral_triage(actor=lead_professional, referral=referral, urgency="routine")


def test_accepting_needs_triage_first(lead_professional, child, camhs, spa_clinician):
    referral = referral_for(child, lead_professional, camhs)
    with pytest.raises(ApplicationError, match="Triage the referral"):
        referral_accept(actor=spa_clinician, referral=referral)
    assert not WaitingListEntry.objects.exists()


def test_a_decline_without_an_alternative_saves_nothing(lead_professional, child, camhs, spa_clinician):
    referral = referral_for(child, lead_professional, camhs)
    with pytest.raises(ApplicationError, match="without an alternative") as error:
        referral_decline(
            actor=spa_clinician,
            referral=referral,
            reason="not_specialist_need",
            explanation="Sam's needs can be met by her school's counselling service.",
            alternatives=[{"kind": "", "detail": ""}],
        )
    assert error.value.field == "alternatives"
    referral.refresh_from_db()
    assert referral.status == Referral.Status.RECEIVED
    assert not DeclineAlternative.objects.exists()


def test_a_named_service_alternative_names_the_service(lead_professional, child, camhs, spa_clinician):
    referral = referral_for(child, lead_professional, camhs)
    with pytest.raises(ApplicationError, match="name the service"):
        referral_decline(
            actor=spa_clinician,
            referral=referral,
            reason="not_specialist_need",
            explanation="x",
            alternatives=[{"kind": "named_service", "detail": "Somewhere"}],
        )


def test_a_decline_with_an_alternative_tells_everyone_in_plain_english(
    lead_professional, child, camhs, spa_clinician
):
    lead_for(child, lead_professional)
    young_person = UserFactory(kind="young_person")
    Child.objects.filter(pk=child.pk).update(account=young_person)
    child.refresh_from_db()
    referrer = ProfessionalFactory(username="teacher", organisation__role="designated-teacher")
    from apps.sharing.models import AccessGrant
    from apps.sharing.services import child_access_grant

    child_access_grant(
        child=child, user=referrer, basis=AccessGrant.Basis.ADMINISTRATOR, granted_by=None, reason="r"
    )
    referral = referral_for(child, referrer, camhs, route="school")
    referral_decline(
        actor=spa_clinician,
        referral=referral,
        reason="not_specialist_need",
        explanation="Sam's needs can be met nearer home.",
        alternatives=[ALTERNATIVE],
    )
    assert referral.status == Referral.Status.DECLINED
    assert not referral.is_equity_risk_decline
    declined = Notification.objects.filter(kind=Notification.Kind.REFERRAL_DECLINED)
    assert set(declined.values_list("recipient", flat=True)) == {
        referrer.pk,
        lead_professional.pk,
        young_person.pk,
    }
    message = declined.get(recipient=young_person)
    # Nothing about the child or the service on the lock screen; the plain-English detail behind sign-in.
    assert "Sam" not in message.subject
    assert "CAMHS" not in message.subject
    assert "not the right service for this, but here is what we have arranged instead" in message.body
    assert "Kooth" in message.body


def test_an_instability_reason_waits_for_a_senior_who_is_not_the_decider(
    lead_professional, child, camhs, spa_clinician, spa_manager
):
    referral = referral_for(child, lead_professional, camhs)
    referral_decline(
        actor=spa_clinician,
        referral=referral,
        reason="unstable_placement",
        explanation="Sam has just moved placement.",
        alternatives=[ALTERNATIVE],
    )
    assert referral.status == Referral.Status.DECLINE_PENDING_REVIEW
    assert referral.is_equity_risk_decline
    assert Notification.objects.filter(recipient=spa_manager, kind=Notification.Kind.DECLINE_REVIEW).exists()
    # Nobody outside the service is told until a senior agrees.
    assert not Notification.objects.filter(kind=Notification.Kind.REFERRAL_DECLINED).exists()
    with pytest.raises(NotPermitted):
        referral_senior_review(actor=spa_clinician, referral=referral, outcome="agreed", note="Fine")
    referral_senior_review(
        actor=spa_manager, referral=referral, outcome="agreed", note="Alternative is better placed now."
    )
    assert referral.status == Referral.Status.DECLINED
    assert Notification.objects.filter(
        recipient=lead_professional, kind=Notification.Kind.REFERRAL_DECLINED
    ).exists()


def test_a_manager_who_declined_cannot_review_their_own_decision(
    lead_professional, child, camhs, spa_manager
):
    referral = referral_for(child, lead_professional, camhs)
    referral_decline(
        actor=spa_manager,
        referral=referral,
        reason="recent_trauma",
        explanation="x",
        alternatives=[ALTERNATIVE],
    )
    with pytest.raises(NotPermitted, match="other than the person who declined"):
        referral_senior_review(actor=spa_manager, referral=referral, outcome="agreed", note="ok")


def test_an_overturned_instability_decline_goes_back_to_triage_and_stays_reported(
    lead_professional, child, camhs, spa_clinician, spa_manager
):
    referral = referral_for(child, lead_professional, camhs)
    referral_triage(actor=spa_clinician, referral=referral, urgency="routine")
    referral_decline(
        actor=spa_clinician,
        referral=referral,
        reason="cannot_attend_regularly",
        explanation="x",
        alternatives=[ALTERNATIVE],
    )
    referral_senior_review(
        actor=spa_manager, referral=referral, outcome="overturned", note="Offer outreach instead."
    )
    assert referral.status == Referral.Status.TRIAGED
    assert referral.is_equity_risk_decline
    referral_accept(actor=spa_clinician, referral=referral)
    assert referral.waiting_entry.is_priority
    assert "unstable situation" in referral.waiting_entry.priority_reasons


# --- Waiting well ------------------------------------------------------------------------------------


@time_machine.travel(datetime.datetime(2026, 11, 2, 10, 0, tzinfo=datetime.UTC), tick=False)
def test_priority_children_get_their_first_contact_sooner(lead_professional, child, camhs, spa_clinician):
    other = accepted_referral(child, lead_professional, camhs, spa_clinician).waiting_entry
    assert not other.is_priority
    assert other.first_contact_due_on == datetime.date(2026, 11, 16)
    SocialWorkInvolvementFactory(child=child, status=SocialWorkInvolvement.Status.CHILD_IN_NEED)
    other.ended_at = timezone.now()
    other.save()
    priority = accepted_referral(child, lead_professional, camhs, spa_clinician).waiting_entry
    assert priority.is_priority
    assert priority.priority_reasons == "social-work involvement"
    assert priority.first_contact_due_on == datetime.date(2026, 11, 7)


def test_a_trust_building_contact_then_regular_contacts_at_the_interval(
    lead_professional, child, camhs, spa_clinician
):
    referral = accepted_referral(child, lead_professional, camhs, spa_clinician)
    entry = referral.waiting_entry
    contact = waiting_contact_record(
        actor=spa_clinician,
        entry=entry,
        method="phone",
        spoke_with="Sam and her foster carer",
        contacted_at=timezone.now(),
        explained_service=True,
        risk_check="same",
        signposting="Kooth online; the school nurse drop-in on Tuesdays.",
    )
    assert contact.kind == WaitingContact.Kind.TRUST_BUILDING
    entry.refresh_from_db()
    referral.refresh_from_db()
    assert entry.next_contact_due_on == timezone.localdate() + datetime.timedelta(days=14)
    assert referral.first_contact_at == contact.contacted_at
    second = waiting_contact_record(
        actor=spa_clinician,
        entry=entry,
        method="text",
        spoke_with="Sam",
        contacted_at=timezone.now(),
        explained_service=True,
        risk_check="better",
        signposting="Reminded her of Kooth.",
    )
    assert second.kind == WaitingContact.Kind.REGULAR


def test_worse_flags_re_triage_and_tells_the_lead_and_the_clinician(
    lead_professional, child, camhs, spa_clinician
):
    lead_for(child, lead_professional)
    referral = accepted_referral(child, lead_professional, camhs, spa_clinician)
    waiting_contact_record(
        actor=spa_clinician,
        entry=referral.waiting_entry,
        method="phone",
        spoke_with="Foster carer",
        contacted_at=timezone.now(),
        explained_service=True,
        risk_check="worse",
        signposting="Crisis line number given.",
    )
    referral.refresh_from_db()
    assert referral.needs_retriage
    worse = Notification.objects.filter(kind=Notification.Kind.WAITING_WORSE)
    assert set(worse.values_list("recipient", flat=True)) == {lead_professional.pk, spa_clinician.pk}
    referral_triage(actor=spa_clinician, referral=referral, urgency="urgent", triage_note="Re-triaged.")
    assert not referral.needs_retriage
    assert referral.status == Referral.Status.ACCEPTED


def test_a_contact_without_a_risk_check_saves_nothing(lead_professional, child, camhs, spa_clinician):
    entry = accepted_referral(child, lead_professional, camhs, spa_clinician).waiting_entry
    with pytest.raises(ApplicationError) as error:
        waiting_contact_record(
            actor=spa_clinician,
            entry=entry,
            method="phone",
            spoke_with="Sam",
            contacted_at=timezone.now(),
            explained_service=True,
            risk_check="",
            signposting="x",
        )
    assert error.value.field == "risk_check"
    assert not WaitingContact.objects.exists()


@override_settings(BEACON_WAITING_CONTACT_INTERVAL_DAYS=0)
def test_a_follow_up_interval_of_zero_is_refused_at_settings_check():
    errors = [error for error in run_checks() if error.id == "referrals.E001"]
    assert len(errors) == 1
    assert "BEACON_WAITING_CONTACT_INTERVAL_DAYS is 0" in errors[0].msg


def test_the_sweep_flags_contacts_due_and_warns_before_a_breach_once(
    lead_professional, child, camhs, spa_clinician, spa_manager
):
    referral = accepted_referral(child, lead_professional, camhs, spa_clinician)
    assert waiting_sweep() == {"contacts_due": 0, "targets_at_risk": 0}
    later = timezone.now() + datetime.timedelta(days=23)  # 23 of 28 days: past 80% of the routine target.
    with time_machine.travel(later, tick=False):
        first = waiting_sweep()
        again = waiting_sweep()
    assert first == {"contacts_due": 1, "targets_at_risk": 2}  # the clinician; the clinician and the manager
    assert again == {"contacts_due": 0, "targets_at_risk": 0}
    assert Notification.objects.filter(
        recipient=spa_manager, kind=Notification.Kind.WAIT_TARGET_AT_RISK
    ).exists()
    referral_clock_record(
        actor=spa_clinician, referral=referral, clock="first_appointment", at=timezone.now()
    )
    referral.waiting_entry.refresh_from_db()
    assert referral.waiting_entry.ended_at is not None


def test_an_appointment_booked_against_the_referral_stops_the_clock_and_the_target_warning(
    lead_professional, child, camhs, spa_clinician
):
    from apps.appointments.services import appointment_book

    referral = accepted_referral(child, lead_professional, camhs, spa_clinician)
    appointment_book(
        actor=lead_professional,  # not the receiving service: the sweep takes the clock from the booking
        child=child,
        professional=spa_clinician,
        purpose="First assessment",
        starts_at=timezone.now() + datetime.timedelta(days=3),
        location="clinic",
        referral=referral,
    )
    referral.refresh_from_db()
    assert referral.first_appointment_at is None
    with time_machine.travel(timezone.now() + datetime.timedelta(days=4), tick=False):
        counts = waiting_sweep()
    referral.refresh_from_db()
    assert referral.first_appointment_at is not None
    assert counts["targets_at_risk"] == 0
    referral.waiting_entry.refresh_from_db()
    assert referral.waiting_entry.ended_at is not None


def test_a_referral_received_earlier_starts_its_clock_then_but_never_in_the_future(
    lead_professional, child, camhs, spa_clinician
):
    earlier = timezone.now() - datetime.timedelta(days=3)
    referral = referral_for(child, lead_professional, camhs, received_at=earlier)
    assert referral.received_at == earlier
    with pytest.raises(ApplicationError, match="after the step before it"):
        referral_triage(
            actor=spa_clinician,
            referral=referral,
            urgency="routine",
            triaged_at=earlier - datetime.timedelta(hours=1),
        )
    with pytest.raises(ApplicationError, match="not be in the future") as error:
        referral_for(child, lead_professional, camhs, received_at=timezone.now() + datetime.timedelta(days=1))
    assert error.value.field == "received_at"
    assert Referral.objects.count() == 1
