"""Forms for booking appointments, recording what happened, and completing a missed-appointment follow-up.

They only parse what was typed; every rule (no outcome for an appointment that has not happened, a
correction needs a reason, a follow-up needs its three answers) is ``apps.appointments.services``'.
"""

from datetime import datetime
from typing import cast

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Button, Field, Fieldset, Fixed, Fluid, Layout, Size
from django import forms
from django.utils import timezone

from apps.accounts.models import User
from apps.appointments.models import Appointment, FollowUpAttempt, MissedAppointmentFollowUp
from apps.core.forms import DATE_HINT, EventDateField, PublicIdChoiceField, TimeOfDayField

FollowUp = MissedAppointmentFollowUp

# The two kinds of missed appointment, told apart the way the NSPCC asks: did the young person decide
# not to come, or did the adult they depend on not bring them?
OUTCOME_HINTS = {
    Appointment.Outcome.ATTENDED: "The young person came, even if late.",
    Appointment.Outcome.DID_NOT_ATTEND: (
        "A young person old enough to come on their own decided not to. This is a sign of need, not a "
        "reason to close the case: a follow-up is created for the lead professional."
    ),
    Appointment.Outcome.WAS_NOT_BROUGHT: (
        "A child who depends on an adult to get there was not brought. Use this, not 'did not attend', "
        "for younger children: a follow-up is created for the lead professional."
    ),
    Appointment.Outcome.CANCELLED_BY_FAMILY: "The young person or family told us beforehand.",
    Appointment.Outcome.CANCELLED_BY_SERVICE: "We cancelled or moved it.",
}
YES_NO_UNKNOWN = [("", "Not asked or not known"), ("yes", "Yes"), ("no", "No")]


def _helper(*layout) -> FormHelper:
    helper = FormHelper()
    helper.layout = Layout(*layout)
    return helper


