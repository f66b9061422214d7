"""Browser pages for the team around the child, meetings, actions, the caseload and the manager's view."""

from django.urls import path

from apps.teams import views

app_name = "teams"

child = "children/<uuid:public_id>/"

urlpatterns = [
    path("caseload/manager/", views.manager_page, name="manager"),
    # Requests for access to a record found while adding a child (R2).
    path("access-requests/", views.access_request_list, name="access-requests"),
    path("access-requests/<uuid:request_id>/", views.access_request_answer, name="access-request"),
    path(f"{child}team/", views.team_page, name="team"),
    path(f"{child}team/add/", views.member_add, name="member-add"),
    path(f"{child}team/<uuid:membership_id>/end/", views.member_end, name="member-end"),
    path(f"{child}team/<uuid:membership_id>/offer/", views.member_offer, name="member-offer"),
    path(
        f"{child}team/<uuid:membership_id>/trusted-worker/", views.trusted_worker_name, name="trusted-worker"
    ),
    path(
        f"{child}team/<uuid:membership_id>/direct-contact/", views.direct_contact_give, name="direct-contact"
    ),
    path(f"{child}team/lead/appoint/", views.lead_appoint, name="lead-appoint"),
    path(f"{child}team/lead/hand-over/", views.lead_hand_over, name="lead-hand-over"),
    path(
        f"{child}team/trusted-worker/hand-over/",
        views.trusted_worker_hand_over,
        name="trusted-worker-hand-over",
    ),
    path(f"{child}meetings/new/", views.meeting_record, name="meeting-record"),
    path(f"{child}meetings/<uuid:meeting_id>/", views.meeting_detail, name="meeting-detail"),
    path(f"{child}actions/new/", views.action_add, name="action-add"),
    path(f"{child}actions/<uuid:action_id>/complete/", views.action_complete, name="action-complete"),
]
