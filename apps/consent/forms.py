"""Forms for consent, competence, safeguarding overrides and consent reviews, in GOV.UK Frontend.

They only parse what was typed. Who may consent, whether the dates make sense, whether a parent has
parental responsibility: all of that is ``apps.consent.services``' business, and the views put its errors
back onto these forms. Sensitive categories sit in a fieldset of their own and are offered one by one.
"""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Button, ConditionalRadios, Field, Fieldset, Fluid, Layout, Size
from django import forms
from django.utils import timezone

from apps.accounts.forms import ProfessionalChoiceField, active_professionals
from apps.accounts.models import Organisation, ProfessionalRole
from apps.children.categories import COORDINATED, SENSITIVE, Category
from apps.consent.models import CompetenceAssessment, Consent, SafeguardingOverride
from apps.core.forms import DATE_HINT, GovukDateField, PublicIdChoiceField, RevealingChoice

ORDINARY_CATEGORIES = [(c.value, c.label) for c in Category if c not in SENSITIVE]
SENSITIVE_CATEGORIES = [(c.value, c.label) for c in Category if c in SENSITIVE]

SENSITIVE_WARNING = HTML(
    '<div class="govuk-warning-text"><span class="govuk-warning-text__icon" aria-hidden="true">!</span>'
    '<strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">Warning</span>'
    "These are shared only when each one is ticked here, and never with parents or carers."
    "</strong></div>"
)


def _helper(*layout) -> FormHelper:
    helper = FormHelper()
    helper.layout = Layout(*layout)
    return helper


def _date(name: str, label: str, *, required: bool = True, hint: str = DATE_HINT) -> GovukDateField:
    return GovukDateField(name=name, label=label, required=required, help_text=hint)


class OrganisationChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs) -> None:
        super().__init__(
            queryset=Organisation.objects.order_by("name"),
            to_field_name="public_id",
            required=False,
            empty_label="Select an organisation",
            **kwargs,
        )


