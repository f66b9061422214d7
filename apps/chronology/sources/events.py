"""Significant events, added by hand: the one record the chronology stores, each in its own category."""

from django.db.models import F, Q

from apps.chronology.entries import Kind
from apps.chronology.models import SignificantEvent
from apps.chronology.sources.common import (
    Description,
    Member,
    Reader,
    Source,
    as_organisation,
    held_by_professional,
)


class SignificantEventSource(Source):
    model = SignificantEvent
    kinds = (Kind.SIGNIFICANT_EVENT,)
    category = None

    def members(self, reader: Reader) -> list[Member]:
        events = SignificantEvent.objects.filter(child=reader.child)
        if reader.for_young_person:
            events = events.filter(not_for_young_person=False)
        return [
            Member(
                Kind.SIGNIFICANT_EVENT,
                events,
                at="occurred_on",
                date_only=True,
                agency=as_organisation(F("source_organisation")),
                involved=held_by_professional(reader, Q(recorded_by=reader.user)),
            )
        ]

    def details(self, pks):
        return SignificantEvent.objects.select_related("recorded_by").in_bulk(pks)

    def describe(self, record: SignificantEvent, kind: str, reader: Reader) -> Description:
        return Description(
            f"{record.what_happened} (recorded by {record.recorded_by})",
            record.in_plain_words or record.what_happened,
            record_id=record.public_id,
            not_for_young_person_reason=record.not_for_young_person_reason
            if record.not_for_young_person
            else "",
        )
