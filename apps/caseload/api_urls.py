"""The caseload endpoint (under /api/v1/)."""

from django.urls import path

from apps.caseload.api import CaseloadListApi
from apps.caseload.information_api import ChildInformationApi

app_name = "caseload-api"

urlpatterns = [
    path("caseload/", CaseloadListApi.as_view(), name="caseload"),
    path("children/<str:public_id>/information/", ChildInformationApi.as_view(), name="information"),
]