class ConsentForm(forms.Form):
    """Consent to share categories of a child's information with someone, for a purpose (R71)."""

    grantor = forms.ChoiceField(
        label="Who gave consent?",
        choices=Consent.Grantor.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who gave consent"},
    )
    parent = forms.ChoiceField(label="Person with parental responsibility", required=False)
    categories = forms.MultipleChoiceField(
        label="Information",
        choices=ORDINARY_CATEGORIES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Select all that apply",
    )
    sensitive_categories = forms.MultipleChoiceField(
        label="Sensitive information",
        choices=SENSITIVE_CATEGORIES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Only tick those the person giving consent named, one by one",
    )
    recipient_kind = forms.ChoiceField(
        label="Who is it shared with?",
        choices=Consent.RecipientKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who it is shared with"},
    )
    recipient_organisation = OrganisationChoiceField(label="Organisation")
    recipient_role_organisation = OrganisationChoiceField(label="Organisation")
    recipient_role = forms.ModelChoiceField(
        label="Role",
        queryset=ProfessionalRole.objects.order_by("name"),
        to_field_name="code",
        required=False,
        empty_label="Select a role",
    )
    recipient_user = ProfessionalChoiceField(
        label="Professional",
        queryset=active_professionals(),
        to_field_name="public_id",
        required=False,
        empty_label="Select a professional",
    )
    purpose = forms.CharField(
        label="Purpose",
        max_length=300,
        help_text="What it is shared for, for example to plan support at school",
        error_messages={"required": "Enter what the information is shared for"},
    )
    valid_from = _date("Start date", "Consent starts")
    valid_until = _date(
        "End date",
        "Consent ends (optional)",
        required=False,
        hint=f"{DATE_HINT}. Leave blank if it has no end date",
    )
    form = forms.ChoiceField(
        label="How was consent given?",
        choices=Consent.Form.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether consent was verbal or written"},
    )
    evidence = forms.CharField(
        label="Evidence",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Where the signed form is, or who heard the verbal consent and when",
        error_messages={"required": "Enter where the evidence of consent is"},
    )

    def __init__(self, *args, child, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        parents = child.family_members.filter(has_parental_responsibility=True).order_by("name")
        self.fields["parent"] = PublicIdChoiceField(
            objects=parents,
            label_for=lambda member: f"{member.name} ({member.get_relationship_display()})",
            empty_label="Select a person with parental responsibility",
            label="Person with parental responsibility",
            required=False,
            help_text="If a person with parental responsibility gave consent. Only family members "
            "recorded with parental responsibility are listed",
        )
        kinds = dict(Consent.RecipientKind.choices)
        self.helper = _helper(
            Field.radios("grantor", legend_size=Size.MEDIUM),
            Field.select("parent"),
            Fieldset(
                Field.checkboxes("categories", small=True),
                legend="What information may be shared?",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                SENSITIVE_WARNING,
                Field.checkboxes("sensitive_categories", small=True),
                legend="Sensitive information",
                legend_size=Size.MEDIUM,
            ),
            ConditionalRadios(
                "recipient_kind",
                RevealingChoice(
                    kinds[Consent.RecipientKind.ORGANISATION], Field.select("recipient_organisation")
                ),
                RevealingChoice(
                    kinds[Consent.RecipientKind.ROLE],
                    Field.select("recipient_role_organisation"),
                    Field.select("recipient_role"),
                ),
                RevealingChoice(kinds[Consent.RecipientKind.PERSON], Field.select("recipient_user")),
            ),
            Field.text("purpose", field_width=Fluid.FULL),
            Field("valid_from"),
            Field("valid_until"),
            Field.radios("form", legend_size=Size.SMALL, inline=True),
            Field.textarea("evidence"),
            Button.primary("record", "Record consent"),
        )

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        kind = data["recipient_kind"]
        organisation = (
            data["recipient_role_organisation"]
            if kind == Consent.RecipientKind.ROLE
            else data["recipient_organisation"]
        )
        return {
            "grantor": data["grantor"],
            "parent": data["parent"] if data["grantor"] != Consent.Grantor.YOUNG_PERSON else None,
            "categories": [*data["categories"], *data["sensitive_categories"]],
            "recipient_kind": kind,
            "recipient_organisation": organisation,
            "recipient_role": data["recipient_role"] if kind == Consent.RecipientKind.ROLE else None,
            "recipient_user": data["recipient_user"] if kind == Consent.RecipientKind.PERSON else None,
            "purpose": data["purpose"],
            "valid_from": data["valid_from"],
            "valid_until": data["valid_until"],
            "form": data["form"],
            "evidence": data["evidence"],
        }

    # The service names the organisation of a role consent ``recipient_organisation``; this form has a box
    # for each, so its errors land on the box the person filled in.
    def service_error_names(self) -> dict[str, str]:
        if self.cleaned_data.get("recipient_kind") == Consent.RecipientKind.ROLE:
            return {"recipient_organisation": "recipient_role_organisation"}
        return {}


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why was consent withdrawn?",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="In the words the person used, where you can",
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.textarea("reason"), Button.warning("withdraw", "Withdraw consent"))


class CompetenceForm(forms.Form):
    """A Gillick competence assessment (R73)."""

    scope = forms.ChoiceField(
        label="Which kind of decision was assessed?",
        choices=CompetenceAssessment.Scope.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select which kind of decision was assessed"},
    )
    decision = forms.CharField(
        label="The decision it covers",
        max_length=300,
        help_text="For example, sharing their CAMHS assessment with their school",
        error_messages={"required": "Enter the decision the assessment covers"},
    )
    assessed_on = _date("Date of the assessment", "Date of the assessment")
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=CompetenceAssessment.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome of the assessment"},
    )
    notes = forms.CharField(
        label="Notes (optional)", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("scope", legend_size=Size.SMALL),
            Field.text("decision", field_width=Fluid.FULL),
            Field("assessed_on"),
            Field.radios("outcome", legend_size=Size.SMALL),
            Field.textarea("notes"),
            Button.primary("record", "Record the assessment"),
        )


