"""The chronology's API endpoints (under /api/v1/)."""

from django.urls import path

from apps.chronology.api import ChronologyApi

app_name = "chronology-api"

# The child's id is matched as any string, not <uuid:>: the view answers a malformed id with the same 404 as
# one that names no child shared with the caller, in the API's error shape.
urlpatterns = [
    path("children/<str:public_id>/chronology/", ChronologyApi.as_view(), name="chronology"),
]
