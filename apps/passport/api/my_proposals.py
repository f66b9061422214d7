"""The owner's answer to proposed changes: listing them, accepting or rejecting one."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from apps.passport import services
from apps.passport.api.common import OWNER_TAGS, PASSPORT_ID, PROPOSAL_ID, OwnerApi, _one
from apps.passport.api.serializers import ProposalOutputSerializer, VersionOutputSerializer, _proposal_out
from apps.passport.models import PassportProposal
from apps.passport.selectors import passport_proposals


class MyPassportProposalListApi(OwnerApi):
    @extend_schema(
        operation_id="my_passports_proposals_list",
        summary="Changes professionals proposed to your passport",
        tags=OWNER_TAGS,
        parameters=[
            PASSPORT_ID,
            OpenApiParameter("status", OpenApiTypes.STR, enum=PassportProposal.Status.values),
        ],
        responses={200: ProposalOutputSerializer(many=True)},
    )
    def get(self, request, passport_id: str):
        passport = self.passport(request, passport_id)
        wanted = request.query_params.get("status") or None
        if wanted is not None and wanted not in PassportProposal.Status.values:
            raise serializers.ValidationError(
                {"status": [f"Choose one of: {', '.join(PassportProposal.Status.values)}"]}
            )
        return Response([_proposal_out(p) for p in passport_proposals(passport=passport, status=wanted)])


class MyPassportProposalAcceptApi(OwnerApi):
    class InputSerializer(serializers.Serializer):
        confirm_outdated = serializers.BooleanField(
            default=False,
            help_text="Needed if the section changed after the proposal was made (`is_outdated`).",
        )

        class Meta:
            ref_name = "PassportProposalAcceptInput"

    @extend_schema(
        operation_id="my_passports_proposals_accept",
        summary="Accept a proposed change: it becomes the section's new version",
        tags=OWNER_TAGS,
        parameters=[PASSPORT_ID, PROPOSAL_ID],
        request=InputSerializer,
        responses={200: VersionOutputSerializer},
    )
    def post(self, request, passport_id: str, proposal_id: str):
        passport = self.passport(request, passport_id)
        proposal = _one(passport_proposals(passport=passport), proposal_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = services.passport_proposal_accept(
            actor=request.user, proposal=proposal, **serializer.validated_data
        )
        return Response(VersionOutputSerializer(version).data)


class MyPassportProposalRejectApi(OwnerApi):
    class InputSerializer(serializers.Serializer):
        note = serializers.CharField(required=False, allow_blank=True, help_text="Optional: why not.")

        class Meta:
            ref_name = "PassportProposalRejectInput"

    @extend_schema(
        operation_id="my_passports_proposals_reject",
        summary="Reject a proposed change: the section stays as it is",
        tags=OWNER_TAGS,
        parameters=[PASSPORT_ID, PROPOSAL_ID],
        request=InputSerializer,
        responses={200: ProposalOutputSerializer},
    )
    def post(self, request, passport_id: str, proposal_id: str):
        passport = self.passport(request, passport_id)
        proposal = _one(passport_proposals(passport=passport), proposal_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        proposal = services.passport_proposal_reject(
            actor=request.user, proposal=proposal, **serializer.validated_data
        )
        return Response(_proposal_out(proposal))
