"""The shapes the referral endpoints return: referrals, consultations, waiting-list entries and contacts."""

from rest_framework import serializers

from apps.children.serializers import OrganisationReferenceSerializer
from apps.referrals import services
from apps.referrals.models import (
    ConcernLevel,
    Consultation,
    DeclineAlternative,
    Referral,
    Route,
    WaitingContact,
)


class ChildReferenceSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    known_as = serializers.CharField()


class PersonSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    name = serializers.CharField(source="__str__")


# --- Output ----------------------------------------------------------------------------------------


class AlternativeOutputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=DeclineAlternative.Kind.choices)
    organisation = OrganisationReferenceSerializer(allow_null=True)
    service_name = serializers.CharField()
    detail = serializers.CharField()


class ReferralOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    child = ChildReferenceSerializer()
    receiving_organisation = OrganisationReferenceSerializer()
    consultation = serializers.UUIDField(source="consultation.public_id", allow_null=True)
    status = serializers.ChoiceField(choices=Referral.Status.choices)
    route = serializers.ChoiceField(choices=Route.choices)
    made_by = PersonSerializer()
    referrer_name = serializers.CharField()
    presenting_needs = serializers.CharField()
    professional_concern = serializers.ChoiceField(choices=ConcernLevel.choices)
    family_concern = serializers.ChoiceField(choices=ConcernLevel.choices)
    what_has_been_tried = serializers.CharField()
    young_person_views = serializers.CharField()
    preferred_support = serializers.CharField()
    consent_to_refer = serializers.ChoiceField(choices=Referral.ConsentToRefer.choices)
    diagnosis = serializers.CharField()
    social_work_status_at_referral = serializers.CharField()
    deprivation_decile_at_referral = serializers.IntegerField(allow_null=True)
    urgency = serializers.CharField()
    target_at = serializers.DateTimeField(allow_null=True)
    needs_retriage = serializers.BooleanField()
    decline_reason = serializers.CharField()
    decline_explanation = serializers.CharField()
    is_equity_risk_decline = serializers.BooleanField(help_text="Declined for an instability reason (R40).")
    senior_review_outcome = serializers.CharField()
    alternatives = AlternativeOutputSerializer(many=True, source="alternatives.all")
    received_at = serializers.DateTimeField()
    triaged_at = serializers.DateTimeField(allow_null=True)
    first_contact_at = serializers.DateTimeField(allow_null=True)
    first_appointment_at = serializers.DateTimeField(allow_null=True)
    treatment_started_at = serializers.DateTimeField(allow_null=True)
    family_message = serializers.SerializerMethodField(help_text="What the young person and family are told.")

    def get_family_message(self, referral) -> str:
        return services.family_message(referral=referral)


class ConsultationOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    child = ChildReferenceSerializer(allow_null=True)
    child_description = serializers.CharField()
    receiving_organisation = OrganisationReferenceSerializer()
    route = serializers.ChoiceField(choices=Route.choices)
    channel = serializers.ChoiceField(choices=Consultation.Channel.choices)
    requested_by = PersonSerializer()
    concern = serializers.CharField()
    what_has_been_tried = serializers.CharField()
    preferred_support = serializers.CharField()
    requested_at = serializers.DateTimeField()
    advice = serializers.CharField()
    outcome = serializers.CharField()
    advised_at = serializers.DateTimeField(allow_null=True)


class WaitingEntryOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    child = ChildReferenceSerializer()
    referral = serializers.UUIDField(source="referral.public_id")
    started_at = serializers.DateTimeField()
    is_priority = serializers.BooleanField()
    priority_reasons = serializers.CharField()
    first_contact_due_on = serializers.DateField()
    next_contact_due_on = serializers.DateField()
    last_risk_check = serializers.CharField(allow_null=True)
    trust_built = serializers.BooleanField(help_text="The first, trust-building contact has happened.")


class WaitingContactOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=WaitingContact.Kind.choices)
    method = serializers.ChoiceField(choices=WaitingContact.Method.choices)
    spoke_with = serializers.CharField()
    contacted_at = serializers.DateTimeField()
    explained_service = serializers.BooleanField()
    risk_check = serializers.ChoiceField(choices=WaitingContact.RiskCheck.choices)
    signposting = serializers.CharField()
    note = serializers.CharField()
