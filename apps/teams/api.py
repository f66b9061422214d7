"""The team around the child over the REST API: members, the lead professional, handovers, meetings, actions.

Each view reads top to bottom: ``access_child`` (404 for a child not shared with the caller, 403 for a
write by someone who may only look), then anything else named in the path or body is looked up *through
that child*, so an id from another child's team is simply "not found". The serializers parse and shape;
every rule (one lead professional, handover needs a successor, an action needs an owner) is the services'.
"""

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from drf_standardized_errors.openapi_validation_errors import extend_validation_errors
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.accounts.models import Organisation, ProfessionalRole, User
from apps.children.categories import Category
from apps.children.models import Child
from apps.children.selectors import CHANGE
from apps.children.serializers import OrganisationReferenceSerializer
from apps.core.api.fields import ChildScopedPublicIdField, PersonReferenceSerializer, PublicIdRelatedField
from apps.core.exceptions import ApplicationError
from apps.sharing.access import ChildAccess
from apps.sharing.selectors import access_child, child_owned
from apps.sharing.services import VIEW_CHILD_TEAM
from apps.teams.free_text import ShownText, described_category_choices, free_text_shown
from apps.teams.models import (
    Action,
    Handover,
    LeadProfessionalAppointment,
    Meeting,
    MeetingParticipant,
    TeamMembership,
)
from apps.teams.selectors import (
    child_continuity,
    current_lead_appointment,
    lead_professional_history,
    lead_professional_offer_first,
    team_roster,
)
from apps.teams.services import (
    action_add,
    action_complete,
    lead_professional_appoint,
    lead_professional_hand_over,
    meeting_record,
    team_member_add,
    team_member_direct_contact_give,
    team_member_end,
    trusted_worker_hand_over,
    trusted_worker_name,
)

TAGS = ["Teams"]
# Meetings and actions are the "plans" category: shared by consent, not by team membership alone.
VIEW_CHILD_PLANS = "view_child_plans"
CHILD_PUBLIC_ID = OpenApiParameter(
    "public_id",
    OpenApiTypes.UUID,
    OpenApiParameter.PATH,
    description="The child's public id. A child not shared with you is a 404, as if it did not exist.",
)
MEMBERSHIP_ID = OpenApiParameter(
    "membership_id",
    OpenApiTypes.UUID,
    OpenApiParameter.PATH,
    description="The public id of a membership of this child's team (from the team roster).",
)
MEETING_ID = OpenApiParameter("meeting_id", OpenApiTypes.UUID, OpenApiParameter.PATH)
ACTION_ID = OpenApiParameter("action_id", OpenApiTypes.UUID, OpenApiParameter.PATH)


# The one child-scoped lookup (apps.sharing.selectors.child_owned), under the name this module's views use.
_get_through_child = child_owned


def _team_members(child: Child) -> QuerySet[TeamMembership]:
    return child.team_memberships.select_related("user", "organisation", "professional_role", "child")


def _team_users(child: Child) -> QuerySet[User]:
    """Everyone with a sign-in who is or was in this child's team: the only people who can own its actions."""
    return User.objects.filter(team_memberships__child=child).distinct()


@extend_schema_field(OpenApiTypes.UUID)
def _membership_field(**kwargs) -> ChildScopedPublicIdField:
    return ChildScopedPublicIdField(
        what="team member", scope=lambda child: child.team_memberships.all(), **kwargs
    )


# --- Free text, as the caller may see it ----------------------------------------------------------

WITHHELD_TEXT = (
    " Held in the category of what it describes: empty, with `{field}_withheld` true, unless you may see "
    "that category. Where saying so would tell a parent or carer that something sensitive is recorded, it "
    "is empty and not marked withheld."
)


def free_text_context(access: ChildAccess) -> dict:
    """The serializer context the output shapes below need: the caller's access decision for the child."""
    return {"access": access, "withheld_reasons": {}}


