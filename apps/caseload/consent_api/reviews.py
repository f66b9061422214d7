"""Consent and competence reviews (R82)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.caseload.consent_api.common import CHILD_PUBLIC_ID, TAGS, _get_through_child
from apps.children.selectors import CHANGE
from apps.consent.models import ConsentReview
from apps.consent.services import (
    consent_review_complete,
)
from apps.sharing.selectors import access_child

REVIEW_ID = OpenApiParameter("review_id", OpenApiTypes.UUID, OpenApiParameter.PATH)


class ConsentReviewOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    reason = serializers.ChoiceField(choices=ConsentReview.Reason.choices)
    due_on = serializers.DateField()
    completed_on = serializers.DateField(allow_null=True)
    outcome_note = serializers.CharField()

    class Meta:
        ref_name = "ConsentReview"


class ConsentReviewListApi(GenericAPIView):
    """Consent and competence reviews (R82), due ones first; until one is done, the safer setting holds."""

    # The whole list in one answer (a child has a handful); the schema must not promise pages.
    pagination_class = None

    @extend_schema(
        operation_id="children_consent_reviews_list",
        summary="List consent reviews",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        responses={200: ConsentReviewOutputSerializer(many=True)},
    )
    def get(self, request, public_id: str):
        child = access_child(request.user, public_id)
        reviews = child.consent_reviews.order_by("completed_on", "due_on", "pk")
        return Response(ConsentReviewOutputSerializer(reviews, many=True).data)


class ConsentReviewCompleteApi(APIView):
    """Record that consent and competence were reviewed with the young person."""

    class InputSerializer(serializers.Serializer):
        outcome_note = serializers.CharField(required=False, allow_blank=True, default="")

        class Meta:
            ref_name = "ConsentReviewCompleteInput"

    @extend_schema(
        operation_id="children_consent_reviews_complete",
        summary="Complete a consent review",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID, REVIEW_ID],
        request=InputSerializer,
        responses={200: ConsentReviewOutputSerializer},
    )
    def post(self, request, public_id: str, review_id: str):
        child = access_child(request.user, public_id, perm=CHANGE, audit=False)
        review = _get_through_child(child.consent_reviews.all(), review_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review = consent_review_complete(actor=request.user, review=review, **serializer.validated_data)
        return Response(ConsentReviewOutputSerializer(review).data)
