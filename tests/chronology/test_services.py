"""Adding a significant event: only by someone who may change the record, in the past and not before birth,
with the reason when it is kept from the young person; bad input gets a clear message and saves nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.chronology.models import SignificantEvent
from apps.chronology.services import significant_event_record
from apps.core.exceptions import NotPermitted
from tests.factories import ProfessionalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(child, lead_professional, social_care):
    def add(**fields):
        values = {
            "actor": lead_professional,
            "child": child,
            "occurred_on": timezone.localdate(),
            "what_happened": "Moved to a new foster placement across the city.",
            "source_organisation": social_care,
            **fields,
        }
        return significant_event_record(**values)

    return add


def _nothing_saved(child) -> None:
    assert not SignificantEvent.objects.filter(child=child).exists()
    assert not AuditEvent.objects.filter(child=child, target_type="chronology.significantevent").exists()


def test_a_significant_event_is_recorded_with_its_agency_and_audited(record, child, lead_professional):
    event = record(category="sexual_health", in_plain_words="You told your teacher something important.")

    assert event.recorded_by == lead_professional
    assert event.category == "sexual_health"
    audit = AuditEvent.objects.get(child=child, target_type="chronology.significantevent")
    assert audit.action == AuditEvent.Action.CREATE
    assert audit.target_id == str(event.public_id)
    assert audit.detail == {"category": "sexual_health", "not_for_young_person": False}


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"occurred_on": "tomorrow"}, "occurred_on", "must be today or in the past"),
        ({"occurred_on": "before birth"}, "occurred_on", "must be on or after Sam Okafor's date of birth"),
        ({"occurred_on": None}, "occurred_on", "Enter the date it happened"),
        ({"what_happened": "   "}, "what_happened", "Say what happened"),
        ({"what_happened": "x" * 2001}, "what_happened", "2,000 characters or fewer"),
        ({"source_organisation": None}, "source_organisation", "Select the agency it came from"),
        ({"category": "gossip"}, "category", "“gossip” is not one of them"),
        ({"category": "core"}, "category", "“core” is not one of them"),
        (
            {"not_for_young_person": True},
            "not_for_young_person_reason",
            "Say why the young person should not",
        ),
        (
            {"not_for_young_person": True, "not_for_young_person_reason": "  "},
            "not_for_young_person_reason",
            "Say why the young person should not",
        ),
    ],
)
def test_bad_input_gets_a_clear_message_and_saves_nothing(record, child, fields, field, message):
    if fields.get("occurred_on") == "tomorrow":
        fields = {**fields, "occurred_on": timezone.localdate() + datetime.timedelta(days=1)}
    if fields.get("occurred_on") == "before birth":
        fields = {**fields, "occurred_on": child.date_of_birth - datetime.timedelta(days=1)}

    with pytest.raises(ValidationError) as raised:
        record(**fields)

    assert message in " ".join(raised.value.message_dict[field])
    _nothing_saved(child)


def test_the_day_of_birth_itself_is_allowed(record, child):
    assert record(occurred_on=child.date_of_birth).occurred_on == child.date_of_birth


def test_someone_who_may_only_read_the_record_cannot_add_to_it(record, child, read_only_professional):
    with pytest.raises(NotPermitted):
        record(actor=read_only_professional)

    _nothing_saved(child)


def test_someone_the_child_is_not_shared_with_cannot_add_to_it(record, child):
    with pytest.raises(NotPermitted):
        record(actor=ProfessionalFactory())

    _nothing_saved(child)


def test_a_reason_is_kept_only_for_an_event_kept_from_the_young_person(record):
    shown = record(not_for_young_person_reason="Typed by mistake")
    hidden = record(not_for_young_person=True, not_for_young_person_reason="Her mother will tell her first")

    assert shown.not_for_young_person_reason == ""
    assert hidden.not_for_young_person_reason == "Her mother will tell her first"


def test_the_database_refuses_an_event_kept_from_the_young_person_without_a_reason(
    child, lead_professional, social_care
):
    with pytest.raises(IntegrityError), transaction.atomic():
        SignificantEvent.objects.create(
            child=child,
            occurred_on=timezone.localdate(),
            what_happened="Something",
            source_organisation=social_care,
            recorded_by=lead_professional,
            not_for_young_person=True,
        )


def test_the_database_refuses_a_category_that_is_neither_the_chronology_nor_sensitive(
    child, lead_professional, social_care
):
    with pytest.raises(IntegrityError), transaction.atomic():
        SignificantEvent.objects.create(
            child=child,
            occurred_on=timezone.localdate(),
            what_happened="Something",
            source_organisation=social_care,
            recorded_by=lead_professional,
            category="appointments",
        )
