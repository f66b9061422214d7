"""The form for recording a team meeting, with the actions agreed at it."""

from datetime import date, datetime, time

from crispy_forms_gds.layout import HTML, Button, Field, Fieldset, Fixed, Fluid, Size
from django import forms
from django.utils import timezone

from apps.accounts.models import User
from apps.children.categories import Category
from apps.core.forms import TimeOfDayField, _by_public_id
from apps.teams.forms.common import (
    _date_field,
    _described_category_field,
    _helper,
    _member_label,
    _owner_field,
)
from apps.teams.models import Meeting, TeamMembership

# Rows for actions on the meeting form; blank rows are ignored.
MEETING_ACTION_ROWS = 3


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
