"""Deciding a referral over the API: triage, accepting, declining, the senior review of a decline, and
its wait clocks.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.fields import PublicIdRelatedField
from apps.referrals import services
from apps.referrals.api.common import (
    CHILD_PUBLIC_ID,
    REFERRAL_ID,
    TAGS,
    _decider_only,
    _fresh,
    _organisations,
    _referral,
)
from apps.referrals.api.serializers import ReferralOutputSerializer
from apps.referrals.models import DeclineAlternative, Referral


class ReferralTriageApi(APIView):
    class InputSerializer(serializers.Serializer):
        urgency = serializers.ChoiceField(choices=Referral.Urgency.choices)
        triage_note = serializers.CharField(required=False, allow_blank=True, default="")

        class Meta:
            ref_name = "ReferralTriageInput"

    @extend_schema(
        operation_id="children_referrals_triage",
        summary="Triage: urgency and the target that goes with it (R38)",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID, REFERRAL_ID],
        request=InputSerializer,
        responses={200: ReferralOutputSerializer},
    )
    def post(self, request, public_id: str, referral_id: str):
        _, referral = _referral(request, public_id, referral_id)
        _decider_only(request, referral)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.referral_triage(actor=request.user, referral=referral, **serializer.validated_data)
        return Response(ReferralOutputSerializer(_fresh(referral)).data)


class ReferralAcceptApi(APIView):
    class InputSerializer(serializers.Serializer):
        unstable_situation = serializers.BooleanField(required=False, default=False)

        class Meta:
            ref_name = "ReferralAcceptInput"

    @extend_schema(
        operation_id="children_referrals_accept",
        summary="Accept: the child goes on the waiting list (R63, R64)",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID, REFERRAL_ID],
        request=InputSerializer,
        responses={200: ReferralOutputSerializer},
    )
    def post(self, request, public_id: str, referral_id: str):
        _, referral = _referral(request, public_id, referral_id)
        _decider_only(request, referral)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.referral_accept(actor=request.user, referral=referral, **serializer.validated_data)
        return Response(ReferralOutputSerializer(_fresh(referral)).data)


class ReferralDeclineApi(APIView):
    class AlternativeSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=DeclineAlternative.Kind.choices)
        organisation = PublicIdRelatedField(
            what="organisation", queryset=_organisations(), required=False, allow_null=True, default=None
        )
        service_name = serializers.CharField(required=False, allow_blank=True, default="")
        detail = serializers.CharField(allow_blank=True, help_text="In plain English: the family reads it.")

        class Meta:
            ref_name = "DeclineAlternativeInput"

    class InputSerializer(serializers.Serializer):
        reason = serializers.ChoiceField(choices=Referral.DeclineReason.choices)
        explanation = serializers.CharField(allow_blank=True)
        alternatives = serializers.ListField(child=serializers.DictField(), allow_empty=True)

        class Meta:
            ref_name = "ReferralDeclineInput"

    @extend_schema(
        operation_id="children_referrals_decline",
        summary="Do not accept: a reason code and at least one alternative (R39, R40)",
        description="Instability reasons wait for a senior reviewer's agreement before anyone is told.",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID, REFERRAL_ID],
        request=InputSerializer,
        responses={200: ReferralOutputSerializer},
    )
    def post(self, request, public_id: str, referral_id: str):
        _, referral = _referral(request, public_id, referral_id)
        _decider_only(request, referral)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        alternatives = self.AlternativeSerializer(data=serializer.validated_data["alternatives"], many=True)
        if not alternatives.is_valid():
            raise serializers.ValidationError({"alternatives": alternatives.errors})
        services.referral_decline(
            actor=request.user,
            referral=referral,
            reason=serializer.validated_data["reason"],
            explanation=serializer.validated_data["explanation"],
            alternatives=alternatives.validated_data,
        )
        return Response(ReferralOutputSerializer(_fresh(referral)).data)


class ReferralSeniorReviewApi(APIView):
    class InputSerializer(serializers.Serializer):
        outcome = serializers.ChoiceField(choices=Referral.SeniorReviewOutcome.choices)
        note = serializers.CharField(allow_blank=True)

        class Meta:
            ref_name = "ReferralSeniorReviewInput"

    @extend_schema(
        operation_id="children_referrals_senior_review",
        summary="A team manager or clinical lead agrees with, or overturns, an instability decline",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID, REFERRAL_ID],
        request=InputSerializer,
        responses={200: ReferralOutputSerializer},
    )
    def post(self, request, public_id: str, referral_id: str):
        _, referral = _referral(request, public_id, referral_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.referral_senior_review(actor=request.user, referral=referral, **serializer.validated_data)
        return Response(ReferralOutputSerializer(_fresh(referral)).data)


class ReferralClockApi(APIView):
    class InputSerializer(serializers.Serializer):
        clock = serializers.ChoiceField(
            choices=[("first_appointment", "First appointment"), ("treatment_started", "Treatment started")]
        )
        at = serializers.DateTimeField()

        class Meta:
            ref_name = "ReferralClockInput"

    @extend_schema(
        operation_id="children_referrals_clock",
        summary="Record the first appointment or the start of treatment (R66)",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID, REFERRAL_ID],
        request=InputSerializer,
        responses={200: ReferralOutputSerializer},
    )
    def post(self, request, public_id: str, referral_id: str):
        _, referral = _referral(request, public_id, referral_id)
        _decider_only(request, referral)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.referral_clock_record(actor=request.user, referral=referral, **serializer.validated_data)
        return Response(ReferralOutputSerializer(_fresh(referral)).data)