class ReviewCompleteForm(forms.Form):
    outcome_note = forms.CharField(
        label="What was decided with the young person?",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("outcome_note"), Button.primary("complete", "Complete the review")
        )


class OverrideOpenForm(forms.Form):
    """Break-glass: see a child's information without consent, to protect them (R76)."""

    lawful_basis = forms.ChoiceField(
        label="Lawful basis",
        choices=SafeguardingOverride.LawfulBasis.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the lawful basis for seeing the information without consent"},
    )
    justification = forms.CharField(
        label="Why can this not wait for consent?",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )
    categories = forms.MultipleChoiceField(
        label="Information you need to see",
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
        # Nothing is ticked to start with, and nothing ticked is refused: an override covers only what is
        # chosen, never "everything" by default (sensitive categories included).
        error_messages={
            "required": "Choose the information you need to see: an override covers only what you choose"
        },
        help_text="Select all that apply. The override covers only what you choose",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("lawful_basis", legend_size=Size.MEDIUM),
            Field.textarea("justification"),
            Field.checkboxes("categories", legend_size=Size.MEDIUM, small=True),
            Button.warning("open", "Open the safeguarding override"),
        )


class OverrideReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Was the override justified?",
        choices=SafeguardingOverride.ReviewOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether the override was justified"},
    )
    note = forms.CharField(
        label="Reasons for your decision", widget=forms.Textarea(attrs={"rows": 5}), required=False
    )
    end_now = forms.BooleanField(
        label="End the override now",
        required=False,
        help_text="An override that was not justified ends now whatever you choose",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("outcome", legend_size=Size.MEDIUM),
            Field.textarea("note"),
            Field.checkbox("end_now"),
            Button.primary("review", "Record the review"),
        )


class OverrideToldForm(forms.Form):
    told_on = _date("Date they were told", "When was the young person told?")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("told_on", timezone.localdate())
        self.helper = _helper(Field("told_on"), Button.primary("told", "Record that they were told"))


class ParentWithholdingForm(forms.Form):
    """A competent young person asks that a kind of information is kept from their parents or carers (R74)."""

    category = forms.ChoiceField(
        label="What does the young person want kept from their parents or carers?",
        choices=[(value, label) for value, label in Category.choices if value not in SENSITIVE],
        widget=forms.RadioSelect,
        help_text="Sensitive information is never shared with parents or carers, so it is not listed here",
        error_messages={"required": "Select what the young person wants kept from their parents or carers"},
    )
    judgement = forms.CharField(
        label="The judgement you made",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Why the young person can decide this, and that no safeguarding reason stands against it",
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("category", legend_size=Size.SMALL),
            Field.textarea("judgement"),
            Button.primary("record", "Keep it from parents and carers"),
        )


class CoordinationObjectionForm(forms.Form):
    """A competent young person objects to their lead professional seeing a category without their consent."""

    category = forms.ChoiceField(
        label="What does the young person not want their lead professional to see without their consent?",
        choices=[(c.value, c.label) for c in Category if c in COORDINATED],
        widget=forms.RadioSelect,
        help_text=(
            "The lead professional sees these to coordinate the young person's care, without consent. "
            "After an "
            "objection, only the young person's consent or a safeguarding override opens it"
        ),
        error_messages={"required": "Select what the young person objects to"},
    )
    in_their_words = forms.CharField(
        label="What the young person said, in their words (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    judgement = forms.CharField(
        label="The judgement you made",
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Why the young person can decide this, and what coordination may now miss",
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("category", legend_size=Size.SMALL),
            Field.textarea("in_their_words"),
            Field.textarea("judgement"),
            Button.primary("record", "Record the objection"),
        )
