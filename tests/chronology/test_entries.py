"""The chronology is read from the source records: every kind of entry comes from its source, in its
source's category, from the agency it came from, newest first; nothing is stored but significant events."""

import datetime
from collections import Counter

import pytest
from django.utils import timezone

from apps.appointments.models import Appointment
from apps.children.categories import Category
from apps.chronology.entries import ChronologyFilters, Kind
from apps.chronology.models import SignificantEvent
from apps.chronology.selectors import Chronology
from apps.sharing.access import child_access
from tests.chronology.factories import CHRONOLOGY_EVENT, MEETING_DECISIONS

pytestmark = pytest.mark.django_db

# The category each kind is shown in: its source's (consents and overrides follow the consent register, whose
# page every professional who may see the child reads: the core record).
CATEGORY_OF_KIND = {
    Kind.REFERRAL_MADE: Category.REFERRALS,
    Kind.REFERRAL_DECIDED: Category.REFERRALS,
    Kind.APPOINTMENT_ATTENDED: Category.APPOINTMENTS,
    Kind.APPOINTMENT_MISSED: Category.APPOINTMENTS,
    Kind.APPOINTMENT_CANCELLED: Category.APPOINTMENTS,
    Kind.FOLLOW_UP: Category.APPOINTMENTS,
    Kind.MEETING: Category.PLANS,
    Kind.LEAD_PROFESSIONAL: Category.TEAM,
    Kind.TEAM_MEMBER_JOINED: Category.TEAM,
    Kind.TEAM_MEMBER_LEFT: Category.TEAM,
    Kind.SOCIAL_WORK_STATUS: Category.CORE,
    Kind.CONSENT_GIVEN: Category.CORE,
    Kind.CONSENT_WITHDRAWN: Category.CORE,
    Kind.OVERRIDE_OPENED: Category.CORE,
    Kind.OVERRIDE_ENDED: Category.CORE,
}
# How many of each the world holds.
WORLD_KINDS = Counter(
    {
        Kind.REFERRAL_MADE: 1,
        Kind.REFERRAL_DECIDED: 1,
        Kind.APPOINTMENT_ATTENDED: 1,
        Kind.APPOINTMENT_MISSED: 1,
        Kind.APPOINTMENT_CANCELLED: 1,
        Kind.FOLLOW_UP: 1,
        Kind.MEETING: 2,
        Kind.LEAD_PROFESSIONAL: 1,
        Kind.TEAM_MEMBER_JOINED: 3,
        Kind.TEAM_MEMBER_LEFT: 1,
        Kind.SOCIAL_WORK_STATUS: 1,
        Kind.CONSENT_GIVEN: 1,
        Kind.CONSENT_WITHDRAWN: 1,
        Kind.OVERRIDE_OPENED: 1,
        Kind.OVERRIDE_ENDED: 1,
        Kind.SIGNIFICANT_EVENT: 3,
    }
)


def _everything(world, **kwargs):
    """The whole chronology as someone who sees every category: the young person's own record, read as a
    professional would (nothing left out for the young person)."""
    access = child_access(user=world.young_person, child=world.child)
    return Chronology(child=world.child, access=access, **kwargs)


def test_every_kind_of_entry_comes_from_its_source(world):
    entries = list(_everything(world))

    assert Counter(entry.kind for entry in entries) == WORLD_KINDS
    assert set(WORLD_KINDS) == set(Kind), "a kind no source produces: add it to the world, or to a source"
    assert not any(entry.withheld for entry in entries)


def test_each_entry_is_in_its_sources_category(world):
    for entry in _everything(world):
        if entry.kind == Kind.SIGNIFICANT_EVENT:
            assert entry.category in {Category.CHRONOLOGY, Category.SEXUAL_HEALTH}
        else:
            assert entry.category == CATEGORY_OF_KIND[entry.kind], entry.kind


def test_entries_are_newest_first(world):
    days = [entry.day for entry in _everything(world)]

    assert days == sorted(days, reverse=True)


def test_each_entry_names_the_agency_it_came_from(world):
    agencies = {(entry.kind, entry.agency.name if entry.agency else None) for entry in _everything(world)}

    assert (Kind.APPOINTMENT_ATTENDED, "Chronology CAMHS") in agencies
    assert (Kind.REFERRAL_MADE, "Chronology Borough Council") in agencies  # the referrer's
    assert (Kind.REFERRAL_DECIDED, "Chronology CAMHS") in agencies  # the receiving service's
    assert (Kind.SOCIAL_WORK_STATUS, "Chronology Borough Council") in agencies
    assert (Kind.TEAM_MEMBER_LEFT, None) in agencies  # the boxing coach works for no agency


