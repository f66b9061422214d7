"""Browser pages for consultations, referrals, the single point of access and the waiting list."""

from django.urls import path

from apps.referrals import views
from apps.referrals.views import front_door

app_name = "referrals"

child = "children/<uuid:public_id>/"
referral = f"{child}referrals/<uuid:referral_id>/"
consultation = "referrals/consultations/<uuid:consultation_id>/"

urlpatterns = [
    path("referrals/queue/", views.triage_queue, name="queue"),
    path("referrals/senior-review/", views.senior_review_queue, name="senior-review-queue"),
    path("referrals/waiting/", views.waiting_list, name="waiting-list"),
    path("referrals/requests/", front_door.help_request_list, name="help-request-list"),
    path("referrals/requests/<uuid:request_id>/", front_door.help_request_detail, name="help-request-detail"),
    path(
        "referrals/requests/<uuid:request_id>/route/",
        front_door.help_request_route_view,
        name="help-request-route",
    ),
    path(
        "referrals/requests/<uuid:request_id>/close/",
        front_door.help_request_close_view,
        name="help-request-close",
    ),
    path("referrals/consultations/", views.consultation_list, name="consultation-list"),
    path("referrals/consultations/new/", views.consultation_request, name="consultation-request"),
    path(consultation, views.consultation_detail, name="consultation-detail"),
    path(f"{consultation}advice/", views.consultation_advise, name="consultation-advise"),
    path(f"{consultation}refer/", views.consultation_refer, name="consultation-refer"),
    path(f"{child}referrals/", views.child_referrals, name="child-referrals"),
    path(f"{child}referrals/new/", views.referral_create, name="referral-create"),
    path(referral, views.referral_detail, name="referral-detail"),
    path(f"{referral}letter/", views.referral_letter, name="referral-letter"),
    path(f"{referral}triage/", views.referral_triage, name="referral-triage"),
    path(f"{referral}accept/", views.referral_accept, name="referral-accept"),
    path(f"{referral}decline/", views.referral_decline, name="referral-decline"),
    path(f"{referral}senior-review/", views.referral_senior_review, name="referral-senior-review"),
    path(f"{referral}clock/", views.referral_clock, name="referral-clock"),
    path(f"{child}waiting/<uuid:entry_id>/contact/", views.waiting_contact, name="waiting-contact"),
    path(
        f"{child}waiting/<uuid:entry_id>/tried/",
        views.waiting_contact_attempt,
        name="waiting-contact-attempt",
    ),
]
