"""Every endpoint of the REST API, version 1."""

from django.urls import include, path, re_path

from apps.core.api.views import EndpointNotFoundApi

urlpatterns = [
    path("", include("apps.accounts.api_urls")),
    path("", include("apps.caseload.children_api_urls")),
    path("", include("apps.caseload.api_urls")),
    path("", include("apps.teams.api_urls")),
    path("", include("apps.caseload.consent_api_urls")),
    path("", include("apps.referrals.api_urls")),
    path("", include("apps.appointments.api_urls")),
    path("", include("apps.notifications.api_urls")),
    path("", include("apps.passport.api_urls")),
    path("", include("apps.chronology.api_urls")),
    path("", include("apps.directory.api_urls")),
    # Keep last: any other path under /api/v1/ is a 404 in the API's error shape, not Django's HTML page.
    re_path(r"^", EndpointNotFoundApi.as_view(), name="api-not-found"),
]
