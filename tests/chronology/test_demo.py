"""The demo data shows the chronology where a user would look for it: Kay's is rich, told from coming into
care, with one event kept from her; Maya's disclosure is withheld from all but Hannah; nothing is missing."""

import io

import pytest
from django.core.management import call_command

from apps.accounts.models import User
from apps.children.models import Child
from apps.chronology.entries import Kind
from apps.chronology.models import SignificantEvent
from apps.chronology.selectors import Chronology
from apps.sharing.access import ALL_PERMISSIONS, ChildAccess, child_access
from tests.core.test_demo_data import demo  # noqa: F401 - the class-scoped demo data, loaded once

# Loaded once, on the worker that loads it for tests/core/test_demo_data.py.
pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo-data")]

KAY = "9999585957"
MAYA = "9990219478"


def _person(username: str) -> User:
    return User.objects.get(username=username)


def _read(child: Child, user: User, **kwargs) -> list:
    return list(Chronology(child=child, access=child_access(user=user, child=child), **kwargs))


@pytest.mark.usefixtures("demo")
class TestTheDemoChronology:
    def test_the_demo_shows_every_kind_of_entry_somewhere(self):
        """Every source reaches a demo chronology; only an ended override is missing, as the demo's one
        override is still in force (tests/chronology/test_entries.py builds every kind)."""
        reader = _person("admin")
        kinds = set()
        for child in Child.objects.all():
            everything = ChildAccess(user=reader, child=child, permissions=ALL_PERMISSIONS)
            kinds |= {entry.kind for entry in Chronology(child=child, access=everything)}

        assert set(Kind) - kinds == {Kind.OVERRIDE_ENDED}

    def test_kays_chronology_is_told_from_coming_into_care(self):
        kay = Child.objects.get(nhs_number=KAY)

        entries = _read(kay, _person("lead.sw"))

        kinds = {entry.kind for entry in entries}
        assert {
            Kind.SOCIAL_WORK_STATUS,
            Kind.TEAM_MEMBER_JOINED,
            Kind.LEAD_PROFESSIONAL,
            Kind.MEETING,
            Kind.CONSENT_GIVEN,
            Kind.APPOINTMENT_ATTENDED,
            Kind.APPOINTMENT_MISSED,
            Kind.APPOINTMENT_CANCELLED,
            Kind.FOLLOW_UP,
            Kind.SIGNIFICANT_EVENT,
        } <= kinds
        assert len(entries) >= 20
        kept = [entry for entry in entries if entry.not_for_young_person_reason]
        assert len(kept) == 1

    def test_kay_reads_hers_in_plain_words_without_what_was_kept_from_her(self):
        kay = Child.objects.get(nhs_number=KAY)

        mine = _read(kay, _person("young.person"), for_young_person=True)

        words = [entry.summary_for_young_person for entry in mine]
        assert "You moved in with Janet and Mike, and started at Riverside Academy." in words
        assert not any("court" in text for text in words)
        assert not any(entry.withheld for entry in mine)

    def test_mayas_disclosure_is_read_by_hannah_alone(self):
        maya = Child.objects.get(nhs_number=MAYA)
        disclosure = SignificantEvent.objects.get(child=maya, category="sexual_health")

        assert disclosure.public_id in {entry.record_id for entry in _read(maya, _person("lead.sw"))}
        others = [
            reader
            for reader in User.objects.filter(kind=User.Kind.PROFESSIONAL).exclude(username="lead.sw")
            if child_access(user=reader, child=maya).can_see_child
        ]
        assert others
        for reader in others:
            entries = _read(maya, reader)
            assert disclosure.public_id not in {entry.record_id for entry in entries}
            assert any(entry.withheld and entry.category == "sexual_health" for entry in entries)

    def test_loading_twice_adds_no_significant_event(self):
        before = SignificantEvent.objects.count()

        call_command("load_demo_data", "--force", stdout=io.StringIO())

        assert SignificantEvent.objects.count() == before == 8
