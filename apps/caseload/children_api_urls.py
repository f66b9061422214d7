"""API endpoints for children's records (mounted under /api/v1/)."""

from django.urls import path

from apps.caseload.children_api import (
    ChildFamilyMemberCreateApi,
    ChildIdentifierCreateApi,
    ChildPossibleMatchesApi,
    ChildProtectedCharacteristicsApi,
    ChildSocialWorkStatusCreateApi,
    ChildViewSet,
    ChildVulnerabilityCreateApi,
    VulnerabilityTypeListApi,
)
from apps.caseload.children_api.identity import (
    ChildMergeCreateApi,
    ChildMergePreviewApi,
    ChildMergeReverseApi,
    ChildNhsNumberStatusApi,
)

app_name = "children-api"

# The child's id is matched as any string, not <uuid:>: access_child() answers a malformed id with the
# same 404 as a child that is not shared with the caller, in the API's error shape.
urlpatterns = [
    path("children/", ChildViewSet.as_view({"get": "list", "post": "create"}), name="list"),
    # Before the detail route, so that "possible-matches" is never read as a child's id.
    path("children/possible-matches/", ChildPossibleMatchesApi.as_view(), name="possible-matches"),
    path(
        "children/<str:public_id>/",
        ChildViewSet.as_view({"get": "retrieve", "patch": "partial_update"}),
        name="detail",
    ),
    path("children/<str:public_id>/identifiers/", ChildIdentifierCreateApi.as_view(), name="identifiers"),
    path(
        "children/<str:public_id>/social-work-statuses/",
        ChildSocialWorkStatusCreateApi.as_view(),
        name="social-work-statuses",
    ),
    path(
        "children/<str:public_id>/vulnerabilities/",
        ChildVulnerabilityCreateApi.as_view(),
        name="vulnerabilities",
    ),
    path(
        "children/<str:public_id>/family-members/",
        ChildFamilyMemberCreateApi.as_view(),
        name="family-members",
    ),
    path(
        "children/<str:public_id>/protected-characteristics/",
        ChildProtectedCharacteristicsApi.as_view(),
        name="protected-characteristics",
    ),
    # Identity you can trust and one record per child (R2).
    path(
        "children/<str:public_id>/nhs-number-status/",
        ChildNhsNumberStatusApi.as_view(),
        name="nhs-number-status",
    ),
    path("children/<str:public_id>/merges/", ChildMergeCreateApi.as_view(), name="merges"),
    path("children/<str:public_id>/merges/preview/", ChildMergePreviewApi.as_view(), name="merge-preview"),
    path(
        "children/<str:public_id>/merges/<str:merge_id>/reverse/",
        ChildMergeReverseApi.as_view(),
        name="merge-reverse",
    ),
    path("vulnerability-types/", VulnerabilityTypeListApi.as_view(), name="vulnerability-types"),
]
