"""The team and its members over the API: reading the team, adding and ending a member, naming the
trusted worker, giving direct contact.
"""

from django.conf import settings
from drf_spectacular.utils import extend_schema
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import Organisation, ProfessionalRole, User
from apps.children.categories import Category
from apps.children.selectors import CHANGE
from apps.core.api.fields import PublicIdRelatedField
from apps.sharing.selectors import access_child
from apps.sharing.services import VIEW_CHILD_TEAM
from apps.teams.api.common import CHILD_PUBLIC_ID, MEMBERSHIP_ID, TAGS, _get_through_child, _team_members
from apps.teams.api.serializers import (
    TeamMemberOutputSerializer,
    TeamOutputSerializer,
    _described_category_input,
    _member_out,
    free_text_context,
)
from apps.teams.models import TeamMembership
from apps.teams.selectors import (
    child_continuity,
    current_lead_appointment,
    lead_professional_history,
    lead_professional_offer_first,
    team_roster,
)
from apps.teams.services import (
    team_member_add,
    team_member_direct_contact_give,
    team_member_end,
    trusted_worker_name,
)

# --- The team --------------------------------------------------------------------------------------


class TeamApi(APIView):
    """Who is in the team around the child, who coordinates, and how often that has changed (R19, R23)."""

    @extend_schema(
        operation_id="children_team_retrieve",
        summary="Read the team around the child",
        description="Everyone who can see the child's record can see the team. Past members stay listed.",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        responses={200: TeamOutputSerializer},
    )
    def get(self, request, public_id: str):
        child = access_child(request.user, public_id, perm=VIEW_CHILD_TEAM)
        continuity = child_continuity(child=child)
        team = {
            "members": team_roster(child=child),
            "lead_professional": current_lead_appointment(child=child),
            "lead_professional_history": lead_professional_history(child=child),
            "offered_first_as_lead": [
                member.public_id for member in lead_professional_offer_first(child=child)
            ],
            "continuity": {
                "lead_professionals": continuity.lead_professionals,
                "social_workers": continuity.social_workers,
                "alert_threshold": settings.BEACON_CONTINUITY_ALERT_THRESHOLD,
            },
        }
        return Response(TeamOutputSerializer(team, context=free_text_context(child.access)).data)


@extend_validation_errors(["invalid"], field_name="non_field_errors")
class TeamMemberCreateApi(APIView):
    """Add a professional (by their user id), a caregiver or a trusted adult (by name) to the team."""

    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=TeamMembership.Kind.choices)
        user = PublicIdRelatedField(
            what="professional",
            queryset=User.objects.filter(kind=User.Kind.PROFESSIONAL),
            required=False,
            allow_null=True,
            help_text="For a professional: their user id. They will see the child's record and the team.",
        )
        person_name = serializers.CharField(
            required=False,
            allow_blank=True,
            help_text="For a caregiver or trusted adult who does not sign in.",
        )
        organisation = PublicIdRelatedField(
            what="organisation",
            queryset=Organisation.objects.filter(is_active=True),
            required=False,
            allow_null=True,
            help_text="Defaults to where the professional works.",
        )
        professional_role = serializers.SlugRelatedField(
            slug_field="code",
            queryset=ProfessionalRole.objects.filter(is_active=True),
            required=False,
            allow_null=True,
            help_text="A role code such as `camhs-clinician`. Defaults to the professional's own role.",
            error_messages={"does_not_exist": "There is no professional role with the code {value}."},
        )
        caregiver_role = serializers.ChoiceField(
            choices=TeamMembership.CaregiverRole.choices, required=False, allow_blank=True
        )
        role_description = serializers.CharField(
            required=False, allow_blank=True, help_text="In words, such as 'youth worker at the boxing club'."
        )
        offering = serializers.CharField(required=False, allow_blank=True)
        offering_category = _described_category_input(Category.TEAM, "offering")
        contact_details = serializers.CharField(required=False, allow_blank=True)
        started_on = serializers.DateField(required=False, allow_null=True, help_text="Defaults to today.")

        class Meta:
            ref_name = "TeamMemberInput"

    @extend_schema(
        operation_id="children_team_members_create",
        summary="Add someone to the team around the child",
        description=(
            "A professional joins with their organisation and role and from then on sees the child's core "
            "record and the team. In team-around-the-worker mode a new member has no direct contact with "
            "the young person until it is given with a reason."
        ),
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        request=InputSerializer,
        responses={201: TeamMemberOutputSerializer},
    )
    def post(self, request, public_id: str):
        child = access_child(request.user, public_id, perm=CHANGE, audit=False)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = team_member_add(actor=request.user, child=child, **serializer.validated_data)
        return Response(_member_out(membership, child.access), status=status.HTTP_201_CREATED)


