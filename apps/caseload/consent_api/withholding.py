"""What a competent young person keeps from their parents or carers (R74)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.caseload.consent_api.common import CHILD_PUBLIC_ID, TAGS, _get_through_child
from apps.children.categories import Category
from apps.children.selectors import CHANGE
from apps.consent.services import (
    parent_withholding_end,
    parent_withholding_record,
)
from apps.sharing.selectors import access_child

WITHHOLDING_ID = OpenApiParameter("withholding_id", OpenApiTypes.UUID, OpenApiParameter.PATH)


class ParentWithholdingOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    category = serializers.ChoiceField(choices=Category.choices)
    judgement = serializers.CharField()
    recorded_on = serializers.DateField()
    ended_on = serializers.DateField(allow_null=True)

    class Meta:
        ref_name = "ParentWithholding"


class ParentWithholdingListCreateApi(GenericAPIView):
    """What a competent young person has asked to keep from their parents or carers (R74)."""

    # The whole list in one answer (a child has a handful); the schema must not promise pages.
    pagination_class = None

    class InputSerializer(serializers.Serializer):
        category = serializers.ChoiceField(choices=Category.choices)
        judgement = serializers.CharField(required=False, allow_blank=True, default="")

        class Meta:
            ref_name = "ParentWithholdingInput"

    @extend_schema(
        operation_id="children_parent_withholdings_list",
        summary="List what is kept from parents and carers",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        responses={200: ParentWithholdingOutputSerializer(many=True)},
    )
    def get(self, request, public_id: str):
        child = access_child(request.user, public_id)
        return Response(ParentWithholdingOutputSerializer(child.parent_withholdings.all(), many=True).data)

    @extend_schema(
        operation_id="children_parent_withholdings_create",
        summary="Keep a category from parents and carers",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        request=InputSerializer,
        responses={201: ParentWithholdingOutputSerializer},
    )
    def post(self, request, public_id: str):
        child = access_child(request.user, public_id, perm=CHANGE, audit=False)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        withholding = parent_withholding_record(actor=request.user, child=child, **serializer.validated_data)
        return Response(ParentWithholdingOutputSerializer(withholding).data, status=status.HTTP_201_CREATED)


class ParentWithholdingEndApi(APIView):
    """The young person lets their parents or carers see this category again, where consent allows."""

    @extend_schema(
        operation_id="children_parent_withholdings_end",
        summary="Share a category with parents and carers again",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID, WITHHOLDING_ID],
        request=None,
        responses={200: ParentWithholdingOutputSerializer},
    )
    def post(self, request, public_id: str, withholding_id: str):
        child = access_child(request.user, public_id, perm=CHANGE, audit=False)
        withholding = _get_through_child(
            child.parent_withholdings.filter(ended_on__isnull=True), withholding_id
        )
        withholding = parent_withholding_end(actor=request.user, withholding=withholding)
        return Response(ParentWithholdingOutputSerializer(withholding).data)
