"""Who sees which chronology entry, per source and lawful basis: the permission matrix of the chronology.

Each entry is shown only in its source's category as the one access decision allows (``sees_item``; for a
sensitive category ``sees_text``). Otherwise it is a withheld row: its day, its category and why, never its
words, kind or agency. To a parent or carer a sensitive entry is left out altogether, and so is the consent
register (consents and overrides), which they are never shown.
"""

from collections import Counter

import pytest

from apps.accounts.models import User
from apps.appointments.services import appointment_outcome_record
from apps.children.categories import SENSITIVE, Category
from apps.chronology.entries import ChronologyFilters, Kind
from apps.chronology.selectors import Chronology
from apps.consent.services import coordination_objection_record, safeguarding_override_open
from apps.sharing.access import child_access
from apps.sharing.models import AccessGrant
from apps.sharing.services import child_access_grant
from tests.appointments.factories import booked
from tests.chronology.factories import (
    CHRONOLOGY_EVENT,
    HIDDEN_EVENT,
    MEETING_DECISIONS,
    SENSITIVE_DECISIONS,
    SENSITIVE_EVENT,
    chronology_world,
)
from tests.chronology.test_entries import WORLD_KINDS
from tests.factories import ProfessionalFactory, share_with
from tests.teams.factories import professional_joins

pytestmark = pytest.mark.django_db

MARKERS = (CHRONOLOGY_EVENT, HIDDEN_EVENT, SENSITIVE_EVENT, MEETING_DECISIONS, SENSITIVE_DECISIONS)


def _read(world, user: User, **kwargs) -> list:
    return list(Chronology(child=world.child, access=child_access(user=user, child=world.child), **kwargs))


def _shown(entries) -> Counter:
    return Counter(entry.kind for entry in entries if not entry.withheld)


def _withheld(entries) -> Counter:
    return Counter(entry.category for entry in entries if entry.withheld)


def _words(entries) -> str:
    return " ".join(f"{entry.summary} {entry.summary_for_young_person}" for entry in entries)


def _without(counter: Counter, **removed: int) -> Counter:
    left = Counter(counter)
    left.subtract(Counter({Kind(kind): count for kind, count in removed.items()}))
    return +left


# --- One row per viewer and basis ---------------------------------------------------------------------------


def test_the_lead_professional_sees_what_she_coordinates_and_what_she_recorded_not_a_sensitive_event(world):
    """Coordination: team, appointments, referrals, plans; the register as a professional; the significant
    events she recorded herself (what a professional does, they see), except the sensitive one."""
    entries = _read(world, world.lead)

    assert _shown(entries) == _without(WORLD_KINDS, significant_event=1)
    assert _withheld(entries) == {Category.SEXUAL_HEALTH: 1}
    assert SENSITIVE_EVENT not in _words(entries)
    # A meeting she may see whose decisions describe a sensitive category: the meeting, not its decisions.
    assert MEETING_DECISIONS in _words(entries)
    assert SENSITIVE_DECISIONS not in _words(entries)


def test_the_receiving_service_sees_referrals_and_appointments_not_plans_her_consent_no_longer_covers(
    world,
):
    """Direct care after an accepted referral (referrals, appointments) and team membership (the team); her
    consent to the plans was withdrawn; the chronology was never shared with her."""
    entries = _read(world, world.clinician)

    assert _shown(entries) == _without(WORLD_KINDS, meeting=2, significant_event=3)
    assert _withheld(entries) == {Category.PLANS: 2, Category.CHRONOLOGY: 2, Category.SEXUAL_HEALTH: 1}
    assert not any(marker in _words(entries) for marker in MARKERS)


def test_consent_to_the_chronology_shows_its_significant_events_not_the_sensitive_one(world):
    share_with(world.child, world.clinician, "chronology", actor=world.lead)

    entries = _read(world, world.clinician)

    assert _withheld(entries)[Category.CHRONOLOGY] == 0
    assert CHRONOLOGY_EVENT in _words(entries)
    assert SENSITIVE_EVENT not in _words(entries)


def test_consent_naming_a_sensitive_category_shows_the_event_in_it(world):
    share_with(world.child, world.clinician, "sexual_health", actor=world.lead)

    entries = _read(world, world.clinician)

    assert SENSITIVE_EVENT in _words(entries)
    assert _withheld(entries)[Category.SEXUAL_HEALTH] == 0


def test_a_safeguarding_override_shows_what_it_covers_while_it_is_in_force(world):
    safeguarding_override_open(
        actor=world.clinician,
        child=world.child,
        lawful_basis="risk_of_serious_harm",
        justification="Serious risk reported by the police out of hours tonight.",
        categories=["chronology", "plans"],
    )

    entries = _read(world, world.clinician)

    assert CHRONOLOGY_EVENT in _words(entries)
    assert MEETING_DECISIONS in _words(entries)
    assert _withheld(entries) == {Category.SEXUAL_HEALTH: 1}


def test_someone_who_may_only_see_the_core_record_and_team_sees_those_and_the_register(world):
    reviewer = ProfessionalFactory(username="chron.iro", organisation__role="iro")
    child_access_grant(
        child=world.child,
        user=reviewer,
        basis=AccessGrant.Basis.ADMINISTRATOR,
        granted_by=None,
        can_change=False,
        reason="Independent reviewing officer for the looked-after review.",
    )

    entries = _read(world, reviewer)

    assert _shown(entries) == Counter(
        {
            Kind.LEAD_PROFESSIONAL: 1,
            Kind.TEAM_MEMBER_JOINED: 3,
            Kind.TEAM_MEMBER_LEFT: 1,
            Kind.SOCIAL_WORK_STATUS: 1,
            Kind.CONSENT_GIVEN: 1,
            Kind.CONSENT_WITHDRAWN: 1,
            Kind.OVERRIDE_OPENED: 1,
            Kind.OVERRIDE_ENDED: 1,
        }
    )
    assert _withheld(entries) == {
        Category.REFERRALS: 2,
        Category.APPOINTMENTS: 4,
        Category.PLANS: 2,
        Category.CHRONOLOGY: 2,
        Category.SEXUAL_HEALTH: 1,
    }


