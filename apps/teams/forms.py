"""Forms for the team around the child, laid out with GOV.UK Frontend through crispy-forms-gds.

They only parse what was typed: a choice of person becomes the membership or user it names, a date and
a time become an aware datetime. Every rule (one lead professional, a membership cannot end before it
starts, an action needs an owner) belongs to ``apps.teams.services``; the views put the services'
errors back onto these forms. People are named in choices by their public id, never a database id.
"""

from datetime import date, datetime, time

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import (
    HTML,
    Button,
    ConditionalRadios,
    Field,
    Fieldset,
    Fixed,
    Fluid,
    Layout,
    Size,
)
from django import forms
from django.utils import timezone

from apps.accounts.forms import ProfessionalChoiceField, active_professionals
from apps.accounts.models import User
from apps.children.categories import Category
from apps.core.forms import (
    DATE_HINT,
    GovukDateField,
    PublicIdChoiceField,
    RevealingChoice,
    TimeOfDayField,
    _by_public_id,
)
from apps.teams.free_text import described_category_choices
from apps.teams.models import LeadProfessionalAppointment, Meeting, TeamMembership

# Rows for actions on the meeting form; blank rows are ignored.
MEETING_ACTION_ROWS = 3


def _helper(*layout) -> FormHelper:
    helper = FormHelper()
    helper.layout = Layout(*layout)
    return helper


def _date_field(name: str, label: str, *, required: bool = True, hint: str = DATE_HINT) -> GovukDateField:
    return GovukDateField(name=name, label=label, required=required, help_text=hint)


def _described_category_field(home: Category, *, what: str = "this") -> forms.ChoiceField:
    """Asked under each free-text box: does it mention a sensitive category? Then only people who may see
    that category read the text (R80); everyone else sees that it is withheld and why."""
    return forms.ChoiceField(
        label=f"Does {what} mention anything sensitive?",
        choices=described_category_choices(home),
        initial=home.value,
        required=False,
        help_text="If it mentions sexual health, substance misuse, gang involvement, sexual orientation or "
        "gender identity, or immigration status, choose which. Then only people with the young person's "
        "consent to see that will read it, and parents and carers never will.",
        error_messages={"invalid_choice": "Choose what it mentions from the list"},
    )


