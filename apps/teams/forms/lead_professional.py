"""Forms for appointing the lead professional and handing over the lead or trusted worker role."""

from crispy_forms_gds.layout import Button, Field, Size
from django import forms

from apps.core.forms import DATE_HINT, PublicIdChoiceField
from apps.teams.forms.common import _date_field, _helper, _member_label
from apps.teams.models import LeadProfessionalAppointment, TeamMembership


class LeadAppointForm(forms.Form):
    """Appoint the lead professional from the professionals in the team (R16, R17)."""

    route = forms.ChoiceField(
        label="How were they appointed?",
        choices=LeadProfessionalAppointment.Route.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the lead professional was appointed"},
    )
    started_on = _date_field("Date appointed", "Date appointed")

    def __init__(self, *args, members: list[TeamMembership], offered_first: list[TeamMembership], **kwargs):
        super().__init__(*args, **kwargs)
        first = {membership.pk for membership in offered_first}
        ordered = offered_first + [membership for membership in members if membership.pk not in first]
        hint = "Already coordinates their care under a statutory duty: appointing them avoids a second one"
        self.fields["membership"] = PublicIdChoiceField(
            label="Who will be the lead professional?",
            objects=ordered,
            label_for=_member_label,
            hints={str(membership.public_id): hint for membership in offered_first},
            widget=forms.RadioSelect,
            error_messages={"required": "Select who will be the lead professional"},
        )
        self.order_fields(["membership", "route", "started_on"])
        self.helper = _helper(
            Field.radios("membership", legend_size=Size.MEDIUM),
            Field.radios("route", legend_size=Size.MEDIUM),
            Field("started_on"),
            Button.primary("appoint", "Appoint lead professional"),
        )


class HandoverForm(forms.Form):
    """Hand a lead professional's or trusted worker's role to a named successor (R24)."""

    note = forms.CharField(
        label="Handover note",
        required=False,
        widget=forms.Textarea,
        help_text="What the successor needs to know, in the young person's terms: what matters to them, "
        "what helps, what is planned",
    )
    overlap_until = _date_field(
        "Overlap end date",
        "Overlap: until when will you both work with the young person? (optional)",
        required=False,
        hint="Leave blank if there is no overlap. " + DATE_HINT,
    )

    def __init__(self, *args, successors: list[TeamMembership], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["successor"] = PublicIdChoiceField(
            label="Successor",
            objects=successors,
            label_for=_member_label,
            empty_label="Select the successor",
            required=False,  # The service names the missing successor, as the API does.
            help_text="A professional in the team around the child",
        )
        self.order_fields(["successor", "note", "overlap_until"])
        self.helper = _helper(
            Field.select("successor"),
            Field.textarea("note", rows=6),
            Field("overlap_until"),
            Button.primary("hand_over", "Hand over"),
        )
