"""Forms for the team's members: adding and ending one, what a member offers, confirming, direct contact."""

from typing import cast
from uuid import UUID

from crispy_forms.layout import Div
from crispy_forms_gds.layout import Button, ConditionalRadios, Field, Fluid, Size
from django import forms
from django.forms.utils import ErrorDict
from django.urls import reverse

from apps.accounts.forms import ProfessionalChoiceField, active_professionals
from apps.accounts.models import User
from apps.accounts.selectors import professional_label, professional_search, professionals_in_scope
from apps.children.categories import Category
from apps.core.forms import RevealingChoice
from apps.teams.forms.common import _date_field, _described_category_field, _helper
from apps.teams.models import TeamMembership


def _uuids(values: list[str]) -> list[UUID]:
    parsed = []
    for value in values:
        try:
            parsed.append(UUID(value))
        except ValueError:
            continue
    return parsed


class MemberAddForm(forms.Form):
    """Someone joins the team around the child (R19, R21, R29)."""

    kind = forms.ChoiceField(
        label="Who is joining the team?",
        choices=[
            (TeamMembership.Kind.PROFESSIONAL, "A professional with a Beacon account"),
            (TeamMembership.Kind.CAREGIVER, "A caregiver, such as a foster carer or residential key worker"),
            (
                TeamMembership.Kind.TRUSTED_ADULT,
                "A trusted adult outside the services, such as a youth worker",
            ),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select who is joining the team"},
    )
    # A search, not a list of everyone in Beacon (issue 14). Without JavaScript, "Search" shows the matches
    # and keeps what was typed; with it, htmx shows them as the name is typed.
    professional_query = forms.CharField(
        label="Search for the professional",
        help_text="Part of their name, job title or organisation",
        max_length=100,
        required=False,
    )
    user = ProfessionalChoiceField(
        label="Choose the professional",
        queryset=User.objects.none(),
        to_field_name="public_id",
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose a professional from the search results"},
        help_text="Their organisation and role come from their Beacon account",
    )
    caregiver_name = forms.CharField(label="Caregiver's full name", max_length=150, required=False)
    caregiver_role = forms.ChoiceField(
        label="Their role",
        choices=[("", "Select a role"), *TeamMembership.CaregiverRole.choices],
        required=False,
    )
    trusted_adult_name = forms.CharField(label="Their full name", max_length=150, required=False)
    role_description = forms.CharField(
        label="Who they are to the young person",
        max_length=200,
        required=False,
        help_text="For example, youth worker at the boxing club, or their aunt",
    )
    offering = forms.CharField(
        label="What they are offering (optional)",
        required=False,
        widget=forms.Textarea,
        help_text="For example, weekly CBT sessions, a lift to school, someone to talk to on Fridays",
    )
    offering_category = _described_category_field(Category.TEAM, what="what they offer")
    contact_details = forms.CharField(
        label="How to contact them (optional)",
        max_length=300,
        required=False,
        help_text="A phone number or email, and when they can be reached",
    )
    started_on = _date_field("Start date", "Date they joined the team")

    def __init__(self, *args, child, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        user_field = cast(ProfessionalChoiceField, self.fields["user"])
        # Whoever is posted must be in scope, whatever the page showed; the page shows only the matches.
        user_field.queryset = professionals_in_scope(exclude_child=child)
        query = self.data.get("professional_query", "") if self.is_bound else ""
        matches, _more = professional_search(query=query, exclude_child=child)
        chosen = self.data.get("user", "") if self.is_bound else ""
        if chosen and chosen not in {str(person.public_id) for person in matches}:
            matches = [*active_professionals().filter(public_id__in=_uuids([chosen])), *matches]
        # Shown: the matches only (validation still asks the whole scope, through the queryset).
        user_field.choices = [(str(person.public_id), professional_label(person)) for person in matches]
        search_url = reverse("accounts:professional-search")
        self.helper = _helper(
            ConditionalRadios(
                "kind",
                RevealingChoice(
                    self.fields["kind"].choices[0][1],
                    Field.text(
                        "professional_query",
                        field_width=Fluid.TWO_THIRDS,
                        autocomplete="off",
                        hx_get=search_url,
                        hx_trigger="input changed delay:400ms, search",
                        hx_target="#professional-matches",
                        hx_sync="this:replace",
                    ),
                    Button.secondary("find_professional", "Search"),
                    Div(Field.radios("user", legend_size=Size.SMALL), css_id="professional-matches"),
                ),
                RevealingChoice(
                    self.fields["kind"].choices[1][1],
                    Field.text("caregiver_name", field_width=Fluid.TWO_THIRDS, autocomplete="off"),
                    Field.select("caregiver_role"),
                ),
                RevealingChoice(
                    self.fields["kind"].choices[2][1],
                    Field.text("trusted_adult_name", field_width=Fluid.TWO_THIRDS, autocomplete="off"),
                    Field.text("role_description", field_width=Fluid.TWO_THIRDS),
                ),
            ),
            Field.textarea("offering", rows=3),
            Field.select("offering_category"),
            Field.text("contact_details", field_width=Fluid.TWO_THIRDS, autocomplete="off"),
            Field("started_on"),
            Button.primary("add", "Add to the team"),
        )

    def searching(self) -> bool:
        """The "Search" button (no JavaScript): show the matches, keep the typing, save nothing."""
        return self.is_bound and "find_professional" in self.data

    def is_valid(self) -> bool:
        return not self.searching() and super().is_valid()

    def full_clean(self) -> None:
        if self.searching():
            self._errors = ErrorDict()
            self.cleaned_data = {}
            return
        super().full_clean()

    def clean(self) -> dict:
        cleaned = super().clean()
        # Which box holds the name depends on who is joining: say which one is empty.
        kind = cleaned.get("kind")
        if kind == TeamMembership.Kind.CAREGIVER and not cleaned.get("caregiver_name", "").strip():
            self.add_error("caregiver_name", "Enter the caregiver's full name")
        if kind == TeamMembership.Kind.TRUSTED_ADULT and not cleaned.get("trusted_adult_name", "").strip():
            self.add_error("trusted_adult_name", "Enter the trusted adult's full name")
        return cleaned

    def service_arguments(self) -> dict:
        """What ``team_member_add`` needs, from the fields of the kind chosen (other boxes are ignored)."""
        data = self.cleaned_data
        arguments = {
            "kind": data["kind"],
            "offering": data["offering"],
            "offering_category": data["offering_category"],
            "contact_details": data["contact_details"],
            "started_on": data["started_on"],
        }
        if data["kind"] == TeamMembership.Kind.PROFESSIONAL:
            arguments["user"] = data["user"]
        elif data["kind"] == TeamMembership.Kind.CAREGIVER:
            arguments["person_name"] = data["caregiver_name"]
            arguments["caregiver_role"] = data["caregiver_role"]
        else:
            arguments["person_name"] = data["trusted_adult_name"]
            arguments["role_description"] = data["role_description"]
        return arguments


class MemberEndForm(forms.Form):
    ended_on = _date_field("End date", "Date they left the team")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field("ended_on"), Button.primary("end", "End membership"))


class MemberOfferForm(forms.Form):
    """What a team member offers the young person, in plain words spoken to them (R91)."""

    offer_for_young_person = forms.CharField(
        label="What they offer the young person, in plain words",
        required=False,
        max_length=300,
        widget=forms.Textarea,
        help_text="Speak to the young person, in one or two short sentences. For example: I see you "
        "every Thursday after school, and you can text me if you need to change a day. Leave it empty to "
        "take it away.",
    )
    offer_category = _described_category_field(Category.TEAM, what="the offer")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["offer_for_young_person"].error_messages["max_length"] = (
            "Keep it short: %(limit_value)d characters or fewer (this is %(show_value)d)"
        )
        self.helper = _helper(
            Field.textarea("offer_for_young_person", rows=3, max_characters=300),
            Field.select("offer_category"),
            Button.primary("save", "Save"),
        )


class ConfirmForm(forms.Form):
    """A confirmation with nothing to type: the button is the answer."""

    def __init__(self, *args, submit_label: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(Button.primary("confirm", submit_label))


class DirectContactForm(forms.Form):
    """Give a member direct contact with the young person; in team-around-the-worker mode, with a reason."""

    reason = forms.CharField(label="Why do they need direct contact?", required=False, widget=forms.Textarea)
    reason_category = _described_category_field(Category.TEAM, what="the reason")
    confirmed = forms.BooleanField(required=False)

    def __init__(self, *args, team_around_the_worker: bool, trusted_worker_name: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        layout = [Field.textarea("reason", rows=4), Field.select("reason_category")]
        if team_around_the_worker:
            self.fields["reason"].help_text = (
                f"For example, what they can offer that {trusted_worker_name} cannot, and what the "
                "young person said about it"
            )
            self.fields["confirmed"].label = (
                "I confirm that the young person will have another worker in direct contact, "
                f"as well as {trusted_worker_name}"
            )
            layout.append(Field.checkbox("confirmed"))
        else:
            self.fields["reason"].label = "Why do they need direct contact? (optional)"
            del self.fields["confirmed"]
        self.helper = _helper(*layout, Button.primary("give", "Give direct contact"))
