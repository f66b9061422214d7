"""Every endpoint of the REST API, version 1."""

from django.urls import include, path

urlpatterns = [
    path("", include("apps.accounts.api_urls")),
    path("", include("apps.children.api_urls")),
]
