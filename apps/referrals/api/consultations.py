"""Consultations over the API: asking for one, reading it, and the service's advice."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.children.selectors import VIEW
from apps.core.api.fields import PublicIdRelatedField
from apps.referrals import selectors, services
from apps.referrals.api.common import CONSULTATION_ID, TAGS, _organisations
from apps.referrals.api.serializers import ConsultationOutputSerializer
from apps.referrals.models import Consultation, PreferredSupport, Route
from apps.sharing.selectors import access_child

# --- Consultations ----------------------------------------------------------------------------------


class ConsultationListCreateApi(GenericAPIView):
    class InputSerializer(serializers.Serializer):
        receiving_organisation = PublicIdRelatedField(what="organisation", queryset=_organisations())
        route = serializers.ChoiceField(choices=Route.choices)
        channel = serializers.ChoiceField(
            choices=Consultation.Channel.choices, default=Consultation.Channel.API
        )
        concern = serializers.CharField(allow_blank=True)
        child = serializers.UUIDField(
            required=False, allow_null=True, default=None, help_text="A child you can see."
        )
        child_description = serializers.CharField(required=False, allow_blank=True, default="")
        requester_name = serializers.CharField(required=False, allow_blank=True, default="")
        requester_contact = serializers.CharField(required=False, allow_blank=True, default="")
        what_has_been_tried = serializers.CharField(required=False, allow_blank=True, default="")
        preferred_support = serializers.ChoiceField(
            choices=PreferredSupport.choices, required=False, default=""
        )

        class Meta:
            ref_name = "ConsultationInput"

    @extend_schema(
        operation_id="consultations_list",
        summary="Consultations you asked for or your service received",
        tags=TAGS,
        responses={200: ConsultationOutputSerializer(many=True)},
    )
    def get(self, request):
        consultations = self.paginate_queryset(
            selectors.consultation_list(user=request.user).order_by("-requested_at")
        )
        selectors.consultation_list_audit(user=request.user, consultations=consultations)
        return self.get_paginated_response(ConsultationOutputSerializer(consultations, many=True).data)

    @extend_schema(
        operation_id="consultations_create",
        summary="Ask for a consultation without making a referral (R32)",
        tags=TAGS,
        request=InputSerializer,
        responses={201: ConsultationOutputSerializer},
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        child_id = data.pop("child")
        child = access_child(request.user, child_id, perm=VIEW) if child_id else None
        consultation = services.consultation_request(actor=request.user, child=child, **data)
        return Response(ConsultationOutputSerializer(consultation).data, status=status.HTTP_201_CREATED)


class ConsultationDetailApi(APIView):
    @extend_schema(
        operation_id="consultations_retrieve",
        summary="One consultation",
        tags=TAGS,
        parameters=[CONSULTATION_ID],
        responses={200: ConsultationOutputSerializer},
    )
    def get(self, request, consultation_id: str):
        consultation = selectors.access_consultation(request.user, consultation_id)
        return Response(ConsultationOutputSerializer(consultation).data)


class ConsultationAdviceApi(APIView):
    class InputSerializer(serializers.Serializer):
        advice = serializers.CharField(allow_blank=True)
        outcome = serializers.ChoiceField(choices=Consultation.Outcome.choices)

        class Meta:
            ref_name = "ConsultationAdviceInput"

    @extend_schema(
        operation_id="consultations_advise",
        summary="Record the advice and outcome (receiving service staff)",
        tags=TAGS,
        parameters=[CONSULTATION_ID],
        request=InputSerializer,
        responses={200: ConsultationOutputSerializer},
    )
    def post(self, request, consultation_id: str):
        consultation = selectors.access_consultation(request.user, consultation_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.consultation_advise(
            actor=request.user, consultation=consultation, **serializer.validated_data
        )
        return Response(ConsultationOutputSerializer(consultation).data)