def test_a_professional_sees_the_appointment_she_holds_without_the_appointments_category(world):
    """What a professional does, they see: the youth worker's own session, not the others'."""
    youth_worker = ProfessionalFactory(username="chron.youth", organisation__role="youth-worker")
    professional_joins(world.child, youth_worker, actor=world.lead)
    own = booked(world.child, youth_worker, days_from_now=-2, purpose="Boxing club catch-up")
    appointment_outcome_record(actor=youth_worker, appointment=own, outcome="attended")

    entries = _read(world, youth_worker)

    shown = [entry for entry in entries if entry.kind == Kind.APPOINTMENT_ATTENDED]
    assert [entry.record_id for entry in shown] == [own.public_id]
    assert shown[0].involved
    assert _withheld(entries)[Category.APPOINTMENTS] == 4


def test_a_young_persons_objection_withholds_from_the_lead_what_she_does_not_hold(world):
    """After a competent young person objects to the lead seeing her appointments, the lead sees only the
    follow-up assigned to her; the appointments are withheld, saying why."""
    coordination_objection_record(
        actor=world.lead,
        child=world.child,
        category="appointments",
        judgement="Sam is competent to decide and asked that her sessions stay between her and CAMHS",
    )

    entries = _read(world, world.lead)

    assert _shown(entries)[Kind.FOLLOW_UP] == 1
    withheld = [entry for entry in entries if entry.withheld and entry.category == Category.APPOINTMENTS]
    assert len(withheld) == 3
    assert all(
        "asked that their lead professional does not see" in entry.withheld_reason for entry in withheld
    )


# --- What a withheld row carries ----------------------------------------------------------------------------


def test_a_withheld_entry_carries_its_day_category_and_reason_and_nothing_else(world):
    withheld = [entry for entry in _read(world, world.clinician) if entry.withheld]

    assert withheld
    for entry in withheld:
        assert entry.withheld_reason
        assert (entry.kind, entry.summary, entry.summary_for_young_person, entry.link) == ("", "", "", "")
        assert entry.agency is None
        assert entry.record_id is None
        assert not entry.has_time


def test_a_filter_by_kind_or_agency_leaves_withheld_entries_out_rather_than_confirm_their_kind(world):
    meetings = ChronologyFilters(kinds=frozenset({Kind.MEETING, Kind.SIGNIFICANT_EVENT}))
    council = world.lead.primary_membership().organisation

    assert _read(world, world.clinician, filters=meetings) == []
    assert not any(
        entry.withheld for entry in _read(world, world.clinician, filters=ChronologyFilters(agency=council))
    )
    # A period alone says nothing a withheld row does not: it still lists them, as withheld.
    assert _withheld(
        _read(world, world.clinician, filters=ChronologyFilters(since=world.child.date_of_birth))
    )


# --- Parents and carers -------------------------------------------------------------------------------------


def test_a_parent_or_carer_never_learns_a_sensitive_entry_exists(world, carer):
    chronology = Chronology(child=world.child, access=child_access(user=carer, child=world.child))
    entries = list(chronology)

    assert not any(entry.category in SENSITIVE for entry in entries)
    assert SENSITIVE_EVENT not in _words(entries)
    assert SENSITIVE_DECISIONS not in _words(entries)
    # Not even counted: the pages and the count agree with what is shown.
    assert len(chronology) == len(entries)


def test_a_parent_or_carer_sees_what_their_consent_covers_and_is_not_shown_the_consent_register(world, carer):
    entries = _read(world, carer)

    assert _shown(entries) == {Kind.SOCIAL_WORK_STATUS: 1, Kind.SIGNIFICANT_EVENT: 2}
    assert CHRONOLOGY_EVENT in _words(entries)
    assert _withheld(entries) == {
        Category.TEAM: 5,
        Category.REFERRALS: 2,
        Category.APPOINTMENTS: 4,
        Category.PLANS: 2,
    }
    register = {Kind.CONSENT_GIVEN, Kind.CONSENT_WITHDRAWN, Kind.OVERRIDE_OPENED, Kind.OVERRIDE_ENDED}
    assert not register & set(_shown(entries))


# --- The young person ---------------------------------------------------------------------------------------


def test_the_young_person_sees_everything_but_what_was_kept_from_her(world):
    entries = _read(world, world.young_person, for_young_person=True)

    assert _shown(entries) == _without(WORLD_KINDS, significant_event=1)
    assert not any(entry.withheld for entry in entries)
    assert HIDDEN_EVENT not in _words(entries)
    assert SENSITIVE_EVENT in _words(entries)  # Her own disclosure is hers to read.


def test_the_young_person_does_not_see_an_override_she_has_not_been_told_of(db):
    world = chronology_world(told=False)

    kinds = _shown(_read(world, world.young_person, for_young_person=True))

    assert kinds[Kind.OVERRIDE_OPENED] == kinds[Kind.OVERRIDE_ENDED] == 0
    # The professionals still see it.
    assert _shown(_read(world, world.lead))[Kind.OVERRIDE_OPENED] == 1
