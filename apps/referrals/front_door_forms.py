"""Forms for the front door: a young person's and a parent's request for help, and the team's routing.

Every rule the form can check is checked here, so all the problems are shown at once in the error summary;
the service checks them again (nothing reaches the database that the form let through by mistake).
"""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fieldset, Fluid, Layout, Size
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from apps.core.forms import GovukDateField
from apps.core.nhs_number import normalise_nhs_number, validate_nhs_number
from apps.directory.models import Service
from apps.referrals.models import HelpRequest

URGENCY_CHOICES_YOUNG_PERSON = [
    (HelpRequest.Urgency.URGENT, "Now: I do not feel safe"),
    (HelpRequest.Urgency.SOON, "Soon: things are getting harder"),
    (HelpRequest.Urgency.NOT_URGENT, "It is not urgent"),
]
URGENCY_CHOICES_PARENT = [
    (HelpRequest.Urgency.URGENT, "Now: my child may not be safe"),
    (HelpRequest.Urgency.SOON, "Soon: things are getting harder"),
    (HelpRequest.Urgency.NOT_URGENT, "It is not urgent"),
]


def _helper(*layout) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(*layout)
    return helper


class YoungPersonHelpForm(forms.Form):
    what_is_happening = forms.CharField(
        label="What is going on for you?",
        help_text="Write as much or as little as you like. You can say what you would like help with.",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        error_messages={"required": "Tell us what is going on for you"},
    )
    urgency = forms.ChoiceField(
        label="How soon do you need help?",
        choices=URGENCY_CHOICES_YOUNG_PERSON,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how soon you need help"},
    )
    contact_by = forms.ChoiceField(
        label="How would you like us to contact you?",
        choices=HelpRequest.ContactBy.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how you would like us to contact you"},
    )
    contact_note = forms.CharField(
        label="Is there a time, or a way, that is not OK? (optional)",
        help_text="For example 'not after 6pm' or 'do not leave a voicemail'.",
        required=False,
        max_length=300,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("what_is_happening"),
            Field.radios("urgency", legend_size=Size.MEDIUM),
            Field.radios("contact_by", legend_size=Size.MEDIUM),
            Field.text("contact_note"),
        )


class ParentHelpForm(forms.Form):
    """The public form: short, no account, the child named or described, never looked up."""

    requester_name = forms.CharField(
        label="Your name", max_length=150, error_messages={"required": "Enter your name"}
    )
    requester_relationship = forms.CharField(
        label="Your relationship to the child",
        help_text="For example mum, dad, foster carer, grandparent.",
        max_length=100,
        error_messages={"required": "Enter your relationship to the child"},
    )
    requester_phone = forms.CharField(label="Phone number", required=False, max_length=40)
    requester_email = forms.EmailField(
        label="Email address",
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
    )
    child_name = forms.CharField(label="Your child's name", required=False, max_length=150)
    child_date_of_birth = GovukDateField(
        name="Date of birth", label="Your child's date of birth", required=False
    )
    child_nhs_number = forms.CharField(
        label="Your child's NHS number (optional)",
        help_text="10 digits, on letters from the GP or hospital. Leave blank if you do not know it.",
        required=False,
        max_length=20,
    )
    child_description = forms.CharField(
        label="Or, if you would rather not name them yet, describe them",
        help_text="For example 'my 14-year-old son'.",
        required=False,
        max_length=300,
    )
    what_is_happening = forms.CharField(
        label="What is going on for your child?",
        help_text="What you have noticed, for how long, and what has been tried.",
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        error_messages={"required": "Tell us what is going on for your child"},
    )
    urgency = forms.ChoiceField(
        label="How soon is help needed?",
        choices=URGENCY_CHOICES_PARENT,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how soon help is needed"},
    )
    contact_by = forms.ChoiceField(
        label="How would you like us to contact you?",
        choices=[
            choice for choice in HelpRequest.ContactBy.choices if choice[0] != HelpRequest.ContactBy.BEACON
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how you would like us to contact you"},
    )
    contact_note = forms.CharField(
        label="Is there a time, or a way, that is not OK? (optional)", required=False, max_length=300
    )
    # A field people never see or fill in (hidden by CSS and from screen readers); form-filling robots do.
    website = forms.CharField(required=False, label="Leave this blank")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Fieldset(
                Field.text("requester_name"),
                Field.text("requester_relationship", field_width=Fluid.TWO_THIRDS),
                Field.text("requester_phone", field_width=Fluid.ONE_HALF),
                Field.text("requester_email"),
                legend="About you",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.text("child_name"),
                Field("child_date_of_birth"),
                Field.text("child_nhs_number", field_width=Fluid.ONE_HALF),
                Field.text("child_description"),
                legend="About your child",
                legend_size=Size.MEDIUM,
            ),
            Field.textarea("what_is_happening"),
            Field.radios("urgency", legend_size=Size.MEDIUM),
            Field.radios("contact_by", legend_size=Size.MEDIUM),
            Field.text("contact_note"),
        )

    @property
    def is_robot(self) -> bool:
        return bool(self.data.get("website"))

    def clean_child_nhs_number(self) -> str:
        value = normalise_nhs_number(self.cleaned_data.get("child_nhs_number", ""))
        if value:
            validate_nhs_number(value)
        return value

    def clean_child_date_of_birth(self):
        value = self.cleaned_data.get("child_date_of_birth")
        if value is not None and value > timezone.localdate():
            raise ValidationError("Date of birth must be in the past")
        return value

    def clean(self):
        data = super().clean()
        phone = data.get("requester_phone", "").strip()
        email = data.get("requester_email", "").strip()
        contact_by = data.get("contact_by")
        if "requester_email" not in self.errors:
            if not (phone or email):
                self.add_error(
                    "requester_phone", "Enter a phone number or an email address so we can reach you"
                )
            elif contact_by in (HelpRequest.ContactBy.PHONE, HelpRequest.ContactBy.TEXT) and not phone:
                self.add_error("requester_phone", "Enter a phone number, so we can call or text you")
            elif contact_by == HelpRequest.ContactBy.EMAIL and not email:
                self.add_error("requester_email", "Enter an email address, so we can email you")
        if not (data.get("child_name", "").strip() or data.get("child_description", "").strip()):
            self.add_error(
                "child_name",
                "Enter your child's name, or describe them if you would rather not name them yet",
            )
        return data


class HelpRequestRouteForm(forms.Form):
    to_service = forms.ModelChoiceField(
        label="Which service is better placed?",
        queryset=Service.objects.listed().order_by("name"),
        to_field_name="public_id",
        empty_label="Select a service from the directory",
        error_messages={"required": "Select the service from the directory"},
    )
    reason = forms.CharField(
        label="Why is this service better placed?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why this service is better placed"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.select("to_service"), Field.textarea("reason"))


class HelpRequestCloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label="What happened?",
        choices=HelpRequest.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what happened"},
    )
    note = forms.CharField(
        label="What was done",
        help_text="So the next person can follow it: for example the referral made, or the advice given.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what was done"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.radios("outcome", legend_size=Size.SMALL), Field.textarea("note"))
