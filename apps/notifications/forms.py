"""The form for choosing how Beacon contacts a person outside it; the rules are in services."""

from crispy_forms_gds.choices import Choice
from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fixed, Layout, Size
from django import forms

from apps.notifications.models import ContactPreference


class ContactPreferenceForm(forms.Form):
    channels = forms.MultipleChoiceField(
        label="How should we tell you there is a new message?",
        help_text="Select all that apply. Messages themselves stay in Beacon: an email or text only says "
        "there is one, never what it is about.",
        choices=[
            Choice("email", "Email", hint="To the email address on your account"),
            Choice("sms", "Text message", hint="To the mobile number below"),
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    mobile_number = forms.CharField(
        label="Mobile number (optional)",
        help_text="A UK mobile, like 07700 900123",
        max_length=20,
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.checkboxes("channels", legend_size=Size.MEDIUM, small=True),
            Field.text("mobile_number", field_width=Fixed.TWENTY, autocomplete="tel", inputmode="tel"),
            Button.primary("save", "Save"),
        )

    @staticmethod
    def initial_for(preference: ContactPreference | None) -> dict:
        if preference is None:
            return {"channels": ["email"], "mobile_number": ""}
        channels = [name for name, on in (("email", preference.by_email), ("sms", preference.by_sms)) if on]
        return {"channels": channels, "mobile_number": preference.mobile_number}

    def service_arguments(self) -> dict:
        channels = self.cleaned_data["channels"]
        return {
            "mobile_number": self.cleaned_data["mobile_number"],
            "by_email": "email" in channels,
            "by_sms": "sms" in channels,
        }