def _member_label(membership: TeamMembership) -> str:
    organisation = f", {membership.organisation}" if membership.organisation_id else ""
    return f"{membership.name} ({membership.role_label}{organisation})"


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
    user = ProfessionalChoiceField(
        label="Professional",
        queryset=User.objects.none(),
        to_field_name="public_id",
        required=False,
        empty_label="Select a professional",
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
        self.fields["user"].queryset = active_professionals(exclude_child=child)
        self.helper = _helper(
            ConditionalRadios(
                "kind",
                RevealingChoice(self.fields["kind"].choices[0][1], Field.select("user")),
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


class LeadAppointForm(forms.Form):
    """Appoint the lead professional from the professionals in the team (R16, R17)."""

    route = forms.ChoiceField(
        label="How were they appointed?",
        choices=LeadProfessionalAppointment.Route.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the lead professional was appointed"},
    )
    started_on = _date_field("Date appointed", "Date appointed")

    def __init__(self, *args, members: list[TeamMembership], offered_first: list[TeamMembership], **kwargs):
        super().__init__(*args, **kwargs)
        first = {membership.pk for membership in offered_first}
        ordered = offered_first + [membership for membership in members if membership.pk not in first]
        hint = "Already coordinates their care under a statutory duty: appointing them avoids a second one"
        self.fields["membership"] = PublicIdChoiceField(
            label="Who will be the lead professional?",
            objects=ordered,
            label_for=_member_label,
            hints={str(membership.public_id): hint for membership in offered_first},
            widget=forms.RadioSelect,
            error_messages={"required": "Select who will be the lead professional"},
        )
        self.order_fields(["membership", "route", "started_on"])
        self.helper = _helper(
            Field.radios("membership", legend_size=Size.MEDIUM),
            Field.radios("route", legend_size=Size.MEDIUM),
            Field("started_on"),
            Button.primary("appoint", "Appoint lead professional"),
        )


class HandoverForm(forms.Form):
    """Hand a lead professional's or trusted worker's role to a named successor (R24)."""

    note = forms.CharField(
        label="Handover note",
        required=False,
        widget=forms.Textarea,
        help_text="What the successor needs to know, in the young person's terms: what matters to them, "
        "what helps, what is planned",
    )
    overlap_until = _date_field(
        "Overlap end date",
        "Overlap: until when will you both work with the young person? (optional)",
        required=False,
        hint="Leave blank if there is no overlap. " + DATE_HINT,
    )

    def __init__(self, *args, successors: list[TeamMembership], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["successor"] = PublicIdChoiceField(
            label="Successor",
            objects=successors,
            label_for=_member_label,
            empty_label="Select the successor",
            required=False,  # The service names the missing successor, as the API does.
            help_text="A professional in the team around the child",
        )
        self.order_fields(["successor", "note", "overlap_until"])
        self.helper = _helper(
            Field.select("successor"),
            Field.textarea("note", rows=6),
            Field("overlap_until"),
            Button.primary("hand_over", "Hand over"),
        )


def _owner_field(owners: list[User], *, label: str = "Owner", required: bool = False) -> PublicIdChoiceField:
    return PublicIdChoiceField(
        label=label,
        objects=owners,
        label_for=str,
        empty_label="Select who will do it",
        required=required,
        help_text="One professional in the team",
    )


class ActionForm(forms.Form):
    """An action for the child, with one owner and a due date."""

    description = forms.CharField(label="What needs to be done", required=False, widget=forms.Textarea)
    description_category = _described_category_field(Category.PLANS, what="the action")
    due_on = _date_field("Due date", "Due date", required=False)

    def __init__(self, *args, owners: list[User], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"] = _owner_field(owners)
        self.order_fields(["description", "description_category", "owner", "due_on"])
        self.helper = _helper(
            Field.textarea("description", rows=3),
            Field.select("description_category"),
            Field.select("owner"),
            Field("due_on"),
            Button.primary("add", "Add action"),
        )


class ActionCompleteForm(forms.Form):
    completed_on = _date_field("Date done", "Date it was done")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field("completed_on"), Button.primary("complete", "Mark as done"))


class MeetingForm(forms.Form):
    """A multi-agency meeting: when, who came, the young person's views, the decisions and the actions."""

    kind = forms.ChoiceField(
        label="Type of meeting",
        choices=Meeting.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of meeting"},
    )
    held_on = _date_field("Meeting date", "Date")
    held_time = TimeOfDayField(label="Time", error_messages={"required": "Enter the time of the meeting"})
    location = forms.CharField(
        label="Where (optional)",
        max_length=200,
        required=False,
        help_text="For example, Riverside Academy, room 4, or a video call",
    )
    others_present = forms.CharField(
        label="Others at the meeting (optional)",
        required=False,
        widget=forms.Textarea,
        help_text="People not in the team, one on each line: for example, the young person, a parent",
    )
    young_person_views = forms.CharField(
        label="The young person's views, in their own words", required=False, widget=forms.Textarea
    )
    young_person_views_not_given_reason = forms.CharField(
        label="Or, why their views were not given", required=False, widget=forms.Textarea
    )
    decisions = forms.CharField(label="Decisions (optional)", required=False, widget=forms.Textarea)
    decisions_category = _described_category_field(Category.PLANS, what="the decisions")

    def __init__(self, *args, members: list[TeamMembership], owners: list[User], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.members = _by_public_id(members)
        member_choices = [(key, _member_label(member)) for key, member in self.members.items()]
        self.fields["invited"] = forms.MultipleChoiceField(
            label="Who from the team was invited?",
            choices=member_choices,
            widget=forms.CheckboxSelectMultiple,
            required=False,
        )
        self.fields["attended"] = forms.MultipleChoiceField(
            label="Who from the team came?",
            choices=member_choices,
            widget=forms.CheckboxSelectMultiple,
            required=False,
            help_text="Leave blank for a meeting that is planned",
        )
        action_fieldsets = []
        for row in range(1, MEETING_ACTION_ROWS + 1):
            self.fields[f"action_{row}_description"] = forms.CharField(
                label="What needs to be done", required=False, widget=forms.Textarea
            )
            self.fields[f"action_{row}_description_category"] = _described_category_field(
                Category.PLANS, what="the action"
            )
            self.fields[f"action_{row}_owner"] = _owner_field(owners)
            self.fields[f"action_{row}_due_on"] = _date_field("Due date", "Due date", required=False)
            action_fieldsets.append(
                Fieldset(
                    Field.textarea(f"action_{row}_description", rows=2),
                    Field.select(f"action_{row}_description_category"),
                    Field.select(f"action_{row}_owner"),
                    Field(f"action_{row}_due_on"),
                    legend=f"Action {row}",
                    legend_size=Size.SMALL,
                )
            )
        self.helper = _helper(
            Field.radios("kind", legend_size=Size.MEDIUM),
            Fieldset(
                Field("held_on"),
                Field.text("held_time", field_width=Fixed.FIVE, autocomplete="off"),
                Field.text("location", field_width=Fluid.TWO_THIRDS),
                legend="When and where",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.checkboxes("invited", small=True),
                Field.checkboxes("attended", small=True),
                Field.textarea("others_present", rows=3),
                legend="Who was there",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                HTML.p(
                    "For a meeting that has happened, write their views in their own words, or say why they "
                    "were not given. Leave both blank for a meeting that is planned."
                ),
                Field.textarea("young_person_views", rows=4),
                Field.textarea("young_person_views_not_given_reason", rows=2),
                legend="The young person's views",
                legend_size=Size.MEDIUM,
            ),
            Field.textarea("decisions", rows=4),
            Field.select("decisions_category"),
            Fieldset(
                HTML.p("Each action needs one owner and a due date. Leave a row blank if it is not needed."),
                *action_fieldsets,
                legend="Actions",
                legend_size=Size.MEDIUM,
            ),
            Button.primary("record", "Record meeting"),
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        held_on: date | None = cleaned.get("held_on")
        held_time: time | None = cleaned.get("held_time")
        if held_on and held_time:
            # The meeting's local time in Europe/London, stored as an aware UTC datetime.
            cleaned["held_at"] = timezone.make_aware(datetime.combine(held_on, held_time))
        return cleaned

    def action_rows(self) -> list[tuple[int, dict]]:
        """The action rows with anything typed in, as (row number, action); wholly blank rows are ignored."""
        rows = []
        for row in range(1, MEETING_ACTION_ROWS + 1):
            item = {
                "description": self.cleaned_data.get(f"action_{row}_description", ""),
                "description_category": self.cleaned_data.get(f"action_{row}_description_category", ""),
                "owner": self.cleaned_data.get(f"action_{row}_owner"),
                "due_on": self.cleaned_data.get(f"action_{row}_due_on"),
            }
            if (item["description"] or "").strip() or item["owner"] or item["due_on"]:
                rows.append((row, item))
        return rows

    def participants(self) -> list[dict]:
        invited = set(self.cleaned_data["invited"])
        attended = set(self.cleaned_data["attended"])
        people = [
            {"membership": member, "invited": key in invited, "attended": key in attended}
            for key, member in self.members.items()
            if key in invited | attended
        ]
        for line in self.cleaned_data["others_present"].splitlines():
            if line.strip():
                people.append({"name": line.strip()[:150], "invited": True, "attended": True})
        return people