def _shown(field: serializers.Field, record, text_field: str) -> ShownText:
    # Without the caller's access decision in the context, nothing is shown: the safe way to fail.
    return free_text_shown(
        access=field.context.get("access"),
        record=record,
        field=text_field,
        reasons=field.context.setdefault("withheld_reasons", {}),
    )


class FreeTextField(serializers.CharField):
    """A record's free text, shown only to a caller who sees the category it describes."""

    def __init__(self, *, help_text: str, **kwargs) -> None:
        self.help_text_base = help_text
        super().__init__(source="*", read_only=True, help_text=help_text, **kwargs)

    def bind(self, field_name: str, parent) -> None:
        super().bind(field_name, parent)
        self.help_text = self.help_text_base + WITHHELD_TEXT.format(field=field_name)

    def to_representation(self, record) -> str:
        return _shown(self, record, self.field_name).text


class FreeTextWithheldField(serializers.BooleanField):
    """True when the record's ``text_field`` is withheld from the caller."""

    def __init__(self, text_field: str, **kwargs) -> None:
        self.text_field = text_field
        super().__init__(
            source="*",
            read_only=True,
            help_text=f"True: `{text_field}` is recorded, but describes a category you may not see.",
            **kwargs,
        )

    def to_representation(self, record) -> bool:
        return _shown(self, record, self.text_field).withheld


def _described_category_input(home: Category, text_field: str) -> serializers.ChoiceField:
    choices = described_category_choices(home)
    return serializers.ChoiceField(
        choices=choices,
        required=False,
        allow_blank=True,
        default=home.value,
        help_text=f"What `{text_field}` describes: `{home.value}` (the default) when it mentions nothing "
        "sensitive, or the sensitive category it mentions; then only people who may see that category read "
        "it, and parents and carers never do.",
        error_messages={
            "invalid_choice": "Choose what this text describes: "
            + ", ".join(f"`{value}`" for value, _ in choices)
            + ". “{input}” is not one of them."
        },
    )


# --- Output shapes ---------------------------------------------------------------------------------


class TeamMemberOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField(help_text="The membership's id: use it to end, appoint or hand over.")
    kind = serializers.ChoiceField(choices=TeamMembership.Kind.choices)
    user = serializers.UUIDField(
        source="user.public_id",
        allow_null=True,
        help_text="The professional's user id (who can own actions); empty for someone who does not sign in.",
    )
    name = serializers.CharField()
    role = serializers.CharField(source="role_label", help_text="Their role, in words.")
    organisation = OrganisationReferenceSerializer(allow_null=True)
    offering = FreeTextField(help_text="What they are offering the child and family.")
    offering_withheld = FreeTextWithheldField("offering")
    offer_for_young_person = FreeTextField(
        help_text="What they offer, in plain words the young person reads on their own pages."
    )
    offer_for_young_person_withheld = FreeTextWithheldField("offer_for_young_person")
    contact_details = serializers.CharField(help_text="How to contact them.")
    started_on = serializers.DateField()
    ended_on = serializers.DateField(allow_null=True, help_text="Empty while they are in the team.")
    is_trusted_worker = serializers.BooleanField(help_text="The worker the young person trusts most (R20).")
    has_direct_contact = serializers.BooleanField()
    direct_contact_reason = FreeTextField(
        help_text="Why they have direct contact as well as the trusted worker."
    )
    direct_contact_reason_withheld = FreeTextWithheldField("direct_contact_reason")
    is_lead_professional = serializers.SerializerMethodField()

    class Meta:
        ref_name = "TeamMember"

    def get_is_lead_professional(self, membership: TeamMembership) -> bool:
        # The roster prefetches lead_appointments, so this reads memory rather than querying per member.
        return any(appointment.ended_on is None for appointment in membership.lead_appointments.all())


class LeadProfessionalOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField(help_text="The appointment's id.")
    membership = serializers.UUIDField(source="membership.public_id")
    name = serializers.CharField(source="membership.name")
    organisation = OrganisationReferenceSerializer(source="membership.organisation", allow_null=True)
    route = serializers.ChoiceField(choices=LeadProfessionalAppointment.Route.choices)
    route_name = serializers.CharField(source="get_route_display")
    started_on = serializers.DateField()
    ended_on = serializers.DateField(allow_null=True)

    class Meta:
        ref_name = "LeadProfessionalAppointment"


