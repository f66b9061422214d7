"""API endpoints for the team around the child, meetings, actions and the caseload (under /api/v1/)."""

from django.urls import path

from apps.teams.api import (
    ActionCompleteApi,
    ActionListCreateApi,
    DirectContactGiveApi,
    LeadProfessionalAppointApi,
    LeadProfessionalHandOverApi,
    MeetingDetailApi,
    MeetingListCreateApi,
    TeamApi,
    TeamMemberCreateApi,
    TeamMemberEndApi,
    TrustedWorkerHandOverApi,
    TrustedWorkerNameApi,
)
from apps.teams.api.access_requests import (
    AccessRequestAnswerApi,
    AccessRequestDetailApi,
    AccessRequestListCreateApi,
    AccessRequestToAnswerListApi,
)

app_name = "teams-api"

# Ids are matched as any string, not <uuid:>: the views answer a malformed id with the same 404 as one
# that names nothing of this child's, in the API's error shape (as apps.caseload.children_api_urls does).
child = "children/<str:public_id>/"
member = f"{child}team/members/<str:membership_id>/"

urlpatterns = [
    path(f"{child}team/", TeamApi.as_view(), name="team"),
    path(f"{child}team/members/", TeamMemberCreateApi.as_view(), name="members"),
    path(f"{member}end/", TeamMemberEndApi.as_view(), name="member-end"),
    path(f"{member}trusted-worker/", TrustedWorkerNameApi.as_view(), name="member-trusted-worker"),
    path(f"{member}direct-contact/", DirectContactGiveApi.as_view(), name="member-direct-contact"),
    path(f"{child}lead-professional/", LeadProfessionalAppointApi.as_view(), name="lead-professional"),
    path(
        f"{child}lead-professional/hand-over/",
        LeadProfessionalHandOverApi.as_view(),
        name="lead-professional-hand-over",
    ),
    path(
        f"{child}trusted-worker/hand-over/",
        TrustedWorkerHandOverApi.as_view(),
        name="trusted-worker-hand-over",
    ),
    path(f"{child}meetings/", MeetingListCreateApi.as_view(), name="meetings"),
    path(f"{child}meetings/<str:meeting_id>/", MeetingDetailApi.as_view(), name="meeting"),
    path(f"{child}actions/", ActionListCreateApi.as_view(), name="actions"),
    path(f"{child}actions/<str:action_id>/complete/", ActionCompleteApi.as_view(), name="action-complete"),
    # Requests for access to a record found while adding a child (R2).
    path("access-requests/", AccessRequestListCreateApi.as_view(), name="access-requests"),
    path(
        "access-requests/to-answer/", AccessRequestToAnswerListApi.as_view(), name="access-requests-to-answer"
    ),
    path("access-requests/<str:request_id>/", AccessRequestDetailApi.as_view(), name="access-request"),
    path(
        "access-requests/<str:request_id>/answer/",
        AccessRequestAnswerApi.as_view(),
        name="access-request-answer",
    ),
]
