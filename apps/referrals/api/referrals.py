"""A child's referrals over the API: listing and making them, and reading one."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.children.selectors import VIEW
from apps.core.api.fields import PublicIdRelatedField
from apps.referrals import selectors, services
from apps.referrals.api.common import (
    CHILD_PUBLIC_ID,
    REFERRAL_ID,
    TAGS,
    _fresh,
    _organisations,
    _referral,
    parsed_fields,
)
from apps.referrals.api.serializers import ReferralOutputSerializer
from apps.referrals.models import ConcernLevel, PreferredSupport, Referral, Route
from apps.sharing.selectors import access_child

_PROBLEM_FIELDS = frozenset(
    {
        "receiving_organisation",
        "route",
        "referrer_name",
        "presenting_needs",
        "professional_concern",
        "family_concern",
        "consent_to_refer",
        "consent_note",
        "preferred_support",
    }
)


def _say(field: str) -> dict:
    """The service's instruction for a missing or unknown answer, in place of "This field is required."."""
    message = services.REFERRAL_MESSAGES[field]
    return {"required": message, "null": message, "invalid_choice": message}


class ChildReferralListCreateApi(GenericAPIView):
    class InputSerializer(serializers.Serializer):
        receiving_organisation = PublicIdRelatedField(
            what="organisation", queryset=_organisations(), error_messages=_say("receiving_organisation")
        )
        route = serializers.ChoiceField(choices=Route.choices, error_messages=_say("route"))
        presenting_needs = serializers.CharField(allow_blank=True, error_messages=_say("presenting_needs"))
        professional_concern = serializers.ChoiceField(
            choices=ConcernLevel.choices, error_messages=_say("professional_concern")
        )
        family_concern = serializers.ChoiceField(
            choices=ConcernLevel.choices, error_messages=_say("family_concern")
        )
        consent_to_refer = serializers.ChoiceField(
            choices=Referral.ConsentToRefer.choices, error_messages=_say("consent_to_refer")
        )
        consent_note = serializers.CharField(required=False, allow_blank=True, default="")
        what_has_been_tried = serializers.CharField(required=False, allow_blank=True, default="")
        young_person_views = serializers.CharField(required=False, allow_blank=True, default="")
        preferred_support = serializers.ChoiceField(
            choices=PreferredSupport.choices, required=False, default=""
        )
        diagnosis = serializers.CharField(required=False, allow_blank=True, default="")
        referrer_name = serializers.CharField(required=False, allow_blank=True, default="")
        referrer_contact = serializers.CharField(required=False, allow_blank=True, default="")
        consultation = serializers.UUIDField(
            required=False,
            allow_null=True,
            default=None,
            help_text="The consultation this referral comes from.",
        )
        received_at = serializers.DateTimeField(
            required=False,
            allow_null=True,
            default=None,
            help_text="When it was received, if earlier than now (a referral by phone or letter): the wait "
            "clock starts then.",
        )

        class Meta:
            ref_name = "ReferralInput"

    @extend_schema(
        operation_id="children_referrals_list",
        summary="The child's referrals, newest first (the referrals category)",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        responses={200: ReferralOutputSerializer(many=True)},
    )
    def get(self, request, public_id: str):
        child = access_child(request.user, public_id, perm=selectors.VIEW_REFERRALS)
        page = self.paginate_queryset(selectors.child_referrals(child=child))
        return self.get_paginated_response(ReferralOutputSerializer(page, many=True).data)

    @extend_schema(
        operation_id="children_referrals_create",
        summary="Make a referral through the single point of access (R34-R36)",
        description="Anyone who can see the child may refer; a diagnosis is never required.",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        request=InputSerializer,
        responses={201: ReferralOutputSerializer},
    )
    def post(self, request, public_id: str):
        child = access_child(request.user, public_id, perm=VIEW)
        serializer = self.InputSerializer(data=request.data)
        if not serializer.is_valid():
            # Every problem at once: the shape's own, and what the service would say about the rest.
            problems = services.referral_problems(
                **{k: v for k, v in parsed_fields(serializer).items() if k in _PROBLEM_FIELDS}
            )
            errors = {**problems, **serializer.errors}
            raise ValidationError(errors)
        data = dict(serializer.validated_data)
        consultation_id = data.pop("consultation")
        consultation = (
            selectors.access_consultation(request.user, consultation_id) if consultation_id else None
        )
        referral = services.referral_create(
            actor=request.user, child=child, consultation=consultation, **data
        )
        return Response(ReferralOutputSerializer(_fresh(referral)).data, status=status.HTTP_201_CREATED)


class ReferralDetailApi(APIView):
    @extend_schema(
        operation_id="children_referrals_retrieve",
        summary="One referral, with its decision, alternatives and wait clocks",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID, REFERRAL_ID],
        responses={200: ReferralOutputSerializer},
    )
    def get(self, request, public_id: str, referral_id: str):
        _, referral = _referral(request, public_id, referral_id)
        return Response(ReferralOutputSerializer(referral).data)
