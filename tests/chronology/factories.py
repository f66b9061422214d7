"""A child whose chronology holds every kind of entry, each made the real way, through the services."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from apps.accounts.models import User
from apps.appointments.services import appointment_outcome_record, follow_up_complete
from apps.children.models import Child
from apps.children.services import social_work_status_record
from apps.chronology.models import SignificantEvent
from apps.chronology.services import significant_event_record
from apps.consent.models import SafeguardingOverride
from apps.consent.services import (
    consent_withdraw,
    safeguarding_override_open,
    safeguarding_override_review,
    safeguarding_override_young_person_told,
)
from apps.portal.services import young_person_invite_accept, young_person_invite_create
from apps.referrals.models import Referral
from apps.sharing.models import AccessGrant
from apps.sharing.services import child_access_grant
from apps.teams.models import Meeting, TeamMembership
from apps.teams.services import meeting_record, team_member_add, team_member_end
from tests.appointments.factories import booked
from tests.factories import PASSWORD, ChildFactory, OrganisationFactory, ProfessionalFactory, share_with
from tests.referrals.factories import accepted_referral, camhs_organisation
from tests.teams.factories import lead_for, professional_joins

# Text that appears only where its entry is shown: never in a withheld row, never to the wrong reader.
CHRONOLOGY_EVENT = "MARKER-CHRONOLOGY: moved to a new foster placement across the city"
SENSITIVE_EVENT = "MARKER-EXPLOITATION: told her teacher an older man gives her lifts and gifts"
HIDDEN_EVENT = "MARKER-NOT-FOR-HER: the trial of her mother for assault is listed for March"
HIDDEN_REASON = "Her mother asked to tell her herself, with her foster carer there"
MEETING_DECISIONS = "MARKER-DECISIONS: weekly sessions at the youth club; school to offer a mentor"
SENSITIVE_DECISIONS = "MARKER-SENSITIVE-DECISIONS: refer to the exploitation team"
PLAIN_WORDS = "You moved to live with Julie and Mark."


@dataclass
class ChronologyWorld:
    child: Child
    lead: User
    clinician: User
    safeguarding_lead: User
    young_person: User
    referral: Referral
    override: SafeguardingOverride
    meeting: Meeting
    events: dict[str, SignificantEvent]


def _days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def chronology_world(*, told: bool = True) -> ChronologyWorld:
    """Sam, 14, in foster care, with a social worker as lead professional and a CAMHS clinician: a referral
    accepted, appointments attended, missed (followed up) and cancelled, two meetings, a trusted adult who
    joined and left, consent given and withdrawn, an override opened and ended (told to her, unless ``told``
    is False), and three significant events: one for the chronology, one about exploitation, and one kept
    from her with the reason."""
    council = OrganisationFactory(name="Chronology Borough Council")
    camhs = camhs_organisation("Chronology CAMHS")
    lead = ProfessionalFactory(
        username="chron.lead", display_name="Lena Lead", first_name="Lena", organisation=council
    )
    clinician = ProfessionalFactory(
        username="chron.camhs",
        display_name="Dr Cara Clinician",
        first_name="Cara",
        organisation=camhs,
        organisation__role="camhs-clinician",
    )
    safeguarding_lead = ProfessionalFactory(
        username="chron.safeguarding", organisation=council, organisation__role="safeguarding-lead"
    )
    child = ChildFactory(given_name="Samira", preferred_name="Sam", family_name="Okafor")
    child.created_by_organisation = council
    child.save()
    child_access_grant(child=child, user=lead, basis=AccessGrant.Basis.CREATOR, granted_by=lead)
    lead_for(child, lead)
    professional_joins(child, clinician, actor=lead)
    coach = team_member_add(
        actor=lead,
        child=child,
        kind=TeamMembership.Kind.TRUSTED_ADULT,
        person_name="Dee Boxer",
        role_description="Boxing coach",
        started_on=_days_ago(60),
    )
    team_member_end(actor=lead, membership=coach, ended_on=_days_ago(10))
    social_work_status_record(
        actor=lead,
        child=child,
        status="looked_after",
        legal_status="in_care",
        placement_type="foster_care",
        started_on=_days_ago(100),
        responsible_authority=council,
    )
    referral = accepted_referral(child, lead, camhs, clinician)
    attended = booked(child, clinician, days_from_now=-20)
    appointment_outcome_record(actor=clinician, appointment=attended, outcome="attended")
    missed = booked(child, clinician, days_from_now=-12)
    missed = appointment_outcome_record(actor=clinician, appointment=missed, outcome="did_not_attend")
    follow_up_complete(
        actor=lead,
        follow_up=missed.follow_ups.get(),
        reason="transport_cost",
        child_safe=True,
        safety_check="spoke_to_young_person",
        alternative="practical_help",
    )
    cancelled = booked(child, clinician, days_from_now=5)
    appointment_outcome_record(actor=clinician, appointment=cancelled, outcome="cancelled_by_service")
    meeting = meeting_record(
        actor=lead,
        child=child,
        kind=Meeting.Kind.NETWORK,
        held_at=timezone.now() - datetime.timedelta(days=8),
        location="Family hub",
        young_person_views="I want to keep boxing.",
        decisions=MEETING_DECISIONS,
    )
    meeting_record(
        actor=lead,
        child=child,
        kind=Meeting.Kind.TEAM_AROUND_CHILD,
        held_at=timezone.now() - datetime.timedelta(days=7),
        young_person_views="Please do not tell my mum.",
        decisions=SENSITIVE_DECISIONS,
        decisions_category="sexual_health",
    )
    given = share_with(child, clinician, "plans", actor=lead)
    consent_withdraw(actor=lead, consent=given, reason="She asked to stop sharing her plans")
    override = safeguarding_override_open(
        actor=lead,
        child=child,
        lawful_basis="child_protection_enquiry",
        justification="Section 47 enquiry after a disclosure at school today.",
        categories=["sexual_health"],
    )
    safeguarding_override_review(
        actor=safeguarding_lead, override=override, outcome="upheld", note="Right call.", end_now=True
    )
    if told:
        safeguarding_override_young_person_told(
            actor=lead, override=override, told_on=timezone.localdate(), may_change_record=True
        )
    events = {
        "chronology": significant_event_record(
            actor=lead,
            child=child,
            occurred_on=_days_ago(30),
            what_happened=CHRONOLOGY_EVENT,
            in_plain_words=PLAIN_WORDS,
            source_organisation=council,
        ),
        "sensitive": significant_event_record(
            actor=lead,
            child=child,
            occurred_on=_days_ago(25),
            what_happened=SENSITIVE_EVENT,
            source_organisation=council,
            category="sexual_health",
        ),
        "hidden": significant_event_record(
            actor=lead,
            child=child,
            occurred_on=_days_ago(3),
            what_happened=HIDDEN_EVENT,
            source_organisation=council,
            not_for_young_person=True,
            not_for_young_person_reason=HIDDEN_REASON,
        ),
    }
    _invite, token = young_person_invite_create(actor=lead, child=child)
    young_person = young_person_invite_accept(token=token, username="sam.okafor", password=PASSWORD)
    child.refresh_from_db()
    override.refresh_from_db()
    return ChronologyWorld(
        child=child,
        lead=lead,
        clinician=clinician,
        safeguarding_lead=safeguarding_lead,
        young_person=young_person,
        referral=referral,
        override=override,
        meeting=meeting,
        events=events,
    )
