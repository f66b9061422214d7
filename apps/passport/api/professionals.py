"""The passport for professionals and partner agencies: reading what the young person shares with them,
starting a passport, proposing and withdrawing changes, and the passports shared with them.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import User
from apps.children.models import FamilyMember
from apps.core.api.fields import PublicIdRelatedField
from apps.passport import services
from apps.passport.api.common import CHILD_PUBLIC_ID, PROPOSAL_ID, TAGS, _one
from apps.passport.api.serializers import (
    ChildReferenceSerializer,
    PassportOutputSerializer,
    ProposalOutputSerializer,
    _passport_out,
    _proposal_out,
)
from apps.passport.models import SECTION_TEXT_MAX_LENGTH, Section
from apps.passport.selectors import (
    access_passport,
    passport_open,
    passport_proposals_by,
    passports_shared_with,
)
from apps.sharing.selectors import access_child

# --- Professionals ------------------------------------------------------------------------------------


class ChildPassportApi(APIView):
    """The young person's passport as you may see it; or start one with them."""

    class StartInputSerializer(serializers.Serializer):
        owner = PublicIdRelatedField(
            what="parent or carer account",
            queryset=User.objects.filter(kind=User.Kind.PARENT_CARER),
            required=False,
            allow_null=True,
            help_text="Only for a young child: the parent or carer who holds it. Default: the young person.",
        )
        owner_family_member = PublicIdRelatedField(
            what="family member", queryset=FamilyMember.objects.all(), required=False, allow_null=True
        )

        class Meta:
            ref_name = "PassportStartInput"

    @extend_schema(
        operation_id="children_passport_retrieve",
        summary="Read the young person's passport",
        description=(
            "Every section in order. Sections the young person does not share with you (or your "
            "organisation) come back with `shared: false` and no text: consent to the case record does not "
            "open them. Each read is logged for the young person to see."
        ),
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        responses={200: PassportOutputSerializer},
    )
    def get(self, request, public_id: str):
        passport = access_passport(viewer=request.user, child_public_id=public_id)
        return Response(_passport_out(passport, passport_open(viewer=request.user, passport=passport)))

    @extend_schema(
        operation_id="children_passport_create",
        summary="Start the young person's passport with them",
        description=(
            "For a professional in the young person's team. The passport belongs to the young person (their "
            "Beacon account) or, for a young child who cannot yet decide, to a parent or carer named here."
        ),
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        request=StartInputSerializer,
        responses={201: PassportOutputSerializer},
    )
    def post(self, request, public_id: str):
        child = access_child(request.user, public_id, audit=False)
        serializer = self.StartInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        passport = services.passport_create(actor=request.user, child=child, **serializer.validated_data)
        return Response(
            _passport_out(passport, passport_open(viewer=request.user, passport=passport)),
            status=status.HTTP_201_CREATED,
        )


class ChildPassportProposalsApi(APIView):
    """Changes you proposed to the young person's passport; propose another."""

    class InputSerializer(serializers.Serializer):
        section = serializers.ChoiceField(choices=Section.choices)
        text = serializers.CharField(max_length=SECTION_TEXT_MAX_LENGTH, allow_blank=True)
        reason = serializers.CharField(allow_blank=True, help_text="Why: the young person reads this.")

        class Meta:
            ref_name = "PassportProposalInput"

    @extend_schema(
        operation_id="children_passport_proposals_list",
        summary="List the changes you proposed",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        responses={200: ProposalOutputSerializer(many=True)},
    )
    def get(self, request, public_id: str):
        passport = access_passport(viewer=request.user, child_public_id=public_id)
        return Response(
            [_proposal_out(p) for p in passport_proposals_by(passport=passport, user=request.user)]
        )

    @extend_schema(
        operation_id="children_passport_proposals_create",
        summary="Propose a change to a section",
        description="Nothing changes until the young person accepts it. You may propose to any section.",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        request=InputSerializer,
        responses={201: ProposalOutputSerializer},
    )
    def post(self, request, public_id: str):
        passport = access_passport(viewer=request.user, child_public_id=public_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        proposal = services.passport_change_propose(
            actor=request.user, passport=passport, **serializer.validated_data
        )
        return Response(_proposal_out(proposal), status=status.HTTP_201_CREATED)


class ChildPassportProposalWithdrawApi(APIView):
    @extend_schema(
        operation_id="children_passport_proposals_withdraw",
        summary="Withdraw a change you proposed, before the young person decides",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID, PROPOSAL_ID],
        request=None,
        responses={200: ProposalOutputSerializer},
    )
    def post(self, request, public_id: str, proposal_id: str):
        passport = access_passport(viewer=request.user, child_public_id=public_id)
        proposal = _one(passport_proposals_by(passport=passport, user=request.user), proposal_id)
        return Response(
            _proposal_out(services.passport_proposal_withdraw(actor=request.user, proposal=proposal))
        )


class SharedPassportOutputSerializer(serializers.Serializer):
    child = ChildReferenceSerializer()
    sections = serializers.ListField(child=serializers.ChoiceField(choices=Section.choices))

    class Meta:
        ref_name = "SharedPassport"


class PassportsSharedWithMeApi(APIView):
    @extend_schema(
        operation_id="passports_shared_with_me_list",
        summary="List the passports shared with you or your organisation",
        description="How a new team finds a young person's passport before joining their team in Beacon.",
        tags=TAGS,
        responses={200: SharedPassportOutputSerializer(many=True)},
    )
    def get(self, request):
        return Response(
            [
                {"child": ChildReferenceSerializer(passport.child).data, "sections": sorted(visible)}
                for passport, visible in passports_shared_with(viewer=request.user)
            ]
        )
