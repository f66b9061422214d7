"""The shapes the passport's endpoints return: sections, passports, proposals, versions, shares and reads."""

from rest_framework import serializers

from apps.children.serializers import OrganisationReferenceSerializer
from apps.core.api.fields import PersonReferenceSerializer
from apps.passport.models import Passport, PassportProposal, Section
from apps.passport.selectors import SectionView, passport_proposal_is_outdated

# --- Shapes ------------------------------------------------------------------------------------------


class ChildReferenceSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    known_as = serializers.CharField()

    class Meta:
        ref_name = "PassportChildReference"


class SectionOutputSerializer(serializers.Serializer):
    section = serializers.ChoiceField(choices=Section.choices)
    label = serializers.CharField()
    shared = serializers.BooleanField(
        source="visible", help_text="Whether you may read it. False: no text is given, whatever it says."
    )
    text = serializers.CharField(allow_null=True, help_text="Null if not shared with you or not written yet.")
    version = serializers.IntegerField(allow_null=True)
    written_at = serializers.DateTimeField(allow_null=True)
    author = PersonReferenceSerializer(allow_null=True, help_text="Whose words: the owner, or the proposer.")

    class Meta:
        ref_name = "PassportSection"


def _section_out(view: SectionView) -> dict:
    version = view.version if view.visible else None
    return SectionOutputSerializer(
        {
            "section": view.section,
            "label": view.label,
            "visible": view.visible,
            "text": version.text if version else None,
            "version": version.number if version else None,
            "written_at": version.accepted_at if version else None,
            "author": version.author if version else None,
        }
    ).data


class PassportOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    child = ChildReferenceSerializer()
    held_by_parent_or_carer = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    sections = SectionOutputSerializer(many=True)

    class Meta:
        ref_name = "Passport"


def _passport_out(passport: Passport, views: list[SectionView]) -> dict:
    return {
        "public_id": str(passport.public_id),
        "child": ChildReferenceSerializer(passport.child).data,
        "held_by_parent_or_carer": passport.owner_family_member_id is not None,
        "created_at": serializers.DateTimeField().to_representation(passport.created_at),
        "sections": [_section_out(view) for view in views],
    }


class ProposalOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    section = serializers.ChoiceField(choices=Section.choices)
    text = serializers.CharField()
    reason = serializers.CharField()
    proposed_by = PersonReferenceSerializer()
    proposed_at = serializers.DateTimeField()
    status = serializers.ChoiceField(choices=PassportProposal.Status.choices)
    is_outdated = serializers.BooleanField(help_text="The section has changed since this was proposed.")
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_note = serializers.CharField()

    class Meta:
        ref_name = "PassportProposal"


def _proposal_out(proposal: PassportProposal) -> dict:
    proposal.is_outdated = (
        proposal.status == PassportProposal.Status.PENDING
        and passport_proposal_is_outdated(proposal=proposal)
    )
    return ProposalOutputSerializer(proposal).data


class VersionOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    number = serializers.IntegerField()
    text = serializers.CharField()
    author = PersonReferenceSerializer()
    accepted_at = serializers.DateTimeField()
    from_proposal = serializers.UUIDField(source="from_proposal.public_id", allow_null=True)

    class Meta:
        ref_name = "PassportVersion"


class ShareOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    section = serializers.ChoiceField(choices=Section.choices)
    recipient_user = PersonReferenceSerializer(allow_null=True)
    recipient_organisation = OrganisationReferenceSerializer(allow_null=True)
    reason = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_on = serializers.DateField(allow_null=True, help_text="The last day it applies; null: no end date.")
    revoked_at = serializers.DateTimeField(allow_null=True)

    class Meta:
        ref_name = "PassportShare"


class ReadOutputSerializer(serializers.Serializer):
    occurred_at = serializers.DateTimeField()
    viewer = PersonReferenceSerializer()
    viewer_organisation = OrganisationReferenceSerializer(allow_null=True)
    sections = serializers.ListField(child=serializers.ChoiceField(choices=Section.choices))
    printed = serializers.BooleanField()

    class Meta:
        ref_name = "PassportRead"
