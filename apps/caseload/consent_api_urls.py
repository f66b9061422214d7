"""API endpoints for consent, competence, safeguarding overrides and the disclosure log (under /api/v1/)."""

from django.urls import path

from apps.caseload.consent_api import (
    CompetenceAssessmentListCreateApi,
    ConsentListCreateApi,
    ConsentReviewCompleteApi,
    ConsentReviewListApi,
    ConsentWithdrawApi,
    CoordinationObjectionEndApi,
    CoordinationObjectionListCreateApi,
    DisclosureListApi,
    ParentWithholdingEndApi,
    ParentWithholdingListCreateApi,
    SafeguardingOverrideCreateApi,
    SafeguardingOverrideReviewApi,
    SafeguardingOverrideToldApi,
)

app_name = "consent-api"

# Ids are matched as any string, not <uuid:>: the views answer a malformed id with the same 404 as one
# that names nothing of this child's, in the API's error shape (as apps.caseload.children_api_urls does).
child = "children/<str:public_id>/"

urlpatterns = [
    path(f"{child}consents/", ConsentListCreateApi.as_view(), name="consents"),
    path(
        f"{child}consents/<str:consent_id>/withdraw/", ConsentWithdrawApi.as_view(), name="consent-withdraw"
    ),
    path(
        f"{child}competence-assessments/",
        CompetenceAssessmentListCreateApi.as_view(),
        name="competence-assessments",
    ),
    path(
        f"{child}safeguarding-overrides/",
        SafeguardingOverrideCreateApi.as_view(),
        name="safeguarding-overrides",
    ),
    path(
        f"{child}safeguarding-overrides/<str:override_id>/review/",
        SafeguardingOverrideReviewApi.as_view(),
        name="safeguarding-override-review",
    ),
    path(f"{child}disclosures/", DisclosureListApi.as_view(), name="disclosures"),
    path(f"{child}consent-reviews/", ConsentReviewListApi.as_view(), name="consent-reviews"),
    path(
        f"{child}consent-reviews/<str:review_id>/complete/",
        ConsentReviewCompleteApi.as_view(),
        name="consent-review-complete",
    ),
    path(
        f"{child}safeguarding-overrides/<str:override_id>/told/",
        SafeguardingOverrideToldApi.as_view(),
        name="safeguarding-override-told",
    ),
    path(
        f"{child}parent-withholdings/", ParentWithholdingListCreateApi.as_view(), name="parent-withholdings"
    ),
    path(
        f"{child}parent-withholdings/<str:withholding_id>/end/",
        ParentWithholdingEndApi.as_view(),
        name="parent-withholding-end",
    ),
    path(
        f"{child}coordination-objections/",
        CoordinationObjectionListCreateApi.as_view(),
        name="coordination-objections",
    ),
    path(
        f"{child}coordination-objections/<str:objection_id>/end/",
        CoordinationObjectionEndApi.as_view(),
        name="coordination-objection-end",
    ),
]
