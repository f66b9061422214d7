"""Forms for consultations, referrals, decisions and waiting contacts (GOV.UK through crispy-forms-gds).

They parse what was typed; every rule (an alternative for every decline, a risk check on every contact,
a child for every referral) is ``apps.referrals.services``'s, and the views put its errors back here.
"""

from datetime import datetime

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import HTML, Button, ConditionalRadios, Field, Fieldset, Fluid, Layout, Size
from django import forms
from django.utils import timezone

from apps.accounts.models import Organisation
from apps.accounts.selectors import OrganisationUse, organisations_for
from apps.core.forms import GovukDateField, RevealingChoice, TimeOfDayField
from apps.directory.models import Service
from apps.referrals.models import (
    ConcernLevel,
    Consultation,
    DeclineAlternative,
    PreferredSupport,
    Referral,
    Route,
    WaitingContact,
)
from apps.referrals.selectors import AGE_BANDS, QueueFilters, TargetState
from apps.referrals.services import REFERRAL_MESSAGES

WITHOUT = Referral.ConsentToRefer.WITHOUT_CONSENT

ALTERNATIVE_ROWS = 3


def _helper(*layout) -> FormHelper:
    helper = FormHelper()
    helper.layout = Layout(*layout)
    return helper


class OrganisationChoiceField(forms.ModelChoiceField):
    """A service that takes referrals and consultations (``OrganisationUse.RECEIVES_REFERRALS``): a school
    or GP practice is not offered, and one posted anyway is refused."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("error_messages", {}).setdefault(
            "invalid_choice", "Select a service that takes referrals from the list"
        )
        super().__init__(
            queryset=organisations_for(OrganisationUse.RECEIVES_REFERRALS),
            to_field_name="public_id",
            **kwargs,
        )


class ServiceChoiceField(OrganisationChoiceField):
    """A service to refer to: anything that is not one (a mistyped id too) gets the field's own message."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError:
            message = self.error_messages["invalid_choice"]
            raise forms.ValidationError(message, code="invalid_choice") from None


def _choices(choices, empty: str) -> list:
    return [("", empty), *[(value, label) for value, label in choices if value]]


class ConsultationForm(forms.Form):
    """Ask for a consultation (R32): the concern, without making a referral."""

    receiving_organisation = OrganisationChoiceField(
        label="Which service are you asking?",
        empty_label="Select a service",
        error_messages={"required": "Select the service you are asking for advice"},
    )
    route = forms.ChoiceField(label="Who is asking?", choices=_choices(Route.choices, "Select who is asking"))
    channel = forms.ChoiceField(label="How did the request come in?", choices=Consultation.Channel.choices)
    child_description = forms.CharField(
        label="Who is it about?",
        required=False,
        max_length=200,
        help_text="Without naming them, for example 'Year 9 pupil'. Leave blank if you chose a child.",
    )
    requester_name = forms.CharField(
        label="Name of the person asking (if they do not use Beacon)", required=False, max_length=150
    )
    requester_contact = forms.CharField(label="How to contact them", required=False, max_length=300)
    concern = forms.CharField(label="What is the concern?", widget=forms.Textarea, required=False)
    what_has_been_tried = forms.CharField(
        label="What has been tried so far?", widget=forms.Textarea, required=False
    )
    preferred_support = forms.ChoiceField(
        label="What kind of support would the young person prefer?",
        choices=PreferredSupport.choices,
        required=False,
    )

    def __init__(self, *args, child=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        fields = [
            Field.select("receiving_organisation"),
            Field.select("route"),
            Field.select("channel"),
        ]
        if child is None:
            fields.append(Field.text("child_description", field_width=Fluid.TWO_THIRDS))
        else:
            del self.fields["child_description"]
        self.helper = _helper(
            *fields,
            Field.text("requester_name", field_width=Fluid.TWO_THIRDS),
            Field.text("requester_contact", field_width=Fluid.TWO_THIRDS),
            Field.textarea("concern", rows=5),
            Field.textarea("what_has_been_tried", rows=3),
            Field.select("preferred_support"),
            Button.primary("send", "Ask for a consultation"),
        )


class ConsultationAdviceForm(forms.Form):
    advice = forms.CharField(label="Advice given", widget=forms.Textarea, required=False)
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=Consultation.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome of the consultation"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.textarea("advice", rows=5),
            Field.radios("outcome", legend_size=Size.MEDIUM),
            Button.primary("save", "Record advice"),
        )


