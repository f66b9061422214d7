"""API endpoints for signing in and for organisations (mounted under /api/v1/)."""

from django.urls import path

from apps.accounts.api import (
    OrganisationListApi,
    OrganisationTypeListApi,
    TokenSignInApi,
    TokenSignOutApi,
    TokenSignOutEverywhereApi,
)

app_name = "accounts-api"

urlpatterns = [
    path("auth/token/", TokenSignInApi.as_view(), name="token"),
    path("auth/sign-out/", TokenSignOutApi.as_view(), name="sign-out"),
    path("auth/sign-out-everywhere/", TokenSignOutEverywhereApi.as_view(), name="sign-out-everywhere"),
    path("organisations/", OrganisationListApi.as_view(), name="organisations"),
    path("organisation-types/", OrganisationTypeListApi.as_view(), name="organisation-types"),
]