@extend_validation_errors(["invalid"], field_name="membership")
@extend_validation_errors(["invalid"], field_name="non_field_errors")
class TeamMemberEndApi(APIView):
    """Someone leaves the team; their access to the child's record ends with the very next request."""

    class InputSerializer(serializers.Serializer):
        ended_on = serializers.DateField(
            required=False,
            allow_null=True,
            help_text="Today or earlier, not before they joined. Defaults to today.",
        )

        class Meta:
            ref_name = "TeamMemberEndInput"

    @extend_schema(
        operation_id="children_team_members_end",
        summary="End a membership of the team",
        description=(
            "The lead professional and the trusted worker cannot simply leave: hand over to a named "
            "successor first (a 400 naming `membership`)."
        ),
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID, MEMBERSHIP_ID],
        request=InputSerializer,
        responses={200: TeamMemberOutputSerializer},
    )
    def post(self, request, public_id: str, membership_id: str):
        child = access_child(request.user, public_id, perm=CHANGE, audit=False)
        membership = _get_through_child(_team_members(child), membership_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = team_member_end(
            actor=request.user, membership=membership, ended_on=serializer.validated_data.get("ended_on")
        )
        return Response(_member_out(membership, child.access))


@extend_validation_errors(["invalid"], field_name="membership")
class TrustedWorkerNameApi(APIView):
    """The young person names "the worker", the one who "gets me best" (team around the worker, R20)."""

    @extend_schema(
        operation_id="children_team_members_trusted_worker",
        summary="Name the young person's trusted worker",
        description=(
            "Every other current member becomes a supporting member without direct contact. To change an "
            "existing trusted worker, use the trusted-worker handover."
        ),
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID, MEMBERSHIP_ID],
        request=None,
        responses={200: TeamMemberOutputSerializer},
    )
    def post(self, request, public_id: str, membership_id: str):
        child = access_child(request.user, public_id, perm=CHANGE, audit=False)
        membership = _get_through_child(_team_members(child), membership_id)
        membership = trusted_worker_name(actor=request.user, membership=membership)
        return Response(_member_out(membership, child.access))


class DirectContactGiveApi(APIView):
    """Let a member work directly with the young person; in team-around-the-worker mode, with a reason."""

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(
            required=False,
            allow_blank=True,
            default="",
            help_text="Required when the young person has a trusted worker: why another worker is needed.",
        )
        reason_category = _described_category_input(Category.TEAM, "reason")
        confirmed = serializers.BooleanField(
            required=False,
            default=False,
            help_text="Must be true when the young person has a trusted worker: another new face for them.",
        )

        class Meta:
            ref_name = "DirectContactInput"

    @extend_schema(
        operation_id="children_team_members_direct_contact",
        summary="Give a member direct contact with the young person",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID, MEMBERSHIP_ID],
        request=InputSerializer,
        responses={200: TeamMemberOutputSerializer},
    )
    def post(self, request, public_id: str, membership_id: str):
        child = access_child(request.user, public_id, perm=CHANGE, audit=False)
        membership = _get_through_child(_team_members(child), membership_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = team_member_direct_contact_give(
            actor=request.user, membership=membership, **serializer.validated_data
        )
        return Response(_member_out(membership, child.access))