def test_an_entry_says_what_happened_and_links_to_its_record(world):
    entries = {entry.kind: entry for entry in _everything(world)}

    assert "attended" in entries[Kind.APPOINTMENT_ATTENDED].summary
    assert "Chronology CAMHS accepted the referral" in entries[Kind.REFERRAL_DECIDED].summary
    assert str(world.referral.public_id) in entries[Kind.REFERRAL_DECIDED].link
    meetings = [entry for entry in _everything(world) if entry.kind == Kind.MEETING]
    assert any(MEETING_DECISIONS in entry.summary for entry in meetings)
    assert entries[Kind.APPOINTMENT_MISSED].summary_for_young_person.startswith("Your appointment with Cara")


def test_a_change_to_the_source_record_shows_at_once(world):
    """No copy to drift: correct an appointment's outcome and its entry changes on the next read."""
    from apps.appointments.services import appointment_outcome_record

    attended = Appointment.objects.get(child=world.child, outcome="attended")
    appointment_outcome_record(
        actor=world.clinician,
        appointment=attended,
        outcome="was_not_brought",
        correction_reason="Recorded against the wrong session",
    )

    kinds = Counter(entry.kind for entry in _everything(world))
    assert kinds[Kind.APPOINTMENT_ATTENDED] == 0
    assert kinds[Kind.APPOINTMENT_MISSED] == 2


def test_the_only_rows_the_chronology_stores_are_its_significant_events(world):
    assert SignificantEvent.objects.filter(child=world.child).count() == 3
    assert WORLD_KINDS.total() == len(_everything(world))


def test_a_future_appointment_or_meeting_is_not_in_the_chronology_yet(world):
    from tests.appointments.factories import booked
    from tests.teams.factories import planned_meeting

    booked(world.child, world.clinician, days_from_now=3)
    planned_meeting(world.child, world.lead, in_days=3)

    assert len(_everything(world)) == WORLD_KINDS.total()


def test_the_period_filter_takes_whole_days_in_england(world):
    thirty_days_ago = timezone.localdate() - datetime.timedelta(days=30)
    only_that_day = ChronologyFilters(since=thirty_days_ago, until=thirty_days_ago)

    entries = list(_everything(world, filters=only_that_day))

    assert [entry.summary.split(" (recorded")[0] for entry in entries] == [CHRONOLOGY_EVENT]


def test_the_kind_and_agency_filters_narrow_in_the_query(world):
    kinds = ChronologyFilters(kinds=frozenset({Kind.APPOINTMENT_MISSED, Kind.FOLLOW_UP}))
    assert Counter(entry.kind for entry in _everything(world, filters=kinds)) == {
        Kind.APPOINTMENT_MISSED: 1,
        Kind.FOLLOW_UP: 1,
    }

    camhs = world.clinician.primary_membership().organisation
    from_camhs = list(_everything(world, filters=ChronologyFilters(agency=camhs)))
    assert from_camhs
    assert {entry.agency for entry in from_camhs} == {camhs}
    assert len(_everything(world, filters=ChronologyFilters(agency=camhs))) == len(from_camhs)


def test_chronology_page_gives_the_information_endpoint_a_page_and_the_count(world):
    from apps.chronology.api import chronology_entry_data
    from apps.chronology.selectors import chronology_page

    access = child_access(user=world.clinician, child=world.child)
    second = chronology_page(child=world.child, access=access, page=2, page_size=10)

    assert (second.count, second.page, len(second.entries)) == (WORLD_KINDS.total(), 2, 10)
    shaped = [chronology_entry_data(entry) for entry in second.entries]
    assert all(
        set(entry) == {"date", "withheld", "category", "reason"} for entry in shaped if entry["withheld"]
    )


def test_the_kinds_read_as_days_are_the_ones_whose_source_records_a_day(world):
    from apps.chronology.selectors import DATE_ONLY_KINDS
    from apps.chronology.sources import SOURCES, Reader

    reader = Reader(access=child_access(user=world.lead, child=world.child), child=world.child)
    date_only = {member.kind for source in SOURCES for member in source.members(reader) if member.date_only}

    assert date_only == DATE_ONLY_KINDS
