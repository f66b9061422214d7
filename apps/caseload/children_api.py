"""The children's records over the REST API: parse the request, call a selector or service, shape the answer.

Every rule (who may see or change a record, what a valid NHS number is, which identifiers clash) lives in
``selectors.py`` and ``services.py``; the serializers here only parse input and shape output. Errors the
services raise come back in the API's one error shape (``apps.core.api.errors``), naming the field.

Moved up from apps/children (URL names kept) with the children's pages: it asks the access decision, which
sits above the record. The output shape other apps' APIs share stays beneath them
(``apps.children.serializers``).
"""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_field,
)
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.viewsets import GenericViewSet

from apps.accounts.models import Organisation
from apps.children.categories import Category
from apps.children.models import (
    Child,
    ChildIdentifier,
    FamilyMember,
    SocialWorkInvolvement,
    VulnerabilityType,
)
from apps.children.selectors import CHANGE, child_detail, child_list, child_list_count, child_possible_matches
from apps.children.serializers import OrganisationReferenceSerializer
from apps.children.services import (
    child_create,
    child_identifier_add,
    child_update,
    family_member_add,
    social_work_status_record,
    vulnerability_flag_add,
)
from apps.children.throttling import PossibleMatchThrottle
from apps.core.api.fields import PublicIdRelatedField
from apps.core.api.pagination import CountedPagination
from apps.sharing.access import child_access
from apps.sharing.selectors import access_child, child_list_audit

CHILD_PUBLIC_ID = OpenApiParameter(
    "public_id",
    OpenApiTypes.UUID,
    OpenApiParameter.PATH,
    description="The child's public id. A child not shared with you is a 404, as if it did not exist.",
)
TAGS = ["Children"]


# --- Output shapes shared by several endpoints -------------------------------------------------


class ChildIdentifierOutputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ChildIdentifier.Kind.choices)
    kind_name = serializers.CharField(source="get_kind_display")
    value = serializers.CharField()
    issuer = OrganisationReferenceSerializer()


class SocialWorkPeriodOutputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=SocialWorkInvolvement.Status.choices)
    status_name = serializers.CharField(source="get_status_display")
    legal_status = serializers.ChoiceField(
        choices=SocialWorkInvolvement.LegalStatus.choices, allow_blank=True
    )
    placement_type = serializers.ChoiceField(
        choices=SocialWorkInvolvement.PlacementType.choices, allow_blank=True
    )
    responsible_authority = OrganisationReferenceSerializer(allow_null=True)
    started_on = serializers.DateField()
    ended_on = serializers.DateField(allow_null=True, help_text="Empty for the current period.")


class VulnerabilityTypeOutputSerializer(serializers.Serializer):
    code = serializers.SlugField()
    name = serializers.CharField()


class VulnerabilityOutputSerializer(serializers.Serializer):
    type = VulnerabilityTypeOutputSerializer()
    source = serializers.CharField(help_text="Who identified it.")
    identified_on = serializers.DateField()
    ended_on = serializers.DateField(allow_null=True)
    note = serializers.CharField()


class FamilyMemberOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    name = serializers.CharField()
    relationship = serializers.ChoiceField(choices=FamilyMember.Relationship.choices)
    has_parental_responsibility = serializers.BooleanField()
    lives_in_household = serializers.BooleanField()
    phone = serializers.CharField()
    services_received = serializers.CharField()
    notes = serializers.CharField()