class ContinuityOutputSerializer(serializers.Serializer):
    lead_professionals = serializers.IntegerField(
        help_text="Different lead professionals in the last 12 months."
    )
    social_workers = serializers.IntegerField(help_text="Different social workers in the last 12 months.")
    alert_threshold = serializers.IntegerField(help_text="At this many, the team manager is alerted (R23).")

    class Meta:
        ref_name = "Continuity"


class TeamOutputSerializer(serializers.Serializer):
    members = TeamMemberOutputSerializer(many=True, help_text="Current members first, then past members.")
    lead_professional = LeadProfessionalOutputSerializer(allow_null=True)
    lead_professional_history = LeadProfessionalOutputSerializer(many=True)
    offered_first_as_lead = serializers.ListField(
        child=serializers.UUIDField(),
        help_text=(
            "Memberships of professionals who already coordinate this child's care (a social worker or youth "
            "justice worker): offer them first, so that no second coordinator is appointed beside them (R17)."
        ),
    )
    continuity = ContinuityOutputSerializer()

    class Meta:
        ref_name = "Team"


class ActionOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    description = FreeTextField(help_text="What needs to be done.")
    description_withheld = FreeTextWithheldField("description")
    owner = PersonReferenceSerializer()
    due_on = serializers.DateField()
    completed_on = serializers.DateField(allow_null=True)
    is_overdue = serializers.BooleanField(help_text="Not done, and due before today (Europe/London).")
    meeting = serializers.UUIDField(source="meeting.public_id", allow_null=True)
    handover = serializers.UUIDField(source="handover.public_id", allow_null=True)

    class Meta:
        ref_name = "Action"


class HandoverOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    role = serializers.ChoiceField(choices=Handover.Role.choices)
    from_membership = serializers.UUIDField(source="from_membership.public_id")
    from_name = serializers.CharField(source="from_membership.name")
    to_membership = serializers.UUIDField(source="to_membership.public_id")
    to_name = serializers.CharField(source="to_membership.name")
    note = serializers.CharField()
    overlap_until = serializers.DateField(allow_null=True)
    handed_over_on = serializers.DateField()
    actions = ActionOutputSerializer(
        many=True, help_text="The successor's task to tell the young person and family in person."
    )

    class Meta:
        ref_name = "Handover"


class MeetingParticipantOutputSerializer(serializers.Serializer):
    membership = serializers.UUIDField(source="membership.public_id", allow_null=True)
    name = serializers.CharField(source="__str__")
    invited = serializers.BooleanField()
    attended = serializers.BooleanField()

    class Meta:
        ref_name = "MeetingParticipant"


class MeetingOutputSerializer(serializers.Serializer):
    public_id = serializers.UUIDField()
    kind = serializers.ChoiceField(choices=Meeting.Kind.choices)
    kind_name = serializers.CharField(source="get_kind_display")
    held_at = serializers.DateTimeField()
    location = serializers.CharField()
    young_person_views = serializers.CharField(help_text="In the young person's own words.")
    young_person_views_not_given_reason = serializers.CharField()
    decisions = FreeTextField(help_text="What the meeting decided.")
    decisions_withheld = FreeTextWithheldField("decisions")
    recorded_by = PersonReferenceSerializer(allow_null=True)
    participants = MeetingParticipantOutputSerializer(many=True)
    actions = ActionOutputSerializer(many=True)

    class Meta:
        ref_name = "Meeting"


def _member_out(membership: TeamMembership, access: ChildAccess) -> dict:
    return TeamMemberOutputSerializer(membership, context=free_text_context(access)).data


def _meetings(child: Child) -> QuerySet[Meeting]:
    """The child's meetings with who was there and what was agreed, each list fetched once."""
    return child.meetings.select_related("recorded_by").prefetch_related(
        Prefetch("participants", queryset=MeetingParticipant.objects.select_related("membership__user")),
        Prefetch("actions", queryset=Action.objects.select_related("owner", "meeting", "handover")),
    )


