"""Sign-in form, laid out with GOV.UK Frontend through crispy-forms-gds."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fluid, Layout
from django import forms
from django.contrib.auth.forms import AuthenticationForm


class SignInForm(AuthenticationForm):
    # One message whichever of the two is wrong, so it never confirms that a username exists.
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Enter a correct username and password",
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
        # The Design System advises against moving focus for people on page load.
        self.fields["username"].widget.attrs.pop("autofocus", None)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("username", field_width=Fluid.ONE_HALF, spellcheck="false"),
            Field("password", template="accounts/includes/password_input.html"),
            Button.primary("sign_in", "Sign in"),
        )


class SecondFactorForm(forms.Form):
    """One box for either kind of code: 6 digits from the app, or a 10-character backup code."""

    otp_code = forms.CharField(
        label="Code",
        max_length=20,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
        help_text="The 6-digit code your authenticator app shows for Beacon, or one of your backup codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "spellcheck": "false", "autocapitalize": "none"}
        ),
    )

    def __init__(self, *args, setting_up: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if setting_up:  # No backup codes exist yet.
            self.fields["otp_code"].help_text = "The 6-digit code your authenticator app shows for Beacon."
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field.text("otp_code", field_width=10),
            Button.primary("continue", "Continue"),
        )