def _yes_no(value: str) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class AppointmentBookForm(forms.Form):
    purpose = forms.CharField(
        label="What is the appointment for?",
        max_length=200,
        help_text="For example, first assessment, or session 3",
        error_messages={"required": "Enter what the appointment is for"},
    )
    on = EventDateField(name="Date", label="Date", help_text=DATE_HINT)
    at = TimeOfDayField(
        label="Time",
        help_text="For example, 16:30 or 4:30pm. After school is best for most young people.",
        error_messages={"required": "Enter the time of the appointment"},
    )
    duration_minutes = forms.IntegerField(
        label="Length in minutes",
        min_value=5,
        max_value=480,
        initial=50,
        error_messages={"required": "Enter how long the appointment is, in minutes"},
    )
    location = forms.ChoiceField(
        label="Where will it be?",
        choices=Appointment.Location.choices,
        widget=forms.RadioSelect,
        help_text="Offer the places the young person prefers first; a clinic is only one choice.",
        error_messages={"required": "Select where the appointment will be"},
    )
    location_detail = forms.CharField(
        label="Where exactly (optional)",
        max_length=200,
        required=False,
        help_text="The address, room or name of the place",
    )
    chosen_by_young_person = forms.BooleanField(label="The young person chose this place", required=False)
    companion = forms.ChoiceField(
        label="Who does the young person want with them?",
        choices=[("", "Not asked yet"), *Appointment.Companion.choices],
        widget=forms.RadioSelect,
        required=False,
    )
    companion_name = forms.CharField(label="Their name (optional)", max_length=150, required=False)
    practical_support = forms.MultipleChoiceField(
        label="Practical help offered (optional)",
        choices=Appointment.PracticalSupport.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="For a family who may find the cost or the journey hard",
    )
    # Team around the worker (R20): shown only once the chosen professional is a supporting member.
    direct_contact_acknowledged = forms.BooleanField(
        label="I have thought about this, and they need to see the young person directly",
        required=False,
    )
    direct_contact_reason = forms.CharField(
        label="Why do they need to see the young person directly?",
        required=False,
        widget=forms.Textarea,
        help_text="For example, the trusted worker is on leave and this assessment cannot wait",
    )

    def __init__(self, *args, professionals: list[User], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["professional"] = PublicIdChoiceField(
            label="Who will they see?",
            objects=professionals,
            label_for=str,
            empty_label="Select a professional",
            error_messages={"required": "Select who the young person will see"},
        )
        self.order_fields(["purpose", "professional"])
        self._layout(warning="")

    def show_direct_contact_warning(self, warning: str) -> None:
        """The confirm step: the warning, then the acknowledgement and the reason, before the button."""
        self._layout(warning=warning)

    def _layout(self, *, warning: str) -> None:
        confirm = (
            [
                Fieldset(
                    HTML(
                        '<div class="govuk-warning-text"><span class="govuk-warning-text__icon" '
                        'aria-hidden="true">!</span><strong class="govuk-warning-text__text">'
                        '<span class="govuk-visually-hidden">Warning</span>{{ direct_contact_warning }}'
                        "</strong></div>"
                    ),
                    Field.checkbox("direct_contact_acknowledged", small=True),
                    Field.textarea("direct_contact_reason", rows=2),
                    legend="A new worker for the young person",
                    legend_size=Size.MEDIUM,
                )
            ]
            if warning
            else []
        )
        self.direct_contact_warning = warning
        self.helper = _helper(
            Field.text("purpose", field_width=Fluid.TWO_THIRDS),
            Field.select("professional"),
            Fieldset(
                Field("on"),
                Field.text("at", field_width=Fixed.FIVE, autocomplete="off"),
                Field.text("duration_minutes", field_width=Fixed.THREE, inputmode="numeric"),
                legend="When",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.radios("location", small=True),
                Field.text("location_detail", field_width=Fluid.TWO_THIRDS),
                Field.checkbox("chosen_by_young_person", small=True),
                legend="Where",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.radios("companion", small=True),
                Field.text("companion_name", field_width=Fluid.TWO_THIRDS),
                legend="Who comes with them",
                legend_size=Size.MEDIUM,
            ),
            Field.checkboxes("practical_support", small=True),
            *confirm,
            Button.primary("book", "Book appointment"),
        )

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "professional": data["professional"],
            "purpose": data["purpose"],
            # The appointment's local time in Europe/London, stored as an aware UTC datetime.
            "starts_at": timezone.make_aware(datetime.combine(data["on"], data["at"])),
            "duration_minutes": data["duration_minutes"],
            "location": data["location"],
            "location_detail": data["location_detail"],
            "chosen_by_young_person": data["chosen_by_young_person"],
            "companion": data["companion"],
            "companion_name": data["companion_name"],
            "practical_support": data["practical_support"],
            "direct_contact_acknowledged": data["direct_contact_acknowledged"],
            "direct_contact_reason": data["direct_contact_reason"],
        }


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What happened?",
        choices=[
            Choice(value, label, hint=OUTCOME_HINTS[value]) for value, label in Appointment.Outcome.choices
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select what happened at the appointment"},
    )
    note = forms.CharField(label="Anything else to note (optional)", required=False, widget=forms.Textarea)
    companion_wish_met = forms.ChoiceField(
        label="Did the young person have who they wanted with them?",
        choices=YES_NO_UNKNOWN,
        widget=forms.RadioSelect,
        required=False,
    )
    companion_wish_not_met_reason = forms.CharField(
        label="If not, why not", required=False, widget=forms.Textarea
    )
    practical_support_taken_up = forms.ChoiceField(
        label="Did the family use the practical help offered?",
        choices=YES_NO_UNKNOWN,
        widget=forms.RadioSelect,
        required=False,
    )
    did_not_attend_reason = forms.CharField(
        label="If 'did not attend': why was it their own choice, not 'was not brought'?",
        required=False,
        widget=forms.Textarea,
        help_text=(
            "A child this young depends on an adult to bring them. Needed only for 'did not attend', for "
            "example 'she is 11 and walks to the clinic on her own; she told us she did not want to come'."
        ),
    )
    correction_reason = forms.CharField(
        label="Why the outcome recorded before was wrong",
        required=False,
        widget=forms.Textarea,
        help_text="Needed because an outcome was already recorded",
    )

    def __init__(self, *args, appointment: Appointment, young_child: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        layout = [Field.radios("outcome", legend_size=Size.MEDIUM)]
        if young_child:
            # The safe choice first: a young child who missed an appointment was not brought (R57-R59).
            order = [Appointment.Outcome.ATTENDED, Appointment.Outcome.WAS_NOT_BROUGHT]
            rest = [value for value in Appointment.Outcome.values if value not in order]
            outcome_field = cast(forms.ChoiceField, self.fields["outcome"])
            outcome_field.choices = [
                Choice(
                    value, Appointment.Outcome(value).label, hint=OUTCOME_HINTS[Appointment.Outcome(value)]
                )
                for value in [*order, *rest]
            ]
            layout.append(Field.textarea("did_not_attend_reason", rows=2))
        layout.append(Field.textarea("note", rows=3))
        if appointment.companion and appointment.companion != Appointment.Companion.NOBODY:
            layout += [
                Field.radios("companion_wish_met", small=True, inline=True),
                Field.textarea("companion_wish_not_met_reason", rows=2),
            ]
        if appointment.practical_support:
            layout.append(Field.radios("practical_support_taken_up", small=True, inline=True))
        if appointment.outcome:
            layout.insert(
                0,
                HTML.p(
                    f"The outcome was recorded as '{appointment.get_outcome_display().lower()}'. Recording "
                    "a different one corrects it."
                ),
            )
            layout.append(Field.textarea("correction_reason", rows=2))
        layout.append(Button.primary("record", "Record outcome"))
        self.helper = _helper(*layout)

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "outcome": data["outcome"],
            "note": data["note"],
            "companion_wish_met": _yes_no(data["companion_wish_met"]),
            "companion_wish_not_met_reason": data["companion_wish_not_met_reason"],
            "practical_support_taken_up": _yes_no(data["practical_support_taken_up"]),
            "correction_reason": data["correction_reason"],
            "did_not_attend_reason": data["did_not_attend_reason"],
        }


