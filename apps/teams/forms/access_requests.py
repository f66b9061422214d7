"""Forms for asking for access to a record one cannot see, and for answering (R2)."""

from crispy_forms_gds.layout import Button, ConditionalRadios, Field
from django import forms

from apps.core.forms import RevealingChoice
from apps.teams.forms.common import _helper
from apps.teams.models import AccessRequest


class AccessRequestForm(forms.Form):
    """Why the person needs access to the record that matched: it reaches the professional responsible."""

    reason = forms.CharField(
        label="Why do you need access to this child's record?",
        widget=forms.Textarea,
        help_text="Say who you are to the child and what you are doing for them. The professional "
        "responsible for the record reads this",
        error_messages={"required": "Say why you need access to the child's record"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.textarea("reason", rows=4), Button.primary("ask", "Ask for access"))


OUTCOMES = [
    (AccessRequest.Status.GRANTED, "It is the same child: give them access"),
    (AccessRequest.Status.DECLINED, "Do not give them access"),
    (AccessRequest.Status.DIFFERENT_CHILD, "It is a different child"),
]


class AccessRequestAnswerForm(forms.Form):
    """The answer of the professional responsible for the record."""

    outcome = forms.ChoiceField(
        label="Your answer",
        choices=OUTCOMES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose your answer"},
    )
    declined_note = forms.CharField(
        label="Why are you not giving access?",
        required=False,
        widget=forms.Textarea,
        help_text="Recorded with the request. The person who asked is told only that it was declined",
    )
    different_note = forms.CharField(
        label="How do you know it is a different child?",
        required=False,
        widget=forms.Textarea,
        help_text="Recorded with the request. The person who asked is told only that it is a different "
        "child, and may then add a record for the child they are working with",
    )

    def __init__(self, *args, granted_hint: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        labels = [label for _, label in OUTCOMES]
        self.fields["outcome"].help_text = granted_hint
        self.helper = _helper(
            ConditionalRadios(
                "outcome",
                labels[0],
                RevealingChoice(labels[1], Field.textarea("declined_note", rows=3)),
                RevealingChoice(labels[2], Field.textarea("different_note", rows=3)),
            ),
            Button.primary("answer", "Send answer"),
        )

    def service_arguments(self) -> dict:
        outcome = self.cleaned_data["outcome"]
        note = {
            AccessRequest.Status.DECLINED: self.cleaned_data["declined_note"],
            AccessRequest.Status.DIFFERENT_CHILD: self.cleaned_data["different_note"],
        }.get(outcome, "")
        return {"outcome": outcome, "note": note}
