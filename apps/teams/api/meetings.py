"""Team meetings over the API: listing and recording them, with the actions agreed, and reading one."""

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.children.categories import Category
from apps.children.models import Child
from apps.children.selectors import CHANGE
from apps.sharing.selectors import access_child
from apps.teams.api.common import (
    CHILD_PUBLIC_ID,
    MEETING_ID,
    TAGS,
    VIEW_CHILD_PLANS,
    _get_through_child,
    _membership_field,
)
from apps.teams.api.serializers import (
    ActionFieldsInputSerializer,
    MeetingOutputSerializer,
    _described_category_input,
    free_text_context,
)
from apps.teams.models import Action, Meeting, MeetingParticipant
from apps.teams.services import meeting_record


def _meetings(child: Child) -> QuerySet[Meeting]:
    """The child's meetings with who was there and what was agreed, each list fetched once."""
    return child.meetings.select_related("recorded_by").prefetch_related(
        Prefetch("participants", queryset=MeetingParticipant.objects.select_related("membership__user")),
        Prefetch("actions", queryset=Action.objects.select_related("owner", "meeting", "handover")),
    )


# --- Meetings and actions --------------------------------------------------------------------------


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