def _actions(child: Child) -> QuerySet[Action]:
    return child.actions.select_related("owner", "meeting", "handover")


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


# --- The lead professional and handovers -----------------------------------------------------------


class HandoverInputSerializer(serializers.Serializer):
    # Optional here so that the service, which checks all three together, gives its own clear messages.
    successor = _membership_field(
        required=False,
        allow_null=True,
        default=None,
        help_text="The membership id of the professional taking over. Required.",
    )
    note = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="What the successor needs to know. Required."
    )
    overlap_until = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="An optional overlap, ending today or later."
    )

    class Meta:
        ref_name = "HandoverInput"


def _handover_response(handover: Handover, access: ChildAccess) -> Response:
    handover = (
        Handover.objects.select_related("from_membership__user", "to_membership__user")
        .prefetch_related(
            Prefetch("actions", queryset=Action.objects.select_related("owner", "meeting", "handover"))
        )
        .get(pk=handover.pk)
    )
    data = HandoverOutputSerializer(handover, context=free_text_context(access)).data
    return Response(data, status=status.HTTP_201_CREATED)


class LeadProfessionalAppointApi(APIView):
    """Appoint the child's one lead professional, from any agency, with how they were appointed (R16, R17)."""

    class InputSerializer(serializers.Serializer):
        membership = _membership_field(help_text="The membership id of a professional in this child's team.")
        route = serializers.ChoiceField(choices=LeadProfessionalAppointment.Route.choices)
        started_on = serializers.DateField(required=False, allow_null=True, help_text="Defaults to today.")

        class Meta:
            ref_name = "LeadProfessionalAppointInput"

    @extend_schema(
        operation_id="children_lead_professional_appoint",
        summary="Appoint the lead professional",
        description=(
            "A child has exactly one lead professional. If they already have one, this is a 400 naming "
            "`membership`: keep them, or hand over. Offer the members in the team's `offered_first_as_lead` "
            "first."
        ),
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        request=InputSerializer,
        responses={201: LeadProfessionalOutputSerializer},
    )
    def post(self, request, public_id: str):
        child = access_child(request.user, public_id, perm=CHANGE, audit=False)
        serializer = self.InputSerializer(data=request.data, context={"child": child})
        serializer.is_valid(raise_exception=True)
        appointment = lead_professional_appoint(actor=request.user, **serializer.validated_data)
        return Response(LeadProfessionalOutputSerializer(appointment).data, status=status.HTTP_201_CREATED)


@extend_validation_errors(["invalid"], field_name="non_field_errors")
class LeadProfessionalHandOverApi(APIView):
    """The lead professional hands over to a named successor with a note and an optional overlap (R24)."""

    @extend_schema(
        operation_id="children_lead_professional_hand_over",
        summary="Hand the lead professional role over",
        description=(
            "Needs a successor in the team, a handover note and optionally an overlap. The successor is "
            "given a task to tell the young person and family in person."
        ),
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        request=HandoverInputSerializer,
        responses={201: HandoverOutputSerializer},
    )
    def post(self, request, public_id: str):
        child = access_child(request.user, public_id, perm=CHANGE, audit=False)
        serializer = HandoverInputSerializer(data=request.data, context={"child": child})
        serializer.is_valid(raise_exception=True)
        appointment = current_lead_appointment(child=child)
        if appointment is None:
            raise ApplicationError(
                "This child has no lead professional to hand over from: appoint one instead."
            )
        handover = lead_professional_hand_over(
            actor=request.user, appointment=appointment, **serializer.validated_data
        )
        return _handover_response(handover, child.access)


