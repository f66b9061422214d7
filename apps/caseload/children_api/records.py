"""The child record: listing the children shared with you, reading one, creating and changing it."""

from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
)
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.viewsets import GenericViewSet

from apps.caseload.children_api.common import CHILD_PUBLIC_ID, TAGS
from apps.caseload.children_api.matching import (
    HiddenMatchOutputSerializer,
    VisibleMatchOutputSerializer,
    possible_matches_data,
)
from apps.caseload.children_api.serializers import (
    ChildDetailOutputSerializer,
    ChildFieldsInputSerializer,
    IdentifierInputSerializer,
    _detail_response,
)
from apps.children.models import (
    NhsNumberStatus,
    SocialWorkInvolvement,
)
from apps.children.selectors import CHANGE, child_list, child_list_count
from apps.children.services import (
    PossibleDuplicate,
    child_create,
    child_update,
)
from apps.children.throttling import PossibleMatchThrottle
from apps.core.api.pagination import CountedPagination
from apps.sharing.selectors import access_child, child_list_audit


class PossibleDuplicateErrorSerializer(serializers.Serializer):
    code = serializers.ChoiceField(choices=[("possible_duplicate", "The child may already have a record.")])
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)

    class Meta:
        ref_name = "PossibleDuplicateError"


class PossibleDuplicateResponseSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=[("client_error", "client_error")])
    hidden_match = serializers.BooleanField(
        help_text="True: a record not shared with you matched. Only a request for access can settle it."
    )
    matches = PolymorphicProxySerializer(
        component_name="PossibleDuplicateMatch",
        serializers=[VisibleMatchOutputSerializer, HiddenMatchOutputSerializer],
        resource_type_field_name=None,
        many=True,
    )

    class Meta:
        ref_name = "ErrorResponse409PossibleDuplicate"

    def get_fields(self) -> dict:
        # Declared here: a class attribute named ``errors`` would shadow the serializer's own ``errors``.
        return {**super().get_fields(), "errors": PossibleDuplicateErrorSerializer(many=True)}


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
        nhs_number_status = serializers.ChoiceField(choices=NhsNumberStatus.choices)
        nhs_number_verified_on = serializers.DateField(allow_null=True)
        current_social_work_status = serializers.ChoiceField(
            choices=SocialWorkInvolvement.Status.choices, allow_null=True
        )
        current_vulnerability_count = serializers.IntegerField(source="current_flag_count")

        class Meta:
            ref_name = "ChildListItem"

    class CreateInputSerializer(ChildFieldsInputSerializer):
        identifiers = IdentifierInputSerializer(many=True, required=False)
        confirm_different_child = serializers.BooleanField(
            required=False,
            default=False,
            help_text="After a 409 showing records shared with you that may be this child: true to say this "
            "is a different child, with `different_child_reason`. Never settles a record not shared with "
            "you, or the same NHS number.",
        )
        different_child_reason = serializers.CharField(
            required=False, allow_blank=True, help_text="How you know this is a different child. Recorded."
        )

        def validate(self, data: dict) -> dict:
            confirmed = data.pop("confirm_different_child", False)
            reason = data.pop("different_child_reason", "")
            return {**data, "different_child_reason": reason if confirmed else ""}

        class Meta:
            ref_name = "ChildCreateInput"

    class UpdateInputSerializer(ChildFieldsInputSerializer):
        class Meta:
            ref_name = "ChildUpdateInput"

    def get_throttles(self):
        # Creating runs the possible-match check across all of Beacon: one allowance with the check itself.
        if self.action == "create":
            return [*super().get_throttles(), PossibleMatchThrottle()]
        return super().get_throttles()

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
            "One child, one record (R2): the possible-match check runs again on what is sent. A record with "
            "the same NHS number is a 400 on `nhs_number`. Any other match is a 409 listing the matches as "
            "`possible-matches` shows them: a record shared with you can be confirmed as a different child "
            "(`confirm_different_child` with `different_child_reason`); one that is not shared with you "
            "needs a request for access (`POST /api/v1/access-requests/`), which its lead professional "
            "answers. You can see and change the record you create. Problems are reported against the field "
            "to fix, such as `nhs_number`, `date_of_birth` or `identifiers.0.value`; nothing is saved "
            "unless everything is valid. Counts against the possible-match allowance (429 beyond it)."
        ),
        tags=TAGS,
        request=CreateInputSerializer,
        responses={201: ChildDetailOutputSerializer, 409: PossibleDuplicateResponseSerializer},
    )
    def create(self, request):
        serializer = self.CreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            child = child_create(actor=request.user, **serializer.validated_data)
        except PossibleDuplicate as error:
            return Response(
                {
                    "type": "client_error",
                    "errors": [{"code": error.code, "detail": error.message, "attr": error.field}],
                    "hidden_match": error.hidden,
                    "matches": possible_matches_data(error.matches),
                },
                status=status.HTTP_409_CONFLICT,
            )
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
