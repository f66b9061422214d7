"""Gillick competence assessments of a young person under 16 (R73)."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from apps.caseload.consent_api.common import CHILD_PUBLIC_ID, TAGS
from apps.caseload.consent_api.serializers import CompetenceAssessmentOutputSerializer
from apps.children.selectors import CHANGE
from apps.consent.models import CompetenceAssessment
from apps.consent.services import (
    competence_assess,
)
from apps.sharing.selectors import access_child


class CompetenceAssessmentListCreateApi(GenericAPIView):
    """Gillick competence assessments of a young person under 16 (R73)."""

    class InputSerializer(serializers.Serializer):
        assessed_on = serializers.DateField(help_text="Today or in the past.")
        decision = serializers.CharField(help_text="The decision it covers.")
        outcome = serializers.ChoiceField(choices=CompetenceAssessment.Outcome.choices)
        scope = serializers.ChoiceField(
            choices=CompetenceAssessment.Scope.choices,
            required=False,
            default=CompetenceAssessment.Scope.INFORMATION_SHARING,
        )
        notes = serializers.CharField(required=False, allow_blank=True, default="")

        class Meta:
            ref_name = "CompetenceAssessmentInput"

    @extend_schema(
        operation_id="children_competence_assessments_list",
        summary="List the competence assessments",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        responses={200: CompetenceAssessmentOutputSerializer(many=True)},
    )
    def get(self, request, public_id: str):
        child = access_child(request.user, public_id)
        assessments = child.competence_assessments.select_related("assessor")
        page = self.paginate_queryset(assessments)
        return self.get_paginated_response(CompetenceAssessmentOutputSerializer(page, many=True).data)

    @extend_schema(
        operation_id="children_competence_assessments_create",
        summary="Record a competence assessment",
        description="You are recorded as the assessor.",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        request=InputSerializer,
        responses={201: CompetenceAssessmentOutputSerializer},
    )
    def post(self, request, public_id: str):
        child = access_child(request.user, public_id, perm=CHANGE, audit=False)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assessment = competence_assess(actor=request.user, child=child, **serializer.validated_data)
        return Response(CompetenceAssessmentOutputSerializer(assessment).data, status=status.HTTP_201_CREATED)
