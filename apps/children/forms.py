"""Forms for the children pages, laid out with GOV.UK Frontend through crispy-forms-gds.

They only parse what was typed into Python values. Every rule about a child's record (the NHS number's
check digit, a date of birth not in the future, one record per NHS number, one current vulnerability of
each type) belongs to ``apps.children.services``; views pass the services' errors back onto these forms.
"""

from typing import cast

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Button, Field, Fieldset, Fixed, Fluid, Layout, Size
from django import forms
from django.urls import reverse

from apps.accounts.models import Organisation
from apps.accounts.selectors import OrganisationUse, organisations_for
from apps.children.models import (
    CHARACTERISTIC_CHOICES,
    ETHNIC_GROUPS,
    PREFER_NOT_TO_SAY,
    SEXUALITY_GENDER_FIELDS,
    Child,
    ChildIdentifier,
    DeclaredBy,
    FamilyMember,
    GenderIdentity,
    SocialWorkInvolvement,
    VulnerabilityType,
)
from apps.children.services import CHILD_FIELDS, FAMILY_MEMBER_FIELDS
from apps.core.forms import GovukDateField
from apps.core.nhs_number import format_nhs_number, normalise_nhs_number, validate_nhs_number

NHS_NUMBER_HINT = "10 digits, like 999 000 0018. Spaces or dashes are fine."
# Children's names and NHS numbers are not for the browser to remember and suggest to the next person.
NOT_REMEMBERED = {"autocomplete": "off", "spellcheck": "false"}


class ParseOnlyModelForm(forms.ModelForm):
    """A ModelForm for its fields and labels, without the model validation a ModelForm normally runs.

    The service validates the whole record, so the rules live in one place; and the instance is left
    as it was, so that an update service can compare it with what was typed to see what changed.
    """

    def _post_clean(self) -> None:
        pass


def _nhs_number_field(*, label: str) -> forms.CharField:
    # No length or digit checks here: ``validate_nhs_number`` in the service says what is wrong.
    return forms.CharField(label=label, required=False, help_text=NHS_NUMBER_HINT)


def _nhs_number_input(name: str = "nhs_number") -> Field:
    return Field.text(name, field_width=Fixed.TEN, inputmode="numeric", **NOT_REMEMBERED)


def _name_input(name: str) -> Field:
    return Field.text(name, field_width=Fluid.TWO_THIRDS, **NOT_REMEMBERED)


def _helper(*layout) -> FormHelper:
    helper = FormHelper()
    helper.layout = Layout(*layout)
    return helper


class FindChildForm(forms.Form):
    """What to look for before creating a record (R2): the NHS number, or the name and date of birth.

    The NHS number is checked here, at step one, with the rule the record itself is checked by
    (``apps.core.nhs_number.validate_nhs_number``): a mistyped number would otherwise find nothing and lead
    on to making a second record. The page also asks the same rule as the box is left
    (``children:nhs-number-check``), so the mistake shows before the search.
    """

    nhs_number = _nhs_number_field(label="NHS number")
    given_name = forms.CharField(label="First name", required=False, max_length=100)
    family_name = forms.CharField(label="Last name", required=False, max_length=100)
    date_of_birth = GovukDateField(
        name="Date of birth", label="Date of birth", required=False, help_text="For example, 27 3 2012"
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text(
                "nhs_number",
                field_width=Fixed.TEN,
                inputmode="numeric",
                **NOT_REMEMBERED,
                hx_post=reverse("children:nhs-number-check"),
                hx_trigger="blur changed",
                hx_target="#nhs-number-check",
                hx_swap="innerHTML",
            ),
            HTML('<div id="nhs-number-check" aria-live="polite"></div>'),
            Fieldset(
                HTML.p("If you do not know the NHS number, enter their legal name and date of birth."),
                _name_input("given_name"),
                _name_input("family_name"),
                Field("date_of_birth"),
                legend="Name and date of birth",
                legend_size=Size.MEDIUM,
            ),
            Button.primary("search", "Check for an existing record"),
        )

    def clean_nhs_number(self) -> str:
        typed = self.cleaned_data["nhs_number"]
        number = normalise_nhs_number(typed)
        if number:
            validate_nhs_number(number)
        return typed  # As typed: the search normalises it, and the next step shows it as it was written.

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        has_name_and_birth = all(cleaned.get(name) for name in ("given_name", "family_name", "date_of_birth"))
        if not cleaned.get("nhs_number") and not has_name_and_birth:
            raise forms.ValidationError(
                "Enter the NHS number, or the first name, last name and date of birth"
            )
        return cleaned


DECILE_CHOICES = [
    ("", "Not known"),
    (1, "1 (most deprived 10% of areas)"),
    *((decile, str(decile)) for decile in range(2, 10)),
    (10, "10 (least deprived 10% of areas)"),
]