class FollowUpCompleteForm(forms.Form):
    reason = forms.ChoiceField(
        label="Why was the appointment missed?",
        choices=FollowUp.Reason.choices,
        widget=forms.RadioSelect,
        help_text="Ask the young person, and their family where that is right",
        error_messages={"required": "Select why the appointment was missed"},
    )
    reason_detail = forms.CharField(label="In their words (optional)", required=False, widget=forms.Textarea)
    child_safe = forms.ChoiceField(
        label="Have you checked that the child is safe?",
        choices=[("yes", "Yes, they are safe"), ("no", "No, I am worried about their safety")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you have checked that the child is safe"},
    )
    safety_check = forms.ChoiceField(
        label="How did you check?",
        choices=FollowUp.SafetyCheck.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how you checked that the child is safe"},
    )
    safety_note = forms.CharField(
        label="What you found (needed if you are worried)", required=False, widget=forms.Textarea
    )
    alternative = forms.ChoiceField(
        label="What did you offer instead?",
        choices=FollowUp.Alternative.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what you offered instead"},
    )
    alternative_detail = forms.CharField(
        label="Details of the offer (optional)",
        required=False,
        widget=forms.Textarea,
        help_text="For example, Thursday at 4pm at the youth club, with Dev there",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("reason", legend_size=Size.MEDIUM, small=True),
            Field.textarea("reason_detail", rows=2),
            Field.radios("child_safe", legend_size=Size.MEDIUM),
            Field.radios("safety_check", small=True),
            Field.textarea("safety_note", rows=2),
            Field.radios("alternative", legend_size=Size.MEDIUM, small=True),
            Field.textarea("alternative_detail", rows=2),
            Button.primary("complete", "Complete follow-up"),
        )

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {**data, "child_safe": _yes_no(data["child_safe"])}


class FollowUpAttemptForm(forms.Form):
    """Tried, could not reach them yet: the follow-up stays open and is due again (never "done")."""

    method = forms.ChoiceField(
        label="How did you try to reach them?",
        choices=FollowUpAttempt.Method.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how you tried to reach them"},
    )
    what_was_tried = forms.CharField(
        label="What did you try?",
        widget=forms.Textarea,
        help_text="For example, rang mum's mobile at 9am and 4pm, no answer, left a message",
        error_messages={"required": "Enter what you tried"},
    )

    def __init__(self, *args, action: str, **kwargs) -> None:
        kwargs["prefix"] = "attempt"
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("method", legend_size=Size.SMALL, small=True),
            Field.textarea("what_was_tried", rows=2),
            Button.secondary("attempt", "Record the try and keep this open"),
        )
        self.helper.form_action = action

    def service_arguments(self) -> dict:
        return dict(self.cleaned_data)