@extend_validation_errors(["invalid"], field_name="non_field_errors")
class TrustedWorkerHandOverApi(APIView):
    """The young person's trusted worker hands over to a named successor (R24)."""

    @extend_schema(
        operation_id="children_trusted_worker_hand_over",
        summary="Hand the trusted worker role over",
        description="The successor becomes the trusted worker, with direct contact, and a task to meet them.",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        request=HandoverInputSerializer,
        responses={201: HandoverOutputSerializer},
    )
    def post(self, request, public_id: str):
        child = access_child(request.user, public_id, perm=CHANGE, audit=False)
        serializer = HandoverInputSerializer(data=request.data, context={"child": child})
        serializer.is_valid(raise_exception=True)
        outgoing = (
            child.team_memberships.current().filter(is_trusted_worker=True).select_related("user").first()
        )
        if outgoing is None:
            raise ApplicationError("This child has no trusted worker to hand over from.")
        handover = trusted_worker_hand_over(
            actor=request.user, outgoing=outgoing, **serializer.validated_data
        )
        return _handover_response(handover, child.access)


# --- Meetings and actions --------------------------------------------------------------------------


def _owner_field(**kwargs) -> ChildScopedPublicIdField:
    return ChildScopedPublicIdField(what="team member", scope=_team_users, **kwargs)


class ActionFieldsInputSerializer(serializers.Serializer):
    # Optional here so that the service names what is missing in its own words, per action.
    description = serializers.CharField(required=False, allow_blank=True, default="")
    description_category = _described_category_input(Category.PLANS, "description")
    owner = _owner_field(
        required=False,
        allow_null=True,
        default=None,
        help_text="The user id of the team member who will do it (the `user` of a roster entry). Required.",
    )
    due_on = serializers.DateField(required=False, allow_null=True, default=None, help_text="Required.")

    class Meta:
        ref_name = "MeetingActionInput"


class ParticipantInputSerializer(serializers.Serializer):
    membership = _membership_field(
        required=False,
        allow_null=True,
        default=None,
        help_text="A member of this child's team, or give a name.",
    )
    name = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Someone not in the team, such as a parent."
    )
    invited = serializers.BooleanField(required=False, default=True)
    attended = serializers.BooleanField(required=False, default=False)

    class Meta:
        ref_name = "MeetingParticipantInput"


class MeetingListCreateApi(GenericAPIView):
    """The child's multi-agency meetings (R25), and recording a new one with who came and what was agreed."""

    class InputSerializer(serializers.Serializer):
        kind = serializers.ChoiceField(choices=Meeting.Kind.choices)
        held_at = serializers.DateTimeField(
            help_text="When it was (or will be) held; in the future = planned."
        )
        location = serializers.CharField(required=False, allow_blank=True, default="")
        young_person_views = serializers.CharField(
            required=False,
            allow_blank=True,
            default="",
            help_text="In their own words. For a meeting that has happened, this or the reason is required.",
        )
        young_person_views_not_given_reason = serializers.CharField(
            required=False, allow_blank=True, default=""
        )
        decisions = serializers.CharField(required=False, allow_blank=True, default="")
        decisions_category = _described_category_input(Category.PLANS, "decisions")
        participants = ParticipantInputSerializer(many=True, required=False)
        actions = ActionFieldsInputSerializer(many=True, required=False)

        class Meta:
            ref_name = "MeetingInput"

    @extend_schema(
        operation_id="children_meetings_list",
        summary="List the child's meetings",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        responses={200: MeetingOutputSerializer(many=True)},
    )
    def get(self, request, public_id: str):
        child = access_child(request.user, public_id, perm=VIEW_CHILD_PLANS)
        page = self.paginate_queryset(_meetings(child))
        return self.get_paginated_response(
            MeetingOutputSerializer(page, many=True, context=free_text_context(child.access)).data
        )

    @extend_schema(
        operation_id="children_meetings_create",
        summary="Record a meeting",
        description=(
            "Problems are named by their path, such as `actions.0.owner` or `participants.1.membership`; "
            "nothing is saved unless everything is valid."
        ),
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        request=InputSerializer,
        responses={201: MeetingOutputSerializer},
    )
    def post(self, request, public_id: str):
        child = access_child(request.user, public_id, perm=CHANGE, audit=False)
        serializer = self.InputSerializer(data=request.data, context={"child": child})
        serializer.is_valid(raise_exception=True)
        meeting = meeting_record(actor=request.user, child=child, **serializer.validated_data)
        meeting = _meetings(child).get(pk=meeting.pk)
        headers = {"Location": reverse("teams-api:meeting", args=[child.public_id, meeting.public_id])}
        return Response(
            MeetingOutputSerializer(meeting, context=free_text_context(child.access)).data,
            status=status.HTTP_201_CREATED,
            headers=headers,
        )


