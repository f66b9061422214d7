from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_replace
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

from apps.accounts.admin_site import BeaconAdminSite
from apps.portal import views as portal_views

# The API documentation pages are the only ones whose Content Security Policy is relaxed. Swagger UI and
# Redoc are third-party bundles (served from our own static files) that put <style> elements into the
# page as they render, so these two pages allow inline style; script stays 'self' only (the split view
# serves Swagger UI's start-up script as a file rather than inline), and Redoc's search runs in a worker
# made from a blob: URL. Inline style cannot run code, and these pages show no personal data.
API_DOCS_CSP = {"style-src": [SELF, UNSAFE_INLINE], "worker-src": [SELF, "blob:"]}

# The admin is for administrators who have given their second factor (issue 5). The middleware already
# sends anyone else to the sign-in pages; OTPAdminSite refuses them again here, in case it ever did not,
# and BeaconAdminSite answers a signed-in non-administrator with the 403 page, not a sign-in loop.
admin.site.__class__ = BeaconAdminSite

urlpatterns = [
    # Professionals start at their caseload, young people at their own portal.
    path("", portal_views.start, name="start"),
    path("accounts/", include("apps.accounts.urls")),
    path("", include("apps.portal.invite_urls")),
    path("", include("apps.portal.urls")),
    path("children/", include("apps.caseload.children_urls")),
    path("", include("apps.caseload.urls")),
    path("", include("apps.teams.urls")),
    path("", include("apps.caseload.consent_urls")),
    path("", include("apps.referrals.urls")),
    path("", include("apps.appointments.urls")),
    path("", include("apps.passport.urls")),
    path("", include("apps.chronology.urls")),
    path("", include("apps.directory.urls")),
    path("", include("apps.referrals.front_door_urls")),
    path("notifications/", include("apps.notifications.urls")),
    path("api/v1/", include("config.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        csp_replace(API_DOCS_CSP)(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    path(
        "api/redoc/",
        csp_replace(API_DOCS_CSP)(SpectacularRedocView.as_view(url_name="api-schema")),
        name="api-redoc",
    ),
    # One sign-in page for everyone: the admin's own would ask for a password only.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="accounts:sign-in", query_string=True, permanent=False),
    ),
    path("admin/", admin.site.urls),
]
