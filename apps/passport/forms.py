"""Forms on the professional's passport pages. They only parse; ``apps.passport.services`` decides."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout
from django import forms

from apps.passport.models import SECTION_TEXT_MAX_LENGTH


class ProposalForm(forms.Form):
    """A professional's suggested words for one section, and why: the young person decides (R83)."""

    text = forms.CharField(
        label="Your suggested words",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=SECTION_TEXT_MAX_LENGTH,
        help_text='Write it as the young person would, in their words: "I ...". They see exactly this.',
        required=False,
    )
    reason = forms.CharField(
        label="Why are you suggesting this?",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text='For example: "You told me this at our meeting on Tuesday". They read this too.',
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.textarea("text", max_characters=SECTION_TEXT_MAX_LENGTH),
            Field.textarea("reason"),
            Button("send", "Send suggestion"),
        )
