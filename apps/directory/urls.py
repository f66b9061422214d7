from django.urls import path

from apps.directory import views

app_name = "directory"
urlpatterns = [
    path("directory/", views.service_list, name="list"),
    path("directory/<uuid:service_id>/", views.service_detail, name="detail"),
    path("directory/<uuid:service_id>/what-to-expect/", views.what_to_expect, name="what-to-expect"),
]
