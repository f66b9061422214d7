"""Actions over the API: listing and adding them, and completing one."""

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.children.models import Child
from apps.children.selectors import CHANGE
from apps.core.api.fields import ChildScopedPublicIdField
from apps.sharing.selectors import access_child
from apps.teams.api.common import ACTION_ID, CHILD_PUBLIC_ID, TAGS, VIEW_CHILD_PLANS, _get_through_child
from apps.teams.api.serializers import ActionFieldsInputSerializer, ActionOutputSerializer, free_text_context
from apps.teams.models import Action
from apps.teams.services import action_add, action_complete


def _actions(child: Child) -> QuerySet[Action]:
    return child.actions.select_related("owner", "meeting", "handover")


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
