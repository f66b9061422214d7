"""API endpoints for consultations, referrals, the single point of access and waiting well (/api/v1/)."""

from django.urls import path

from apps.referrals import api

app_name = "referrals-api"

# Ids are matched as any string, not <uuid:>: the views answer a malformed id with the same 404 as one
# that names nothing, in the API's error shape (as apps.caseload.children_api_urls does).
child = "children/<str:public_id>/"
referral = f"{child}referrals/<str:referral_id>/"
consultation = "referrals/consultations/<str:consultation_id>/"

urlpatterns = [
    path("referrals/queue/", api.TriageQueueApi.as_view(), name="queue"),
    path("referrals/waiting-list/", api.WaitingListApi.as_view(), name="waiting-list"),
    path("referrals/consultations/", api.ConsultationListCreateApi.as_view(), name="consultations"),
    path(consultation, api.ConsultationDetailApi.as_view(), name="consultation"),
    path(f"{consultation}advice/", api.ConsultationAdviceApi.as_view(), name="consultation-advice"),
    path(f"{child}referrals/", api.ChildReferralListCreateApi.as_view(), name="referrals"),
    path(referral, api.ReferralDetailApi.as_view(), name="referral"),
    path(f"{referral}triage/", api.ReferralTriageApi.as_view(), name="referral-triage"),
    path(f"{referral}accept/", api.ReferralAcceptApi.as_view(), name="referral-accept"),
    path(f"{referral}decline/", api.ReferralDeclineApi.as_view(), name="referral-decline"),
    path(f"{referral}senior-review/", api.ReferralSeniorReviewApi.as_view(), name="referral-senior-review"),
    path(f"{referral}clock/", api.ReferralClockApi.as_view(), name="referral-clock"),
    path(
        f"{child}waiting/<str:entry_id>/contacts/",
        api.WaitingContactListCreateApi.as_view(),
        name="waiting-contacts",
    ),
]
