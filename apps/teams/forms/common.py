"""What the team's forms share: the GOV.UK layout, dates, a described category, and naming a member or
an owner.
"""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Layout
from django import forms

from apps.accounts.models import User
from apps.children.categories import Category
from apps.core.forms import DATE_HINT, GovukDateField, PublicIdChoiceField
from apps.teams.free_text import described_category_choices
from apps.teams.models import TeamMembership


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


def _owner_field(owners: list[User], *, label: str = "Owner", required: bool = False) -> PublicIdChoiceField:
    return PublicIdChoiceField(
        label=label,
        objects=owners,
        label_for=str,
        empty_label="Select who will do it",
        required=required,
        help_text="One professional in the team",
    )