class ReferralForm(forms.Form):
    """A referral about need (R36): presenting needs, concern, what was tried, the young person's views."""

    # Nothing is required here: the service says everything that is missing at once (referral_problems).
    receiving_organisation = ServiceChoiceField(
        label="Which service are you referring to?",
        empty_label="Select a service",
        required=False,
        error_messages={"invalid_choice": REFERRAL_MESSAGES["receiving_organisation"]},
    )
    route = forms.ChoiceField(
        label="Who is the referral from?",
        choices=_choices(Route.choices, "Select who the referral is from"),
        required=False,
        error_messages={"invalid_choice": REFERRAL_MESSAGES["route"]},
    )
    referrer_name = forms.CharField(
        label="Their name, if the young person, a parent, carer or trusted adult is referring",
        required=False,
        max_length=150,
    )
    referrer_contact = forms.CharField(label="How to contact them", required=False, max_length=300)
    presenting_needs = forms.CharField(
        label="What is happening for the young person?",
        help_text="Their needs and what worries people, in everyday words. A diagnosis is not needed.",
        widget=forms.Textarea,
        required=False,
    )
    professional_concern = forms.ChoiceField(
        label="How worried are professionals?",
        choices=ConcernLevel.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    family_concern = forms.ChoiceField(
        label="How worried is the family?",
        choices=ConcernLevel.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    what_has_been_tried = forms.CharField(
        label="What has been tried already?", widget=forms.Textarea, required=False
    )
    young_person_views = forms.CharField(
        label="What does the young person say they want?", widget=forms.Textarea, required=False
    )
    preferred_support = forms.ChoiceField(
        label="What kind of support would they prefer?", choices=PreferredSupport.choices, required=False
    )
    consent_to_refer = forms.ChoiceField(
        label="Who agreed to the referral?",
        choices=Referral.ConsentToRefer.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    consent_note = forms.CharField(
        label="The safeguarding reason for referring without consent", widget=forms.Textarea, required=False
    )
    diagnosis = forms.CharField(label="Diagnosis (optional)", required=False, max_length=200)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.select("receiving_organisation"),
            Fieldset(
                Field.select("route"),
                Field.text("referrer_name", field_width=Fluid.TWO_THIRDS),
                Field.text("referrer_contact", field_width=Fluid.TWO_THIRDS),
                legend="Who is referring",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.textarea("presenting_needs", rows=6),
                Field.radios("professional_concern", inline=True),
                Field.radios("family_concern", inline=True),
                Field.textarea("what_has_been_tried", rows=3),
                legend="Needs",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                Field.textarea("young_person_views", rows=3),
                Field.select("preferred_support"),
                legend="The young person's views",
                legend_size=Size.MEDIUM,
            ),
            Fieldset(
                # "Without consent" opens the question it needs: the safeguarding reason.
                ConditionalRadios(
                    "consent_to_refer",
                    *[label for value, label in Referral.ConsentToRefer.choices if value != WITHOUT],
                    RevealingChoice(
                        Referral.ConsentToRefer.WITHOUT_CONSENT.label, Field.textarea("consent_note", rows=3)
                    ),
                ),
                legend="Consent to refer",
                legend_size=Size.MEDIUM,
            ),
            Field.text("diagnosis", field_width=Fluid.TWO_THIRDS),
            Button.primary("send", "Send referral"),
        )


class TriageForm(forms.Form):
    urgency = forms.ChoiceField(
        label="Urgency, from the risk assessment",
        choices=Referral.Urgency.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the urgency"},
    )
    triage_note = forms.CharField(
        label="Triage notes: the conversation with the referrer and the risk assessment",
        widget=forms.Textarea,
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("urgency", legend_size=Size.MEDIUM),
            Field.textarea("triage_note", rows=4),
            Button.primary("save", "Save triage"),
        )


class AcceptForm(forms.Form):
    unstable_situation = forms.BooleanField(
        label="The young person is in an unstable situation (contact them sooner while they wait)",
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.checkbox("unstable_situation"), Button.primary("accept", "Accept referral")
        )


class DeclineForm(forms.Form):
    """Not accepted: a reason code and at least one alternative arranged (R39). Blank rows are ignored."""

    reason = forms.ChoiceField(
        label="Reason",
        choices=_choices(Referral.DeclineReason.choices, "Select a reason"),
        required=False,
        help_text="Reasons about instability need a senior reviewer's agreement before the decision stands.",
    )
    explanation = forms.CharField(
        label="Explain the decision in plain English",
        help_text="The young person and family will read this. No jargon.",
        widget=forms.Textarea,
        required=False,
    )

    def __init__(self, *args, referral: Referral, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        rows = []
        for row in range(1, ALTERNATIVE_ROWS + 1):
            self.fields[f"alternative_{row}_kind"] = forms.ChoiceField(
                label="What was arranged",
                choices=_choices(DeclineAlternative.Kind.choices, "Select"),
                required=False,
            )
            alternative = OrganisationChoiceField(
                label="Service on Beacon (optional)",
                empty_label="Not on Beacon",
                required=False,
                error_messages={
                    "invalid_choice": "Select another service from the list, "
                    "not the one declining the referral"
                },
            )
            # The service saying no is never its own alternative.
            alternative.queryset = organisations_for(
                OrganisationUse.RECEIVES_REFERRALS, excluding=referral.receiving_organisation
            )
            self.fields[f"alternative_{row}_organisation"] = alternative
            self.fields[f"alternative_{row}_directory_service"] = forms.ModelChoiceField(
                label="Service from the directory (optional)",
                queryset=Service.objects.listed().order_by("name"),
                to_field_name="public_id",
                empty_label="Not in the directory",
                required=False,
            )
            self.fields[f"alternative_{row}_service_name"] = forms.CharField(
                label="Or the service's name", required=False, max_length=200
            )
            self.fields[f"alternative_{row}_detail"] = forms.CharField(
                label="What happens next, in plain English", widget=forms.Textarea, required=False
            )
            rows.append(
                Fieldset(
                    Field.select(f"alternative_{row}_kind"),
                    Field.select(f"alternative_{row}_organisation"),
                    Field.select(f"alternative_{row}_directory_service"),
                    Field.text(f"alternative_{row}_service_name", field_width=Fluid.TWO_THIRDS),
                    Field.textarea(f"alternative_{row}_detail", rows=2),
                    legend=f"Alternative {row}" + (" (at least one)" if row == 1 else " (optional)"),
                    legend_size=Size.SMALL,
                )
            )
        self.helper = _helper(
            Field.select("reason"),
            Field.textarea("explanation", rows=3),
            HTML('<div id="alternatives"></div>'),
            *rows,
            Button.warning("decline", "Do not accept, with these alternatives"),
        )

    def alternatives(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {
                "kind": data.get(f"alternative_{row}_kind", ""),
                "organisation": data.get(f"alternative_{row}_organisation"),
                "service_name": data.get(f"alternative_{row}_service_name", ""),
                "directory_service": data.get(f"alternative_{row}_directory_service"),
                "detail": data.get(f"alternative_{row}_detail", ""),
            }
            for row in range(1, ALTERNATIVE_ROWS + 1)
        ]


class SeniorReviewForm(forms.Form):
    outcome = forms.ChoiceField(
        label="Your decision",
        choices=Referral.SeniorReviewOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you agree"},
    )
    note = forms.CharField(label="Your reasons", widget=forms.Textarea, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("outcome", legend_size=Size.MEDIUM),
            Field.textarea("note", rows=3),
            Button.primary("save", "Record review"),
        )


class ClockForm(forms.Form):
    clock = forms.ChoiceField(
        label="Step",
        choices=[("first_appointment", "First appointment"), ("treatment_started", "Treatment started")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the step"},
    )
    on = GovukDateField(name="Date", label="Date", help_text="For example, 27 3 2026")
    at_time = TimeOfDayField(label="Time")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("clock"),
            Field("on"),
            Field.text("at_time", field_width=Fluid.ONE_QUARTER),
            Button.primary("save", "Record"),
        )

    def clean(self):
        data = super().clean()
        if data.get("on") and data.get("at_time"):
            data["at"] = timezone.make_aware(datetime.combine(data["on"], data["at_time"]))
        return data


class WaitingContactAttemptForm(forms.Form):
    """Tried, could not reach them: not a contact; the contact stays due, a working day later."""

    method = forms.ChoiceField(
        label="How did you try?",
        choices=WaitingContact.Method.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how you tried to reach them"},
    )
    what_was_tried = forms.CharField(
        label="What did you try?",
        widget=forms.Textarea,
        help_text="For example, rang mum's mobile twice, no answer, left a message",
        error_messages={"required": "Enter what you tried"},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("method", small=True),
            Field.textarea("what_was_tried", rows=3),
            Button.primary("save", "Record the try"),
        )


class WaitingContactForm(forms.Form):
    """A contact with a waiting child or family: who, how, the risk check and the signposting (R64, R65)."""

    method = forms.ChoiceField(
        label="How", choices=WaitingContact.Method.choices, widget=forms.RadioSelect, required=False
    )
    spoke_with = forms.CharField(label="Who you spoke with", max_length=150, required=False)
    contacted_on = GovukDateField(
        name="Date of the contact", label="Date", help_text="For example, 27 3 2026"
    )
    contacted_time = TimeOfDayField(label="Time")
    explained_service = forms.BooleanField(
        label="I explained what the service offers, its role and what it will ask", required=False
    )
    risk_check = forms.ChoiceField(
        label="Risk check: since the referral, are things...",
        choices=WaitingContact.RiskCheck.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    signposting = forms.CharField(
        label="Support you told them about while they wait", widget=forms.Textarea, required=False
    )
    note = forms.CharField(label="Notes (optional)", widget=forms.Textarea, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.radios("method", inline=True),
            Field.text("spoke_with", field_width=Fluid.TWO_THIRDS),
            Field("contacted_on"),
            Field.text("contacted_time", field_width=Fluid.ONE_QUARTER),
            Field.checkbox("explained_service"),
            Field.radios("risk_check", legend_size=Size.MEDIUM),
            Field.textarea("signposting", rows=3),
            Field.textarea("note", rows=3),
            Button.primary("save", "Record contact"),
        )

    def clean(self):
        data = super().clean()
        if data.get("contacted_on") and data.get("contacted_time"):
            moment = data["contacted_time"]
            data["contacted_at"] = timezone.make_aware(datetime.combine(data["contacted_on"], moment))
        return data


class TriageQueueFilterForm(forms.Form):
    """The triage queue's filters and order, from the address (GET). A value it does not know is ignored,
    so an old bookmark still shows the queue."""

    concern = forms.ChoiceField(
        label="Highest concern",
        choices=[("", "Any"), *[(value, label) for value, label in reversed(ConcernLevel.choices)]],
        required=False,
    )
    target = forms.ChoiceField(
        label="Wait target", choices=[("", "Any"), *TargetState.CHOICES], required=False
    )
    referrer_organisation = forms.ModelChoiceField(
        label="Referred from",
        queryset=Organisation.objects.none(),
        to_field_name="public_id",
        empty_label="Any organisation",
        required=False,
    )
    age_band = forms.ChoiceField(
        label="Age",
        choices=[("", "Any age"), *[(key, label) for key, (label, _, _) in AGE_BANDS.items()]],
        required=False,
    )
    sort = forms.ChoiceField(
        label="Sort by",
        choices=[
            ("priority", "Risk first (re-triage, urgency, then longest wait)"),
            ("received", "Date received (longest wait first)"),
            ("target", "Target date (soonest first)"),
            ("concern", "Concern (highest first)"),
        ],
        required=False,
    )

    def __init__(self, *args, referrer_organisations, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["referrer_organisation"]
        if isinstance(field, forms.ModelChoiceField):
            field.queryset = referrer_organisations

    def filters(self) -> QueueFilters:
        if not self.is_valid():
            # Keep what parsed; a stale organisation or unknown value is dropped, never an error page.
            data = {name: self.cleaned_data.get(name) for name in self.fields if name not in self.errors}
        else:
            data = self.cleaned_data
        organisation = data.get("referrer_organisation")
        return QueueFilters(
            concern=data.get("concern") or "",
            target=data.get("target") or "",
            referrer_organisation=organisation.pk if organisation is not None else None,
            age_band=data.get("age_band") or "",
            sort=data.get("sort") or "priority",
        )
