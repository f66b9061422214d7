"""Forms on the young person's pages, in plain words. They only parse; ``apps.passport.services`` decides."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms

from apps.accounts.models import Organisation, User
from apps.core.forms import GovukDateField
from apps.passport.models import SECTION_TEXT_MAX_LENGTH, Section

ORGANISATION = "organisation"


def _helper(*layout) -> FormHelper:
    helper = FormHelper()
    helper.layout = Layout(*layout)
    return helper


class SectionForm(forms.Form):
    """One section of the passport, in the young person's own words."""

    text = forms.CharField(
        widget=forms.Textarea,
        max_length=SECTION_TEXT_MAX_LENGTH,
        strip=True,
        error_messages={"required": "Write something in this part, or go back without saving"},
    )

    def __init__(self, *args, label: str, hint: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].label = label
        self.fields["text"].help_text = hint
        self.fields["text"].error_messages["max_length"] = (
            "This is too long: keep it to %(limit_value)d characters or fewer (it is %(show_value)d)"
        )
        self.helper = _helper(
            Field.textarea("text", rows=8, label_size=Size.MEDIUM, label_tag="h1"),
            Button.primary("save", "Save"),
        )


class ProposalDecisionForm(forms.Form):
    """Yes or no to a suggested change, with a note, and a check when the part has changed since."""

    decision = forms.ChoiceField(
        choices=[("accept", "Yes, use these words"), ("reject", "No, keep my words")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose yes or no"},
    )
    note = forms.CharField(label="Tell your worker why (you do not have to)", required=False, max_length=500)
    confirm_outdated = forms.BooleanField(
        label="I have read what this part says now, and I still want these words", required=False
    )

    def __init__(self, *args, outdated: bool, legend: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].label = legend
        layout = [Field.radios("decision", legend_size=Size.SMALL), Field.text("note")]
        if outdated:
            layout.append(Field.checkbox("confirm_outdated"))
        else:
            del self.fields["confirm_outdated"]
        self.helper = _helper(*layout, Button.primary("decide", "Save my answer"))


class ShareForm(forms.Form):
    """Share parts of the passport with one person in the team or an organisation, maybe until a date."""

    recipient = forms.ChoiceField(
        label="Who do you want to share with?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who you want to share with"},
    )
    organisation = forms.ModelChoiceField(
        label="If you chose an organisation, which one?",
        queryset=Organisation.objects.filter(is_active=True).order_by("name"),
        to_field_name="public_id",
        required=False,
        empty_label="Choose an organisation",
    )
    sections = forms.MultipleChoiceField(
        label="Which parts of your passport?",
        choices=Section.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one part to share"},
    )
    ends_on = GovukDateField(
        name="End date",
        label="Stop sharing on (you do not have to fill this in)",
        required=False,
        help_text="For example, 27 3 2027. Leave it empty to share until you stop it.",
    )

    def __init__(self, *args, people: list[User], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.people = {str(person.public_id): person for person in people}
        self.fields["recipient"].choices = [
            *((key, str(person)) for key, person in self.people.items()),
            (ORGANISATION, "Everyone at an organisation, like a new school or service"),
        ]
        if self.people:
            choices = [Field.radios("recipient", legend_size=Size.MEDIUM), Field.select("organisation")]
        else:
            # Nobody in the team to name: only an organisation can be chosen.
            choices = [Field.select("organisation")]
            self.fields["recipient"].required = False
        self.helper = _helper(
            *choices,
            Field.checkboxes("sections", legend_size=Size.MEDIUM, small=True),
            Field("ends_on"),
            Button.primary("share", "Share"),
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        recipient = cleaned.get("recipient") or (ORGANISATION if not self.people else "")
        if recipient == ORGANISATION:
            if not cleaned.get("organisation"):
                self.add_error("organisation", "Choose the organisation")
        elif recipient and recipient not in self.people:
            self.add_error("recipient", "Choose someone from the list")
        cleaned["recipient_user"] = self.people.get(recipient)
        cleaned["recipient_organisation"] = cleaned.get("organisation") if recipient == ORGANISATION else None
        return cleaned


class NewTeamForm(forms.Form):
    """Moving on (new placement, new area, adult services): share with the new team in one step (R87)."""

    organisation = forms.ModelChoiceField(
        label="Where are you moving to?",
        help_text="They will see the same parts you share now. You can change this at any time.",
        queryset=Organisation.objects.filter(is_active=True).order_by("name"),
        to_field_name="public_id",
        empty_label="Choose the new service or organisation",
        error_messages={"required": "Choose where you are moving to"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].widget.attrs["id"] = "id_new_team_organisation"
        self.helper = _helper(
            Field.select("organisation"), Button.secondary("share_new_team", "Share with my new team")
        )
        self.helper.form_action = "portal:new-team"