class ChildDetailOutputSerializer(serializers.Serializer):
    """The whole record, strengths first, as ``child_detail`` fetched it (each list in one query)."""

    public_id = serializers.UUIDField()
    known_as = serializers.CharField(help_text="Preferred first name with family name: the name to use.")
    given_name = serializers.CharField()
    family_name = serializers.CharField()
    preferred_name = serializers.CharField()
    date_of_birth = serializers.DateField()
    nhs_number = serializers.CharField(allow_null=True, help_text="Ten digits, no spaces.")
    strengths = serializers.CharField()
    interests = serializers.CharField()
    what_helps = serializers.CharField()
    what_does_not_help = serializers.CharField()
    communication_needs = serializers.CharField()
    first_language = serializers.CharField()
    interpreter_needed = serializers.BooleanField()
    prefers_easy_read = serializers.BooleanField()
    deprivation_decile = serializers.IntegerField(allow_null=True)
    identifiers = ChildIdentifierOutputSerializer(many=True)
    current_social_work_status = serializers.SerializerMethodField()
    social_work_history = SocialWorkPeriodOutputSerializer(many=True)
    current_vulnerability_count = serializers.SerializerMethodField(
        help_text="Current vulnerabilities you may see: flags of a withheld category are not counted."
    )
    current_vulnerabilities = serializers.SerializerMethodField()
    withheld_categories = serializers.SerializerMethodField(
        help_text=(
            "Sensitive categories (R80) of which this child has current vulnerabilities that are withheld "
            "from you: no consent to share. The flags themselves are left out."
        )
    )
    family_members = FamilyMemberOutputSerializer(many=True)
    created_by_organisation = OrganisationReferenceSerializer(allow_null=True)
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    # The open period or flag (no end date) is the current one; these read the lists already fetched.
    @extend_schema_field(
        serializers.ChoiceField(choices=SocialWorkInvolvement.Status.choices, allow_null=True)
    )
    def get_current_social_work_status(self, child: Child) -> str | None:
        current = [period for period in child.social_work_history.all() if period.ended_on is None]
        return current[0].status if current else None

    def get_current_vulnerability_count(self, child: Child) -> int:
        return len(self._current_flags(child))

    @extend_schema_field(VulnerabilityOutputSerializer(many=True))
    def get_current_vulnerabilities(self, child: Child) -> list[dict]:
        return VulnerabilityOutputSerializer(self._current_flags(child), many=True).data

    @extend_schema_field(serializers.ListField(child=serializers.ChoiceField(choices=Category.choices)))
    def get_withheld_categories(self, child: Child) -> list[str]:
        access = self.context.get("access")
        withheld = {flag.type.category for flag in self._all_current_flags(child)} - {
            flag.type.category for flag in self._current_flags(child)
        }
        return sorted(category for category in withheld if access and access.may_know_withheld(category))

    def _current_flags(self, child: Child) -> list:
        """The current flags of categories the viewer may see (the access decision, ``access``, in context).

        Without it in the context nothing beyond the core record is shown: the safer default.
        """
        access = self.context.get("access")
        return [
            flag
            for flag in self._all_current_flags(child)
            if access is not None and access.sees(flag.type.category)
        ]

    @staticmethod
    def _all_current_flags(child: Child) -> list:
        return [flag for flag in child.vulnerability_flags.all() if flag.ended_on is None]


def child_detail_data(child: Child, *, viewer) -> dict:
    """The whole record as ``viewer`` may see it: flags of a category they lack are withheld."""
    return ChildDetailOutputSerializer(
        child_detail(child=child),
        context={"access": getattr(child, "access", None) or child_access(user=viewer, child=child)},
    ).data


def _detail_response(child: Child, *, viewer, status_code: int = status.HTTP_200_OK) -> Response:
    headers = {}
    if status_code == status.HTTP_201_CREATED:
        headers["Location"] = reverse("children-api:detail", kwargs={"public_id": child.public_id})
    return Response(child_detail_data(child, viewer=viewer), status=status_code, headers=headers)


# --- Input shapes --------------------------------------------------------------------------------