class ChildForm(ParseOnlyModelForm):
    """The core record of a child, for creating and changing it."""

    date_of_birth = GovukDateField(
        name="Date of birth", label="Date of birth", help_text="For example, 27 3 2012"
    )
    nhs_number = _nhs_number_field(label="NHS number (optional)")
    deprivation_decile = forms.TypedChoiceField(
        label="Area deprivation decile (optional)",
        choices=DECILE_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text="The Index of Multiple Deprivation decile of their home or placement postcode.",
    )

    class Meta:
        model = Child
        fields = CHILD_FIELDS
        labels = {
            "given_name": "First name",
            "family_name": "Last name",
            "preferred_name": "Preferred name (optional)",
            "strengths": "Strengths (optional)",
            "interests": "Interests (optional)",
            "what_helps": "What helps (optional)",
            "what_does_not_help": "What does not help (optional)",
            "communication_needs": "Communication needs (optional)",
            "first_language": "First language (optional)",
            "interpreter_needed": "They need an interpreter",
            "prefers_easy_read": "They prefer information in Easy Read",
        }
        help_texts = {
            "given_name": "Their legal name, as on their NHS record or birth certificate",
            "preferred_name": "What they like to be called, if it is not their first name",
            "strengths": "What they are good at, proud of, or what others value in them",
            "what_helps": "In their words where you can: what helps when things are hard",
            "communication_needs": "For example, a learning disability, autism, or a hearing impairment",
        }
        error_messages = {
            "given_name": {"required": "Enter their first name"},
            "family_name": {"required": "Enter their last name"},
        }

    def __init__(self, *args, submit_label: str = "Save", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.nhs_number:
            self.initial["nhs_number"] = format_nhs_number(self.instance.nhs_number)
        self.helper = _helper(
            Fieldset(
                _name_input("given_name"),
                _name_input("family_name"),
                _name_input("preferred_name"),
                legend="Name",
                legend_size=Size.MEDIUM,
            ),
            Field("date_of_birth", context={"legend_size": Size.for_legend(Size.MEDIUM)}),
            _nhs_number_input(),
            Fieldset(
                Field.textarea("strengths", rows=3),
                Field.textarea("interests", rows=3),
                Field.textarea("what_helps", rows=3),
                Field.textarea("what_does_not_help", rows=3),
                legend="Strengths and what helps",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.textarea("communication_needs", rows=3),
                Field.text("first_language", field_width=Fluid.ONE_THIRD),
                Field.checkbox("interpreter_needed"),
                Field.checkbox("prefers_easy_read"),
                legend="Communication",
                legend_size=Size.MEDIUM,
            ),
            Field.select("deprivation_decile"),
            Button.primary("save", submit_label),
        )


class IdentifierForm(forms.Form):
    """An agency's own identifier for the child (R1)."""

    kind = forms.ChoiceField(
        label="Type of identifier",
        choices=ChildIdentifier.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of identifier"},
    )
    value = forms.CharField(
        label="Identifier", max_length=40, error_messages={"required": "Enter the identifier"}
    )
    issuer = forms.ModelChoiceField(
        label="Organisation that issued it",
        queryset=Organisation.objects.filter(is_active=True),
        empty_label="Select an organisation",
        error_messages={"required": "Select the organisation that issued the identifier"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("kind", legend_size=Size.SMALL),
            Field.text("value", field_width=Fixed.TWENTY, autocomplete="off", spellcheck="false"),
            Field.select("issuer"),
            Button.primary("add", "Add identifier"),
        )


class SocialWorkStatusForm(forms.Form):
    """A change in social-work involvement (R3, R4)."""

    status = forms.ChoiceField(
        label="Social work status",
        choices=SocialWorkInvolvement.Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the social work status"},
    )
    started_on = GovukDateField(
        name="Start date", label="Date this status started", help_text="For example, 27 3 2025"
    )
    legal_status = forms.ChoiceField(
        label="Legal status (optional)",
        choices=[("", "Not applicable"), *SocialWorkInvolvement.LegalStatus.choices],
        required=False,
        help_text="For looked-after children and care leavers only",
    )
    placement_type = forms.ChoiceField(
        label="Placement type (optional)",
        choices=[("", "Not applicable"), *SocialWorkInvolvement.PlacementType.choices],
        required=False,
        help_text="For looked-after children and care leavers only",
    )
    responsible_authority = forms.ModelChoiceField(
        label="Responsible local authority (optional)",
        queryset=organisations_for(OrganisationUse.RESPONSIBLE_AUTHORITY),
        required=False,
        empty_label="Not recorded",
        error_messages={"invalid_choice": "Select a local authority from the list"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("status", legend_size=Size.SMALL),
            Field("started_on"),
            Field.select("legal_status"),
            Field.select("placement_type"),
            Field.select("responsible_authority"),
            Button.primary("record", "Record change"),
        )


class VulnerabilityFlagForm(forms.Form):
    """A vulnerability with who identified it and when (R6)."""

    type = forms.ModelChoiceField(
        label="Vulnerability",
        queryset=VulnerabilityType.objects.filter(is_active=True),
        empty_label="Select a vulnerability",
        error_messages={"required": "Select the vulnerability"},
    )
    source = forms.CharField(
        label="Who identified it",
        max_length=200,
        help_text="For example, school, CAMHS assessment, or the young person",
        error_messages={"required": "Enter who identified it"},
    )
    identified_on = GovukDateField(
        name="Date identified", label="Date identified", help_text="For example, 27 3 2025"
    )
    note = forms.CharField(label="Note (optional)", required=False, widget=forms.Textarea)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.select("type"),
            Field.text("source", field_width=Fluid.TWO_THIRDS),
            Field("identified_on"),
            Field.textarea("note", rows=3),
            Button.primary("add", "Add vulnerability"),
        )


class VulnerabilityEndForm(forms.Form):
    ended_on = GovukDateField(name="End date", label="Date it ended", help_text="For example, 27 3 2025")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field("ended_on"), Button.primary("end", "Mark as ended"))


class FamilyMemberForm(ParseOnlyModelForm):
    """A parent, carer, sibling or relative (R9)."""

    class Meta:
        model = FamilyMember
        fields = FAMILY_MEMBER_FIELDS
        labels = {
            "name": "Full name",
            "has_parental_responsibility": "They have parental responsibility",
            "lives_in_household": "They live in the child's household",
            "phone": "Phone number (optional)",
            "services_received": "Services they receive (optional)",
            "notes": "Notes (optional)",
        }
        error_messages = {
            "name": {"required": "Enter their full name"},
            "relationship": {"required": "Select their relationship to the child"},
        }
        widgets = {"phone": forms.TextInput(attrs={"type": "tel"})}
        help_texts = {
            "has_parental_responsibility": "Needed to know who can give consent for the child",
            "services_received": "For example, adult mental health services",
        }

    def __init__(self, *args, submit_label: str = "Save", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        relationships = FamilyMember.Relationship.choices
        self.fields["relationship"].choices = [("", "Select a relationship"), *relationships]
        self.helper = _helper(
            _name_input("name"),
            Field.select("relationship"),
            Field.checkbox("has_parental_responsibility"),
            Field.checkbox("lives_in_household"),
            Field.text("phone", field_width=Fixed.TWENTY, autocomplete="off"),
            Field.text("services_received", field_width=Fluid.TWO_THIRDS),
            Field.textarea("notes", rows=3),
            Button.primary("save", submit_label),
        )


# --- Protected characteristics (R7) ------------------------------------------------------------------

# Each question as the young person reads it (the portal) and as a professional reads it (the child's page).
CHARACTERISTIC_QUESTIONS = {
    "ethnicity": ("What is your ethnic group?", "Ethnic group"),
    "ethnicity_own_words": (
        "If you chose an “any other” background, you can say it in your own words (optional)",
        "Their ethnic group in their own words, with an “any other” background (optional)",
    ),
    "sex": ("What is your sex?", "Sex"),
    "gender_identity": (
        "Is the gender you identify with the same as your sex registered at birth?",
        "Is the gender they identify with the same as their sex registered at birth?",
    ),
    "gender_identity_own_words": (
        "If not, you can say your gender identity in your own words (optional)",
        "Their gender identity in their own words, if different (optional)",
    ),
    "sexual_orientation": (
        "Which of these best describes your sexual orientation?",
        "Sexual orientation",
    ),
    "sexual_orientation_own_words": (
        "If you chose “other”, you can say it in your own words (optional)",
        "Their sexual orientation in their own words, with “other” (optional)",
    ),
    "disability": (
        "Do you have a physical or mental health condition or illness that has lasted, or is expected to "
        "last, 12 months or more? Does it make day-to-day things harder?",
        "Disability: a condition lasting 12 months or more that limits day-to-day activities",
    ),
    "religion": ("What is your religion?", "Religion"),
    "religion_own_words": (
        "If you chose “any other religion”, you can say which (optional)",
        "Their religion in their own words, with “any other religion” (optional)",
    ),
    "first_language": ("What is your first language? (optional)", "First language"),
    "first_language_prefer_not_to_say": (
        "I prefer not to say my first language",
        "They prefer not to say their first language",
    ),
    "interpreter_needed": (
        "I would like an interpreter when I meet my workers",
        "Needs an interpreter",
    ),
}
# The answers that read differently to the young person and about them.
GENDER_IDENTITY_ANSWERS = {
    GenderIdentity.SAME: ("Yes", "Yes, the same as their sex registered at birth"),
    GenderIdentity.DIFFERENT: ("No", "No, different from their sex registered at birth"),
}
NOT_RECORDED_CHOICE = ("", "Not recorded")


class ProtectedCharacteristicsForm(forms.Form):
    """The protected characteristics (R7): on the young person's own portal page (``for_young_person``), or
    on the child's record for a professional who may change it, who also says who told them.

    Sexual orientation and gender identity are asked only where ``show_sexuality_gender`` (the access
    decision's answer for the viewer); left out, they stay as they are. A professional's form offers "Not
    recorded" for each question, to put an answer entered in error right; the young person clears all their
    answers with a button of its own. The rules are the service's (``protected_characteristics_record``).
    """

    declared_by = forms.ChoiceField(
        label="Who told you?",
        choices=DeclaredBy.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say who told you these answers"},
    )
    ethnicity = forms.ChoiceField(required=False)
    ethnicity_own_words = forms.CharField(required=False, max_length=100)
    sex = forms.ChoiceField(required=False, widget=forms.RadioSelect)
    gender_identity = forms.ChoiceField(required=False, widget=forms.RadioSelect)
    gender_identity_own_words = forms.CharField(required=False, max_length=100)
    sexual_orientation = forms.ChoiceField(required=False, widget=forms.RadioSelect)
    sexual_orientation_own_words = forms.CharField(required=False, max_length=100)
    disability = forms.ChoiceField(required=False, widget=forms.RadioSelect)
    religion = forms.ChoiceField(required=False, widget=forms.RadioSelect)
    religion_own_words = forms.CharField(required=False, max_length=100)
    first_language = forms.CharField(required=False, max_length=60)
    first_language_prefer_not_to_say = forms.BooleanField(required=False)
    interpreter_needed = forms.BooleanField(required=False)

    def __init__(self, *args, for_young_person: bool, show_sexuality_gender: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        audience = 0 if for_young_person else 1
        for name, words in CHARACTERISTIC_QUESTIONS.items():
            self.fields[name].label = words[audience]
        for name, choices in CHARACTERISTIC_CHOICES.items():
            answers: list = list(choices.choices)
            blank = [] if for_young_person else [NOT_RECORDED_CHOICE]
            if name == "gender_identity":
                answers = [
                    (value, GENDER_IDENTITY_ANSWERS.get(value, (label, label))[audience])
                    for value, label in answers
                ]
            if name == "ethnicity":
                # The census's five headings, each a group of the list; "prefer not to say" after them.
                answers = [
                    (heading, [(group.value, group.label) for group in groups])
                    for heading, groups in ETHNIC_GROUPS
                ]
                answers.append((PREFER_NOT_TO_SAY, "Prefer not to say"))
                blank = [("", "Choose your ethnic group" if for_young_person else "Not recorded")]
            field = cast(forms.ChoiceField, self.fields[name])
            field.choices = [*blank, *answers]
            field.error_messages["invalid_choice"] = "Choose an answer from the list, or “Prefer not to say”"
        sexuality_gender = [
            Field.radios("gender_identity", legend_size=Size.SMALL),
            Field.text("gender_identity_own_words", field_width=Fluid.TWO_THIRDS),
            Field.radios("sexual_orientation", legend_size=Size.SMALL),
            Field.text("sexual_orientation_own_words", field_width=Fluid.TWO_THIRDS),
        ]
        if not show_sexuality_gender:
            for name in SEXUALITY_GENDER_FIELDS:
                del self.fields[name]
            sexuality_gender = []
        if for_young_person:
            del self.fields["declared_by"]
        self.helper = _helper(
            *([] if for_young_person else [Field.radios("declared_by", legend_size=Size.SMALL)]),
            Field.select("ethnicity"),
            Field.text("ethnicity_own_words", field_width=Fluid.TWO_THIRDS),
            Field.radios("sex", legend_size=Size.SMALL),
            *sexuality_gender,
            Field.radios("disability", legend_size=Size.SMALL),
            Field.radios("religion", legend_size=Size.SMALL),
            Field.text("religion_own_words", field_width=Fluid.TWO_THIRDS),
            Field.text("first_language", field_width=Fluid.ONE_THIRD),
            Field.checkbox("first_language_prefer_not_to_say"),
            Field.checkbox("interpreter_needed"),
            Button.primary("save", "Save my answers" if for_young_person else "Save"),
        )

    @staticmethod
    def initial_for(child: Child, row) -> dict:
        """What the form starts with: the answers recorded, and the record's first language."""
        initial: dict = {
            name: getattr(row, name) for name in CHARACTERISTIC_QUESTIONS if row and hasattr(row, name)
        }
        initial["first_language"] = child.first_language
        initial["interpreter_needed"] = child.interpreter_needed
        if row is not None and row.declared_by:
            initial["declared_by"] = row.declared_by
        return initial

    def service_arguments(self) -> dict:
        return dict(self.cleaned_data)
