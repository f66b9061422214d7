"""API endpoints for a person's own notifications and contact choices (under /api/v1/)."""

from django.urls import path

from apps.notifications.api import ContactPreferenceApi, NotificationListApi, NotificationReadApi

app_name = "notifications-api"

urlpatterns = [
    path("notifications/", NotificationListApi.as_view(), name="list"),
    path("notifications/contact/", ContactPreferenceApi.as_view(), name="contact"),
    # Matched as any string: a malformed id gets the same 404 as someone else's, in the API's error shape.
    path("notifications/<str:notification_id>/read/", NotificationReadApi.as_view(), name="read"),
]
