"""A person's own notifications and contact choices over the REST API (under /api/v1/notifications/).

Nobody reaches anyone else's: every lookup is through ``notification_list(user=request.user)``, so
another person's notification id is simply "not found".
"""

import uuid

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from apps.notifications.models import Notification
from apps.notifications.selectors import (
    contact_preference_for,
    notification_inbox,
    notification_list,
    notifications_readable,
)
from apps.notifications.services import (
    contact_preference_set,
    notification_mark_all_read,
    notification_mark_read,
)

TAGS = ["Notifications"]
NOTIFICATION_ID = OpenApiParameter(
    "notification_id", str, OpenApiParameter.PATH, description="Its public id."
)


class NotificationOutputSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    is_urgent = serializers.BooleanField()
    is_withheld = serializers.BooleanField(
        default=False,
        help_text="It is about information no longer shared with you: its subject, text and link are hidden.",
    )

    class Meta:
        model = Notification
        fields = [
            "public_id",
            "kind",
            "kind_label",
            "is_urgent",
            "is_withheld",
            "subject",
            "body",
            "link",
            "created_at",
            "read_at",
            "cleared_at",
        ]
        extra_kwargs = {
            "cleared_at": {
                "help_text": "When the task it asked of you was done (by anyone): it no longer needs you."
            }
        }
        ref_name = "Notification"


class NotificationListApi(GenericAPIView):
    class QuerySerializer(serializers.Serializer):
        unread = serializers.BooleanField(required=False, default=False)
        urgent = serializers.BooleanField(required=False, default=False)
        kind = serializers.ChoiceField(
            choices=Notification.Kind.choices, required=False, allow_blank=True, default=""
        )

        class Meta:
            ref_name = "NotificationListQuery"

    @extend_schema(
        operation_id="notifications_list",
        summary="List your notifications: unread first, urgent first within them, then newest first",
        tags=TAGS,
        parameters=[
            OpenApiParameter("unread", bool, description="Only those not yet read."),
            OpenApiParameter("urgent", bool, description="Only the urgent ones."),
            OpenApiParameter(
                "kind", str, enum=Notification.Kind.values, description="Only those of this kind."
            ),
        ],
        responses={200: NotificationOutputSerializer(many=True)},
    )
    def get(self, request):
        query = self.QuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        notifications = notification_inbox(user=request.user, **query.validated_data)
        page = notifications_readable(user=request.user, notifications=self.paginate_queryset(notifications))
        return self.get_paginated_response(NotificationOutputSerializer(page, many=True).data)


class NotificationReadApi(GenericAPIView):
    @extend_schema(
        operation_id="notifications_read",
        summary="Mark one of your notifications as read",
        description="Marking one already read changes nothing.",
        tags=TAGS,
        parameters=[NOTIFICATION_ID],
        request=None,
        responses={200: NotificationOutputSerializer},
    )
    def post(self, request, notification_id: str):
        try:
            public_id = uuid.UUID(notification_id)
        except ValueError:
            raise Http404 from None
        notification = notification_list(user=request.user).filter(public_id=public_id).first()
        if notification is None:
            raise Http404
        notification_mark_read(notification=notification)
        (readable,) = notifications_readable(user=request.user, notifications=[notification])
        return Response(NotificationOutputSerializer(readable).data)


class NotificationReadAllApi(GenericAPIView):
    class OutputSerializer(serializers.Serializer):
        marked = serializers.IntegerField(help_text="How many were unread and are now read.")

        class Meta:
            ref_name = "NotificationsMarkedRead"

    @extend_schema(
        operation_id="notifications_read_all",
        summary="Mark all your notifications as read",
        description="Calling it again marks nothing (`marked` is 0).",
        tags=TAGS,
        request=None,
        responses={200: OutputSerializer},
    )
    def post(self, request):
        return Response({"marked": notification_mark_all_read(user=request.user)})


class ContactPreferenceApi(GenericAPIView):
    class Serializer(serializers.Serializer):
        mobile_number = serializers.CharField(
            required=False, allow_blank=True, default="", help_text="A UK mobile, like 07700 900123."
        )
        by_email = serializers.BooleanField(required=False, default=True)
        by_sms = serializers.BooleanField(required=False, default=True)

        class Meta:
            ref_name = "ContactPreference"

    @extend_schema(
        operation_id="notifications_contact_get",
        summary="How Beacon tells you about a new notification",
        tags=TAGS,
        responses={200: Serializer},
    )
    def get(self, request):
        preference = contact_preference_for(user=request.user)
        if preference is None:
            return Response({"mobile_number": "", "by_email": True, "by_sms": False})
        return Response(self.Serializer(preference).data)

    @extend_schema(
        operation_id="notifications_contact_set",
        summary="Choose email, text message, both or neither",
        description="Emails and texts only ever say that there is something new in Beacon.",
        tags=TAGS,
        request=Serializer,
        responses={200: Serializer},
    )
    def put(self, request):
        serializer = self.Serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        preference = contact_preference_set(user=request.user, **serializer.validated_data)
        return Response(self.Serializer(preference).data)
