"""The output shapes more than one consent endpoint answers with."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from apps.children.categories import Category
from apps.children.serializers import OrganisationReferenceSerializer
from apps.consent.models import CompetenceAssessment, Consent, Disclosure, SafeguardingOverride
from apps.consent.selectors import (
    consent_detail_visible,
)
from apps.core.api.fields import PersonReferenceSerializer


class FamilyMemberReferenceSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    name = serializers.CharField()

    class Meta:
        ref_name = "FamilyMemberReference"


class ConsentOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    status = serializers.ChoiceField(
        choices=Consent.Status.choices,
        source="status_on",
        help_text="`in_force`, `not_started`, `expired` (its end date has passed) or `withdrawn`, today.",
    )
    grantor = serializers.ChoiceField(choices=Consent.Grantor.choices)
    grantor_name = serializers.CharField(source="get_grantor_display")
    parent = FamilyMemberReferenceSerializer(allow_null=True)
    categories = serializers.SerializerMethodField()
    recipient_kind = serializers.ChoiceField(choices=Consent.RecipientKind.choices)
    recipient = serializers.CharField(source="recipient_label", help_text="Who it is shared with, in words.")
    recipient_organisation = OrganisationReferenceSerializer(allow_null=True)
    recipient_role = serializers.CharField(
        source="recipient_role.code", allow_null=True, help_text="The role's code, for a role recipient."
    )
    recipient_user = PersonReferenceSerializer(allow_null=True)
    purpose = serializers.CharField()
    valid_from = serializers.DateField()
    valid_until = serializers.DateField(allow_null=True)
    form = serializers.ChoiceField(choices=Consent.Form.choices)
    evidence = serializers.CharField()
    recorded_by = PersonReferenceSerializer()
    recorded_at = serializers.DateTimeField()
    withdrawn_at = serializers.DateTimeField(allow_null=True)
    withdrawn_reason = serializers.CharField()
    detail_withheld = serializers.SerializerMethodField(
        help_text="True when the consent covers a sensitive category you may not see: its purpose, evidence "
        "and withdrawal reason describe that category, so they are returned empty."
    )

    class Meta:
        ref_name = "Consent"

    def get_detail_withheld(self, consent: Consent) -> bool:
        access = self.context.get("access")
        return access is None or not consent_detail_visible(consent=consent, access=access)

    def to_representation(self, consent: Consent) -> dict:
        data = super().to_representation(consent)
        if data["detail_withheld"]:
            data.update(purpose="", evidence="", withdrawn_reason="")
        return data

    def get_categories(self, consent: Consent) -> list[str]:
        return [row.category for row in consent.categories.all()]


class CompetenceAssessmentOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    assessor = PersonReferenceSerializer()
    assessed_on = serializers.DateField()
    scope = serializers.ChoiceField(choices=CompetenceAssessment.Scope.choices)
    decision = serializers.CharField(help_text="The decision it covers.")
    outcome = serializers.ChoiceField(choices=CompetenceAssessment.Outcome.choices)
    notes = serializers.CharField()
    recorded_at = serializers.DateTimeField()

    class Meta:
        ref_name = "CompetenceAssessment"


class SafeguardingOverrideOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    opened_by = PersonReferenceSerializer()
    lawful_basis = serializers.ChoiceField(choices=SafeguardingOverride.LawfulBasis.choices)
    lawful_basis_name = serializers.CharField(source="get_lawful_basis_display")
    justification = serializers.CharField()
    categories = serializers.ListField(child=serializers.ChoiceField(choices=Category.choices))
    starts_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    ended_at = serializers.DateTimeField(allow_null=True)
    is_in_force = serializers.BooleanField(
        help_text="Started, not yet run out and not ended: it gives access."
    )
    reviewed_by = PersonReferenceSerializer(allow_null=True)
    reviewed_at = serializers.DateTimeField(allow_null=True)
    review_outcome = serializers.ChoiceField(
        choices=SafeguardingOverride.ReviewOutcome.choices, allow_blank=True
    )
    review_note = serializers.CharField()

    class Meta:
        ref_name = "SafeguardingOverride"


class SafeguardingOverrideOpenedOutputSerializer(SafeguardingOverrideOutputSerializer):
    review_requested_from = serializers.SerializerMethodField(
        help_text="The people actually alerted to review it (read from the alerts recorded). Empty only "
        "where Beacon has nobody to send it to: then tell a safeguarding lead yourself.",
    )

    class Meta:
        ref_name = "SafeguardingOverrideOpened"

    @extend_schema_field(PersonReferenceSerializer(many=True))
    def get_review_requested_from(self, override) -> list:
        return list(PersonReferenceSerializer(self.context["review_requested_from"], many=True).data)


class DisclosureOutputSerializer(serializers.Serializer):
    occurred_at = serializers.DateTimeField()
    viewer = PersonReferenceSerializer()
    viewer_organisation = OrganisationReferenceSerializer(allow_null=True)
    categories = serializers.ListField(
        child=serializers.ChoiceField(choices=Category.choices), help_text="What they could see."
    )
    interface = serializers.CharField(help_text="`web` or `api`.")
    basis = serializers.ChoiceField(choices=Disclosure.Basis.choices)
    basis_name = serializers.CharField(source="get_basis_display")
    consent = serializers.UUIDField(source="consent.public_id", allow_null=True)
    override = serializers.UUIDField(source="override.public_id", allow_null=True)

    class Meta:
        ref_name = "Disclosure"