class ChildFieldsInputSerializer(serializers.Serializer):
    """The core record's fields. Length, NHS number and date checks are the service's, not repeated here."""

    given_name = serializers.CharField(help_text="Legal first name.")
    family_name = serializers.CharField(help_text="Legal last name.")
    preferred_name = serializers.CharField(required=False, allow_blank=True)
    date_of_birth = serializers.DateField(help_text="Today or in the past.")
    nhs_number = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="Ten digits with a valid check digit; spaces and dashes are ignored (999 000 0018).",
    )
    strengths = serializers.CharField(required=False, allow_blank=True)
    interests = serializers.CharField(required=False, allow_blank=True)
    what_helps = serializers.CharField(required=False, allow_blank=True)
    what_does_not_help = serializers.CharField(required=False, allow_blank=True)
    communication_needs = serializers.CharField(required=False, allow_blank=True)
    first_language = serializers.CharField(required=False, allow_blank=True)
    interpreter_needed = serializers.BooleanField(required=False)
    prefers_easy_read = serializers.BooleanField(required=False)
    deprivation_decile = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="Index of Multiple Deprivation decile of the home postcode, 1 (most deprived) to 10.",
    )


class IdentifierInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ChildIdentifier.Kind.choices)
    value = serializers.CharField()
    issuer = PublicIdRelatedField(
        what="organisation",
        queryset=Organisation.objects.all(),
        help_text="The public id of the organisation that issued it (see /api/v1/organisations/).",
    )


# --- The child record ------------------------------------------------------------------------------


@extend_validation_errors(["duplicate"], field_name="nhs_number", actions=["create", "partial_update"])
class ChildViewSet(GenericViewSet):
    """List, create, read and change children's core records. Routed explicitly in ``api_urls``."""

    # The list's count comes from the permission indexes (get_count), not COUNT(*) over the list.
    pagination_class = CountedPagination

    class ListOutputSerializer(serializers.Serializer):
        public_id = serializers.UUIDField()
        known_as = serializers.CharField()
        given_name = serializers.CharField()
        family_name = serializers.CharField()
        preferred_name = serializers.CharField()
        date_of_birth = serializers.DateField()
        nhs_number = serializers.CharField(allow_null=True)
        current_social_work_status = serializers.ChoiceField(
            choices=SocialWorkInvolvement.Status.choices, allow_null=True
        )
        current_vulnerability_count = serializers.IntegerField(source="current_flag_count")

        class Meta:
            ref_name = "ChildListItem"

    class CreateInputSerializer(ChildFieldsInputSerializer):
        identifiers = IdentifierInputSerializer(many=True, required=False)

        class Meta:
            ref_name = "ChildCreateInput"

    class UpdateInputSerializer(ChildFieldsInputSerializer):
        class Meta:
            ref_name = "ChildUpdateInput"

    def get_queryset(self):
        return child_list(user=self.request.user, search=self.request.query_params.get("search", ""))

    def get_count(self) -> int:
        """The list's length for its pages, from the permission indexes (``child_list_count``)."""
        return child_list_count(user=self.request.user, search=self.request.query_params.get("search", ""))

    def get_serializer_class(self):
        # Each action names its serializers itself; this is for the browsable API in local development.
        return {
            "list": self.ListOutputSerializer,
            "create": self.CreateInputSerializer,
            "partial_update": self.UpdateInputSerializer,
        }.get(self.action, ChildDetailOutputSerializer)

    @extend_schema(
        operation_id="children_list",
        summary="List the children shared with you",
        tags=TAGS,
        parameters=[
            OpenApiParameter(
                "search", str, description="Part of a name, an NHS number, or an agency's identifier."
            )
        ],
        responses={200: ListOutputSerializer(many=True)},
    )
    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        child_list_audit(user=request.user, children=page, search=request.query_params.get("search", ""))
        return self.get_paginated_response(self.ListOutputSerializer(page, many=True).data)

    @extend_schema(
        operation_id="children_create",
        summary="Create a child's record",
        description=(
            "Check `possible-matches` first so that one child has one record. You can see and change the "
            "record you create. Problems are reported against the field to fix, such as `nhs_number`, "
            "`date_of_birth` or `identifiers.0.value`; nothing is saved unless everything is valid."
        ),
        tags=TAGS,
        request=CreateInputSerializer,
        responses={201: ChildDetailOutputSerializer},
    )
    def create(self, request):
        serializer = self.CreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        child = child_create(actor=request.user, **serializer.validated_data)
        return _detail_response(child, viewer=request.user, status_code=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="children_retrieve",
        summary="Read a child's record",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        responses={200: ChildDetailOutputSerializer},
    )
    def retrieve(self, request, public_id: str):
        child = access_child(request.user, public_id)
        return _detail_response(child, viewer=request.user)

    @extend_schema(
        operation_id="children_partial_update",
        summary="Change a child's core record",
        description="Only the fields sent change. A 403 means you can see this record but not change it.",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        request=UpdateInputSerializer,
        responses={200: ChildDetailOutputSerializer},
    )
    def partial_update(self, request, public_id: str):
        child = access_child(request.user, public_id, perm=CHANGE)
        serializer = self.UpdateInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        child = child_update(actor=request.user, child=child, **serializer.validated_data)
        return _detail_response(child, viewer=request.user)


