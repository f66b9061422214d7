from django.urls import path

from apps.directory import api

app_name = "directory-api"
urlpatterns = [
    path("directory/", api.ServiceListApi.as_view(), name="list"),
    path("directory/<str:service_id>/", api.ServiceDetailApi.as_view(), name="detail"),
]
