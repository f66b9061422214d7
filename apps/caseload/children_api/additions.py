"""Adding to a record: identifiers, social work status, vulnerabilities, family members (each needs
permission to change the child), and the vulnerability types to choose from.
"""

from drf_spectacular.utils import (
    extend_schema,
)
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import Organisation
from apps.caseload.children_api.common import CHILD_PUBLIC_ID, TAGS
from apps.caseload.children_api.serializers import (
    ChildIdentifierOutputSerializer,
    FamilyMemberOutputSerializer,
    IdentifierInputSerializer,
    SocialWorkPeriodOutputSerializer,
    VulnerabilityOutputSerializer,
    VulnerabilityTypeOutputSerializer,
)
from apps.children.models import (
    FamilyMember,
    SocialWorkInvolvement,
    VulnerabilityType,
)
from apps.children.selectors import CHANGE
from apps.children.services import (
    child_identifier_add,
    family_member_add,
    social_work_status_record,
    vulnerability_flag_add,
)
from apps.core.api.fields import PublicIdRelatedField
from apps.sharing.selectors import access_child

# --- Adding to a record: each needs permission to change the child ------------------------------------
# The service audits the write; the response holds only what was added, so no separate read is recorded.


@extend_validation_errors(["duplicate"], field_name="value")
class ChildIdentifierCreateApi(APIView):
    """Add an agency's own identifier for the child, unique within the organisation that issued it."""

    class InputSerializer(IdentifierInputSerializer):
        class Meta:
            ref_name = "ChildIdentifierInput"

    @extend_schema(
        operation_id="children_identifiers_create",
        summary="Add an agency's identifier",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        request=InputSerializer,
        responses={201: ChildIdentifierOutputSerializer},
    )
    def post(self, request, public_id: str):
        child = access_child(request.user, public_id, perm=CHANGE, audit=False)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        identifier = child_identifier_add(actor=request.user, child=child, **serializer.validated_data)
        return Response(ChildIdentifierOutputSerializer(identifier).data, status=status.HTTP_201_CREATED)


class ChildSocialWorkStatusCreateApi(APIView):
    """Record a change in social-work involvement; the current period ends the day the new one starts."""

    class InputSerializer(serializers.Serializer):
        status = serializers.ChoiceField(choices=SocialWorkInvolvement.Status.choices)
        started_on = serializers.DateField()
        legal_status = serializers.ChoiceField(
            choices=SocialWorkInvolvement.LegalStatus.choices,
            required=False,
            allow_blank=True,
            help_text="For looked-after children and care leavers only.",
        )
        placement_type = serializers.ChoiceField(
            choices=SocialWorkInvolvement.PlacementType.choices,
            required=False,
            allow_blank=True,
            help_text="For looked-after children and care leavers only.",
        )
        responsible_authority = PublicIdRelatedField(
            what="organisation", queryset=Organisation.objects.all(), required=False, allow_null=True
        )

        class Meta:
            ref_name = "SocialWorkStatusInput"

    @extend_schema(
        operation_id="children_social_work_statuses_create",
        summary="Record a change in social-work involvement",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        request=InputSerializer,
        responses={201: SocialWorkPeriodOutputSerializer},
    )
    def post(self, request, public_id: str):
        child = access_child(request.user, public_id, perm=CHANGE, audit=False)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        period = social_work_status_record(actor=request.user, child=child, **serializer.validated_data)
        return Response(SocialWorkPeriodOutputSerializer(period).data, status=status.HTTP_201_CREATED)


@extend_validation_errors(["duplicate"], field_name="type")
class ChildVulnerabilityCreateApi(APIView):
    """Record a vulnerability with who identified it and when. Flags build up; none gates the record."""

    class InputSerializer(serializers.Serializer):
        type = serializers.SlugRelatedField(
            slug_field="code",
            queryset=VulnerabilityType.objects.filter(is_active=True),
            help_text="A vulnerability type code, from /api/v1/vulnerability-types/.",
            error_messages={"does_not_exist": "There is no vulnerability type with the code {value}."},
        )
        source = serializers.CharField(help_text="Who identified it: 'school', 'the young person' ...")
        identified_on = serializers.DateField()
        note = serializers.CharField(required=False, allow_blank=True)

        class Meta:
            ref_name = "VulnerabilityInput"

    @extend_schema(
        operation_id="children_vulnerabilities_create",
        summary="Record a vulnerability",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        request=InputSerializer,
        responses={201: VulnerabilityOutputSerializer},
    )
    def post(self, request, public_id: str):
        child = access_child(request.user, public_id, perm=CHANGE, audit=False)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        flag = vulnerability_flag_add(actor=request.user, child=child, **serializer.validated_data)
        return Response(VulnerabilityOutputSerializer(flag).data, status=status.HTTP_201_CREATED)


class ChildFamilyMemberCreateApi(APIView):
    """Add a parent, carer, sibling or relative to the child's family network."""

    class InputSerializer(serializers.Serializer):
        name = serializers.CharField()
        relationship = serializers.ChoiceField(choices=FamilyMember.Relationship.choices)
        has_parental_responsibility = serializers.BooleanField(required=False)
        lives_in_household = serializers.BooleanField(required=False)
        phone = serializers.CharField(required=False, allow_blank=True)
        services_received = serializers.CharField(required=False, allow_blank=True)
        notes = serializers.CharField(required=False, allow_blank=True)

        class Meta:
            ref_name = "FamilyMemberInput"

    @extend_schema(
        operation_id="children_family_members_create",
        summary="Add a family member",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        request=InputSerializer,
        responses={201: FamilyMemberOutputSerializer},
    )
    def post(self, request, public_id: str):
        child = access_child(request.user, public_id, perm=CHANGE, audit=False)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        member = family_member_add(actor=request.user, child=child, **serializer.validated_data)
        return Response(FamilyMemberOutputSerializer(member).data, status=status.HTTP_201_CREATED)


class VulnerabilityTypeListApi(APIView):
    """The vulnerabilities Beacon records, by the code the API uses for each."""

    @extend_schema(
        operation_id="vulnerability_types_list",
        summary="List vulnerability types",
        tags=TAGS,
        responses={200: VulnerabilityTypeOutputSerializer(many=True)},
    )
    def get(self, request):
        # Reference data every professional may see; inactive types cannot be recorded any more.
        types = VulnerabilityType.objects.filter(is_active=True).order_by("display_order", "name")
        return Response(VulnerabilityTypeOutputSerializer(types, many=True).data)