class MeetingDetailApi(APIView):
    @extend_schema(
        operation_id="children_meetings_retrieve",
        summary="Read a meeting",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID, MEETING_ID],
        responses={200: MeetingOutputSerializer},
    )
    def get(self, request, public_id: str, meeting_id: str):
        child = access_child(request.user, public_id, perm=VIEW_CHILD_PLANS)
        meeting = _get_through_child(_meetings(child), meeting_id)
        return Response(MeetingOutputSerializer(meeting, context=free_text_context(child.access)).data)


class ActionListCreateApi(GenericAPIView):
    """What people agreed to do for the child, each with one owner and a due date."""

    class InputSerializer(ActionFieldsInputSerializer):
        meeting = ChildScopedPublicIdField(
            what="meeting",
            scope=lambda child: child.meetings.all(),
            required=False,
            allow_null=True,
            default=None,
            help_text="The meeting it was agreed at, if any.",
        )

        class Meta:
            ref_name = "ActionInput"

    @extend_schema(
        operation_id="children_actions_list",
        summary="List the child's actions",
        description="Open actions first by due date, then the rest.",
        tags=TAGS,
        parameters=[
            CHILD_PUBLIC_ID,
            OpenApiParameter("open", OpenApiTypes.BOOL, description="true: only actions not yet done."),
        ],
        responses={200: ActionOutputSerializer(many=True)},
    )
    def get(self, request, public_id: str):
        child = access_child(request.user, public_id, perm=VIEW_CHILD_PLANS)
        actions = _actions(child).order_by("completed_on", "due_on", "pk")
        if request.query_params.get("open", "").lower() in {"true", "1", "yes"}:
            actions = actions.open()
        page = self.paginate_queryset(actions)
        return self.get_paginated_response(
            ActionOutputSerializer(page, many=True, context=free_text_context(child.access)).data
        )

    @extend_schema(
        operation_id="children_actions_create",
        summary="Agree an action",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID],
        request=InputSerializer,
        responses={201: ActionOutputSerializer},
    )
    def post(self, request, public_id: str):
        child = access_child(request.user, public_id, perm=CHANGE, audit=False)
        serializer = self.InputSerializer(data=request.data, context={"child": child})
        serializer.is_valid(raise_exception=True)
        action = action_add(actor=request.user, child=child, **serializer.validated_data)
        data = ActionOutputSerializer(action, context=free_text_context(child.access)).data
        return Response(data, status=status.HTTP_201_CREATED)


class ActionCompleteApi(APIView):
    class InputSerializer(serializers.Serializer):
        completed_on = serializers.DateField(
            required=False, allow_null=True, help_text="Today or earlier. Defaults to today."
        )

        class Meta:
            ref_name = "ActionCompleteInput"

    @extend_schema(
        operation_id="children_actions_complete",
        summary="Mark an action done",
        description="Reminders and escalations for it stop.",
        tags=TAGS,
        parameters=[CHILD_PUBLIC_ID, ACTION_ID],
        request=InputSerializer,
        responses={200: ActionOutputSerializer},
    )
    def post(self, request, public_id: str, action_id: str):
        # Team members may ask; the service lets the owner, or someone who can change the record, do it.
        child = access_child(request.user, public_id, perm="view_child_team", audit=False)
        action = _get_through_child(_actions(child), action_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        action = action_complete(
            actor=request.user, action=action, completed_on=serializer.validated_data.get("completed_on")
        )
        return Response(ActionOutputSerializer(action, context=free_text_context(child.access)).data)