# --- Finding an existing record before creating one ---------------------------------------------------


class VisibleMatchOutputSerializer(serializers.Serializer):
    visible = serializers.BooleanField(help_text="True: this record is shared with you.")
    reason = serializers.CharField()
    public_id = serializers.UUIDField(source="child.public_id")
    known_as = serializers.CharField(source="child.known_as")


class HiddenMatchOutputSerializer(serializers.Serializer):
    visible = serializers.BooleanField(
        help_text="False: a record may exist but is not shared with you. At most one per reason, whatever "
        "the number of such records."
    )
    reason = serializers.CharField()
    next_step = serializers.CharField(
        help_text="What to do: ask the Beacon administrator at your single point of access, rather than "
        "creating a second record."
    )


@extend_validation_errors(["not_enough_to_match"], field_name="non_field_errors")
class ChildPossibleMatchesApi(APIView):
    """Records that may already be this child, searched across all of Beacon (R2)."""

    # Per person, one counter with the browser's find page (BEACON_POSSIBLE_MATCH_RATE).
    throttle_classes = [PossibleMatchThrottle]

    class InputSerializer(serializers.Serializer):
        nhs_number = serializers.CharField(required=False, allow_blank=True)
        given_name = serializers.CharField(required=False, allow_blank=True)
        family_name = serializers.CharField(required=False, allow_blank=True)
        date_of_birth = serializers.DateField(required=False, allow_null=True)

        class Meta:
            ref_name = "PossibleMatchesInput"

        def validate(self, data: dict) -> dict:
            has_nhs_number = bool(data.get("nhs_number", "").strip())
            has_name_and_birth = all(
                data.get(name) for name in ("given_name", "family_name", "date_of_birth")
            )
            if not (has_nhs_number or has_name_and_birth):
                raise serializers.ValidationError(
                    "Give an NHS number, or a first name, last name and date of birth.",
                    code="not_enough_to_match",
                )
            return data

    @extend_schema(
        operation_id="children_possible_matches",
        summary="Find records that may already be this child",
        description=(
            "Matches on the same NHS number, or the same first name, last name and date of birth. A record "
            "not shared with you shows only that one may exist, why it matched, and what to do next: never "
            "who the child is or which organisation holds the record. Every check is audited, and each "
            "person may make a limited number (429 beyond it, shared with the website)."
        ),
        tags=TAGS,
        request=InputSerializer,
        responses={
            200: PolymorphicProxySerializer(
                component_name="PossibleMatch",
                serializers=[VisibleMatchOutputSerializer, HiddenMatchOutputSerializer],
                resource_type_field_name=None,
                many=True,
            )
        },
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        matches = child_possible_matches(user=request.user, **serializer.validated_data)
        return Response(
            [
                (VisibleMatchOutputSerializer if match.visible else HiddenMatchOutputSerializer)(match).data
                for match in matches
            ]
        )


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
