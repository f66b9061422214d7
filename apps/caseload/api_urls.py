"""The caseload endpoint (under /api/v1/)."""

from django.urls import path

from apps.caseload.api import CaseloadListApi

app_name = "caseload-api"

urlpatterns = [
    path("caseload/", CaseloadListApi.as_view(), name="caseload"),
]
