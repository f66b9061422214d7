"""The caseload page (its template stays teams/caseload.html, beside the manager's view it links to)."""

from django.urls import path

from apps.caseload import views

app_name = "caseload"

urlpatterns = [
    path("caseload/", views.caseload_page, name="caseload"),
]
