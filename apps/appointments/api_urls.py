"""API endpoints for appointments, outcomes and missed-appointment follow-ups (under /api/v1/)."""

from django.urls import path

from apps.appointments.api import (
    AppointmentDetailApi,
    AppointmentListCreateApi,
    AppointmentOutcomeApi,
    FollowUpAttemptApi,
    FollowUpCompleteApi,
    FollowUpListApi,
    MyFollowUpListApi,
)

app_name = "appointments-api"

# Ids are matched as any string, not <uuid:>: the views answer a malformed id with the same 404 as one
# that names nothing of this child's, in the API's error shape (as apps.caseload.children_api_urls does).
child = "children/<str:public_id>/"
appointment = f"{child}appointments/<str:appointment_id>/"

urlpatterns = [
    path("follow-ups/", MyFollowUpListApi.as_view(), name="my-follow-ups"),
    path(f"{child}appointments/", AppointmentListCreateApi.as_view(), name="appointments"),
    path(appointment, AppointmentDetailApi.as_view(), name="appointment"),
    path(f"{appointment}outcome/", AppointmentOutcomeApi.as_view(), name="appointment-outcome"),
    path(f"{child}follow-ups/", FollowUpListApi.as_view(), name="follow-ups"),
    path(
        f"{child}follow-ups/<str:follow_up_id>/complete/",
        FollowUpCompleteApi.as_view(),
        name="follow-up-complete",
    ),
    path(
        f"{child}follow-ups/<str:follow_up_id>/attempts/",
        FollowUpAttemptApi.as_view(),
        name="follow-up-attempt",
    ),
]
