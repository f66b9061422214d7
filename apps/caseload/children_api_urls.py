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
    path("vulnerability-types/", VulnerabilityTypeListApi.as_view(), name="vulnerability-types"),
]
