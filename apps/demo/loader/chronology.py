"""The chronology: the significant events professionals added by hand (R12). Everything else in a demo
child's chronology is read from what the other loaders recorded through the services."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from apps.children.models import Child
from apps.chronology.models import SignificantEvent
from apps.chronology.services import significant_event_record
from apps.core.exceptions import ApplicationError
from apps.demo.loader.base import DemoLoaderBase


class ChronologyLoader(DemoLoaderBase):
    def load_chronology(self, children: dict[str, Child]) -> None:
        """Each child's significant events, through the service, by someone who may change the record.

        A child who already has significant events keeps them: each is history, told once.
        """
        events = self.data.get("chronology", {}).get("events", [])
        told = set(
            SignificantEvent.objects.filter(child__in=children.values()).values_list("child_id", flat=True)
        )
        for item in events:
            child = children[item["child"]]
            if child.pk in told:
                self.present["significant events"] += 1
                continue
            reason = item.get("not_for_young_person_reason", "")
            try:
                significant_event_record(
                    actor=self.people[item["by"]],
                    child=child,
                    occurred_on=self.today - timedelta(days=item["days_ago"]),
                    what_happened=item["what_happened"],
                    in_plain_words=item.get("in_plain_words", ""),
                    source_organisation=self.organisations[item["from"]],
                    category=item.get("category", "chronology"),
                    not_for_young_person=bool(reason),
                    not_for_young_person_reason=reason,
                )
            except (ValidationError, ApplicationError) as error:
                detail = error.message_dict if isinstance(error, ValidationError) else error.message
                raise CommandError(
                    f"A significant event for {child.known_as} did not load: {detail}"
                ) from error
            self.created["significant events"] += 1
