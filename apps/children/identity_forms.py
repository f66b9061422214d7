"""Forms for one record per child (R2) and identity that can be trusted: the confirmation that a new record is
a different child, the NHS number's verification, and merging two records.

They only parse what was typed; ``apps.children.services``, ``verification`` and ``merging`` hold the rules.
"""

import uuid

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, ConditionalRadios, Field, Fieldset, Fluid, Layout, Size
from django import forms

from apps.children.forms import ChildForm
from apps.children.models import NhsNumberStatus
from apps.core.forms import GovukDateField, RevealingChoice


def _helper(*layout) -> FormHelper:
    helper = FormHelper()
    helper.layout = Layout(*layout)
    return helper


class NewChildForm(ChildForm):
    """The new record's details; once a possible existing record has been shown, also the confirmation that
    this is a different child and how the person knows (``different_child=True``)."""

    confirm_different_child = forms.BooleanField(
        label="I have checked the records shown: this is a different child", required=False
    )
    different_child_reason = forms.CharField(
        label="How do you know this is a different child?",
        required=False,
        widget=forms.Textarea,
        help_text="For example, a different NHS number on the GP record, or a different parent. This is "
        "recorded",
    )

    def __init__(self, *args, different_child: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if different_child:
            # Before the button: the last item of the details' layout.
            self.helper.layout.insert(
                len(self.helper.layout) - 1,
                Fieldset(
                    Field.checkbox("confirm_different_child"),
                    Field.textarea("different_child_reason", rows=3),
                    legend="Is this a different child?",
                    legend_size=Size.MEDIUM,
                ),
            )

    def service_arguments(self) -> dict:
        """What ``child_create`` takes: the details, and the reason only if the person confirmed."""
        data = dict(self.cleaned_data)
        confirmed = data.pop("confirm_different_child", False)
        reason = data.pop("different_child_reason", "")
        return {**data, "different_child_reason": reason if confirmed else ""}


NHS_NUMBER_STATUSES = [
    (NhsNumberStatus.VERIFIED, "Yes, it has been verified"),
    (NhsNumberStatus.UNVERIFIED, "No, not yet"),
    (NhsNumberStatus.UNAVAILABLE, "The child has no NHS number that can be recorded"),
]


class NhsNumberStatusForm(forms.Form):
    """Whether the NHS number was checked against the national register, and when; or why there is none."""

    status = forms.ChoiceField(
        label="Has the NHS number been checked against the national register?",
        choices=NHS_NUMBER_STATUSES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the NHS number has been verified"},
    )
    verified_on = GovukDateField(
        name="Date verified",
        label="Date it was verified",
        required=False,
        help_text="The day you checked it, on the Spine portal or with the GP, for example 3 12 2026",
    )
    unavailable_reason = forms.CharField(
        label="Why is there no NHS number?",
        required=False,
        widget=forms.Textarea,
        help_text="For example, newly arrived in England and not yet registered with a GP",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        labels = [label for _, label in NHS_NUMBER_STATUSES]
        self.helper = _helper(
            ConditionalRadios(
                "status",
                RevealingChoice(labels[0], Field("verified_on")),
                labels[1],
                RevealingChoice(labels[2], Field.textarea("unavailable_reason", rows=3)),
            ),
            Button.primary("save", "Save"),
        )


class MergeChooseForm(forms.Form):
    """The other record of the same child: its Beacon id, or the address of its page."""

    duplicate = forms.CharField(
        label="The other record's Beacon id",
        help_text="The id at the end of its page's address, like 3f2b6c1e-...; or paste the whole address",
        error_messages={"required": "Enter the Beacon id of the other record"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("duplicate", field_width=Fluid.TWO_THIRDS, autocomplete="off", spellcheck="false"),
            Button.primary("preview", "Check what would move"),
        )

    def clean_duplicate(self) -> uuid.UUID:
        typed = self.cleaned_data["duplicate"].strip().rstrip("/")
        try:
            return uuid.UUID(typed.rsplit("/", 1)[-1])
        except ValueError:
            raise forms.ValidationError(
                "Enter a Beacon id like 3f2b6c1e-0c4d-4a8e-9a51-5b1f2e6d7c80, or the address of the "
                "record's page"
            ) from None


class ReasonForm(forms.Form):
    """A reason, for a merge or its reversal: recorded and audited."""

    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea,
        error_messages={"required": "Enter the reason"},
    )

    def __init__(self, *args, label: str, hint: str, button: str, warning: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = label
        self.fields["reason"].help_text = hint
        self.helper = _helper(
            Field.textarea("reason", rows=4),
            Button.warning("confirm", button) if warning else Button.primary("confirm", button),
        )
