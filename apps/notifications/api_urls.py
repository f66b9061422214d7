"""API endpoints for a person's own notifications and contact choices (under /api/v1/)."""

from django.urls import path

from apps.notifications.api import (
    ContactPreferenceApi,
    NotificationListApi,
    NotificationReadAllApi,
    NotificationReadApi,
)

app_name = "notifications-api"

urlpatterns = [
    path("notifications/", NotificationListApi.as_view(), name="list"),
    path("notifications/contact/", ContactPreferenceApi.as_view(), name="contact"),
    path("notifications/read-all/", NotificationReadAllApi.as_view(), name="read-all"),
    # Matched as any string: a malformed id gets the same 404 as someone else's, in the API's error shape.
    path("notifications/<str:notification_id>/read/", NotificationReadApi.as_view(), name="read"),
]
