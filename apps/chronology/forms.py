"""The chronology's forms: narrowing it (by agency, kind and period) and adding a significant event.

They only parse what was typed; whether a date may be used and what is required is the service's to say
(``apps.chronology.services``), and the views put its errors back onto these forms.
"""

from typing import cast

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms

from apps.accounts.models import Organisation
from apps.children.categories import Category
from apps.chronology.entries import EARLIEST_DAY, LATEST_DAY, ChronologyFilters, Kind
from apps.chronology.models import SIGNIFICANT_EVENT_CATEGORIES
from apps.core.forms import DATE_HINT, GovukDateField, PublicIdChoiceField

# Asked of a significant event, as of free text in the team's records (apps.teams.free_text).
CATEGORY_CHOICES = [
    (category.value, "Nothing sensitive" if category == Category.CHRONOLOGY else category.label)
    for category in SIGNIFICANT_EVENT_CATEGORIES
]
FOR_YOUNG_PERSON = "yes"
NOT_FOR_YOUNG_PERSON = "no"
FOR_YOUNG_PERSON_CHOICES = [(FOR_YOUNG_PERSON, "Yes"), (NOT_FOR_YOUNG_PERSON, "No, not for now")]


class ChronologyFilterForm(forms.Form):
    """The GET parameters of the chronology page: ``agency``, ``kind`` (any number), ``since``, ``until``."""

    agency = forms.ChoiceField(label="Agency", required=False)
    kind = forms.MultipleChoiceField(
        label="What happened", choices=Kind.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    since = forms.DateField(
        label="From", required=False, error_messages={"invalid": "Enter the from date like 2026-03-27"}
    )
    until = forms.DateField(
        label="To", required=False, error_messages={"invalid": "Enter the to date like 2026-03-27"}
    )

    def __init__(self, *args, agencies: list[Organisation], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.agencies = {str(agency.public_id): agency for agency in agencies}
        field = cast(forms.ChoiceField, self.fields["agency"])
        field.choices = [("", "Every agency")] + [(key, agency.name) for key, agency in self.agencies.items()]

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        since, until = cleaned.get("since"), cleaned.get("until")
        for name, day in (("since", since), ("until", until)):
            if day is not None and not EARLIEST_DAY <= day <= LATEST_DAY:
                self.add_error(name, f"Enter a {'from' if name == 'since' else 'to'} date from 1900 to 2100")
                return cleaned
        if since and until and since > until:
            self.add_error("until", "The to date must be the same as or after the from date")
        return cleaned

    def filters(self) -> ChronologyFilters:
        """What the reader asked for, or nothing narrowed if what they typed cannot be used."""
        if not self.is_valid():
            return ChronologyFilters()
        data = self.cleaned_data
        return ChronologyFilters(
            agency=self.agencies.get(data["agency"]) if data["agency"] else None,
            kinds=frozenset(data["kind"]),
            since=data["since"],
            until=data["until"],
        )


class SignificantEventForm(forms.Form):
    """Something that happened, told once: when, what, from which agency, and whether it is for the young
    person to read in their own chronology."""

    occurred_on = GovukDateField(name="Date it happened", label="When did it happen?", help_text=DATE_HINT)
    what_happened = forms.CharField(
        label="What happened",
        widget=forms.Textarea,
        required=False,
        help_text="A sentence or two. The detail stays in the record that holds it.",
    )
    source_organisation = forms.ChoiceField(label="Which agency did it come from?", required=False)
    category = forms.ChoiceField(
        label="Does it describe anything sensitive?",
        choices=CATEGORY_CHOICES,
        initial=Category.CHRONOLOGY.value,
        required=False,
        help_text="If it is about sexual health or exploitation, substance misuse, gang involvement, sexual "
        "orientation or gender identity, or immigration status, choose which. Then only people with consent "
        "to see that will read it, and parents and carers never will.",
        error_messages={"invalid_choice": "Choose what it describes from the list"},
    )
    for_young_person = forms.ChoiceField(
        label="Should the young person see this in their own chronology?",
        choices=FOR_YOUNG_PERSON_CHOICES,
        initial=FOR_YOUNG_PERSON,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the young person should see this"},
    )
    in_plain_words = forms.CharField(
        label="If so, in plain words for the young person (optional)",
        widget=forms.Textarea,
        required=False,
        help_text="What they will read, spoken to them. Leave blank to show them what happened, as written.",
    )
    not_for_young_person_reason = forms.CharField(
        label="If not, why should they not see it?",
        widget=forms.Textarea,
        required=False,
        help_text="The reason is recorded with the event, for whoever looks at it again.",
    )

    def __init__(self, *args, organisations: list[Organisation], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["source_organisation"] = PublicIdChoiceField(
            objects=organisations,
            label_for=str,
            empty_label="Select the agency",
            label="Which agency did it come from?",
            required=False,
        )
        # Both boxes stay in view rather than revealed by the answer: GOV.UK's conditional reveal sets
        # aria-expanded on a radio, which axe-core counts as a critical WCAG failure (tests/chronology).
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field("occurred_on"),
            Field.textarea("what_happened", rows=4),
            Field.select("source_organisation"),
            Field.select("category"),
            Field.radios("for_young_person", legend_size=Size.SMALL, inline=True),
            Field.textarea("in_plain_words", rows=3),
            Field.textarea("not_for_young_person_reason", rows=3),
            Button.primary("record", "Add to the chronology"),
        )

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        hidden = data["for_young_person"] == NOT_FOR_YOUNG_PERSON
        return {
            "occurred_on": data["occurred_on"],
            "what_happened": data["what_happened"],
            "source_organisation": data["source_organisation"],
            "category": data["category"] or Category.CHRONOLOGY.value,
            "in_plain_words": "" if hidden else data["in_plain_words"],
            "not_for_young_person": hidden,
            "not_for_young_person_reason": data["not_for_young_person_reason"] if hidden else "",
        }
