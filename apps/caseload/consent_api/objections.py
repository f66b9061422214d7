"""A competent young person's objections to their lead professional's coordination basis."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.caseload.consent_api.common import CHILD_PUBLIC_ID, TAGS, _get_through_child
from apps.children.categories import COORDINATED, Category
from apps.children.selectors import CHANGE
from apps.consent.selectors import (
    coordination_objections,
)
from apps.consent.services import (
    coordination_objection_end,
    coordination_objection_record,
)
from apps.core.api.fields import PersonReferenceSerializer
from apps.sharing.selectors import access_child

OBJECTION_ID = OpenApiParameter("objection_id", OpenApiTypes.UUID, OpenApiParameter.PATH)


class CoordinationObjectionOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    category = serializers.ChoiceField(choices=Category.choices)
    in_their_words = serializers.CharField()
    judgement = serializers.CharField()
    recorded_by = PersonReferenceSerializer()
    recorded_on = serializers.DateField()
    ended_on = serializers.DateField(allow_null=True)

    class Meta:
        ref_name = "CoordinationObjection"


class CoordinationObjectionListCreateApi(APIView):
    """A competent young person's objections to their lead professional seeing a category without consent."""

    class InputSerializer(serializers.Serializer):
        category = serializers.ChoiceField(
            choices=[(c.value, c.label) for c in Category if c in COORDINATED],
            help_text="What the lead professional coordinates: team, appointments, referrals or plans.",
        )
        judgement = serializers.CharField(required=False, allow_blank=True, default="")
        in_their_words = serializers.CharField(required=False, allow_blank=True, default="")

        class Meta:
            ref_name = "CoordinationObjectionInput"

    @extend_schema(
        operation_id="children_coordination_objections_list",
        summary="List the young person's objections to the lead professional's coordination basis",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        responses={200: CoordinationObjectionOutputSerializer(many=True)},
    )
    def get(self, request, public_id: str):
        child = access_child(request.user, public_id)
        return Response(
            CoordinationObjectionOutputSerializer(coordination_objections(child=child), many=True).data
        )

    @extend_schema(
        operation_id="children_coordination_objections_create",
        summary="Record a competent young person's objection",
        description=(
            "Only for a young person who can decide (16 or over, or assessed as competent): otherwise a 400 "
            "saying so. From the next request the lead professional sees that category only with consent or "
            "a safeguarding override."
        ),
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        request=InputSerializer,
        responses={201: CoordinationObjectionOutputSerializer},
    )
    def post(self, request, public_id: str):
        child = access_child(request.user, public_id, perm=CHANGE, audit=False)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        objection = coordination_objection_record(
            actor=request.user, child=child, **serializer.validated_data
        )
        return Response(CoordinationObjectionOutputSerializer(objection).data, status=status.HTTP_201_CREATED)


class CoordinationObjectionEndApi(APIView):
    """The young person lets their lead professional see this category again on a coordination basis."""

    @extend_schema(
        operation_id="children_coordination_objections_end",
        summary="End an objection",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID, OBJECTION_ID],
        request=None,
        responses={200: CoordinationObjectionOutputSerializer},
    )
    def post(self, request, public_id: str, objection_id: str):
        child = access_child(request.user, public_id, perm=CHANGE, audit=False)
        objection = _get_through_child(
            child.coordination_objections.filter(ended_on__isnull=True), objection_id
        )
        objection = coordination_objection_end(actor=request.user, objection=objection)
        return Response(CoordinationObjectionOutputSerializer(objection).data)
