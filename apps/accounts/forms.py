"""Sign-in form, laid out with GOV.UK Frontend through crispy-forms-gds."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Fluid, Layout
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.db.models import Prefetch, QuerySet

from apps.accounts.models import OrganisationMembership, User


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


class InviteAcceptForm(forms.Form):
    """A young person chooses a username and password. The password rules are the service's to apply."""

    username = forms.CharField(
        label="Choose a username",
        max_length=150,
        help_text="You will use this to sign in. Letters, numbers and . - _ only, no spaces.",
        error_messages={"required": "Choose a username"},
        validators=[UnicodeUsernameValidator()],
    )
    password = forms.CharField(
        label="Choose a password",
        strip=False,
        help_text="At least 12 characters. Three or four random words together work well.",
        error_messages={"required": "Choose a password"},
    )
    password_again = forms.CharField(
        label="Type your password again",
        strip=False,
        error_messages={"required": "Type your password again"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].validators[
            0
        ].message = "Your username can only have letters, numbers and . - _ in it, with no spaces"
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("username", field_width=Fluid.ONE_HALF, spellcheck="false", autocomplete="username"),
            Field("password", template="accounts/includes/new_password_input.html"),
            Field("password_again", template="accounts/includes/new_password_input.html"),
            Button.primary("make_account", "Make my account"),
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        if (
            cleaned.get("password")
            and cleaned.get("password_again")
            and cleaned["password"] != cleaned["password_again"]
        ):
            self.add_error("password_again", "The two passwords are different. Type the same password twice.")
        return cleaned


class InviteCreateForm(forms.Form):
    """Nothing to fill in: the button makes a new link (and withdraws any earlier one)."""

    def __init__(self, *args, submit_label: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(Button.primary("make_link", submit_label))


# Choosing a professional (a team member, a consent's recipient): began in apps/teams/forms.py.
def active_professionals(*, exclude_child=None) -> QuerySet[User]:
    """Professionals who can join a team, each with where they work today (for the choice's label)."""
    professionals = (
        User.objects.filter(is_active=True, kind=User.Kind.PROFESSIONAL)
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=OrganisationMembership.objects.current().select_related("organisation", "role"),
                to_attr="current_work",
            )
        )
        .order_by("display_name", "username", "pk")
    )
    if exclude_child is not None:
        professionals = professionals.exclude(
            team_memberships__child=exclude_child, team_memberships__ended_on__isnull=True
        )
    return professionals


class ProfessionalChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        work = getattr(obj, "current_work", [])
        if not work:
            return str(obj)
        return f"{obj} ({work[0].role}, {work[0].organisation})"
